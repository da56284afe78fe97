/**
 * Elements on demand. The module builds (the package, `dist/cdn/proctor-elements.js`) bundle every
 * element, so a loader made here resolves at once there. The classic script
 * (`dist/cdn/autoproctor.js`) keeps the elements an exam page rarely needs out of its one file
 * (issue 13's 60 KB gzip budget) and fetches each from the asset base the first time it is needed
 * (rollup.config.mjs, `lazyFromAssetBase`).
 */
import { ASSET_LOAD_TIMEOUT_MS, getAssetBase } from './detection/assets.js';
import { ErrorCode, ProctorError, messageOf } from './errors.js';

/**
 * A loader for a lazy part: `load()` imports it (in the classic script, from the asset base). It
 * loads at most once at a time and keeps what it loaded; after a failure the next call tries again.
 *
 * @param what - What the part is, for the error message (`The report (<ap-report>)`).
 * @param timeoutMs - The longest wait for the part, in ms ({@link ASSET_LOAD_TIMEOUT_MS}).
 * @returns The loader; it rejects with ProctorError 4100 `ASSET_UNREACHABLE` (AutoProctor's
 *   `errorCode` 4018) when the part could not be fetched from the asset base (wrong base,
 *   offline) or the host did not answer within `timeoutMs`, with a message that names the base.
 *   A part that arrives after the deadline is still taken (`load()`'s own `then` runs), and a call
 *   made while it is still on the way waits for it (with a deadline of its own) instead of
 *   requesting it again.
 */
export function lazyPart<M>(what: string, load: () => Promise<M>, timeoutMs = ASSET_LOAD_TIMEOUT_MS): () => Promise<M> {
  let loading: Promise<M> | undefined;
  // the import in flight until it settles: it may outlive a deadline, and a retry meanwhile waits
  // for it rather than asking for the part again (a new request would queue behind the stalled one)
  let importing: Promise<M> | undefined;
  const attempt = () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // the import goes on after the deadline (a browser cannot abort one)
    const arrived = (importing ??= load().finally(() => (importing = undefined)));
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the host did not answer within ${+(timeoutMs / 1000).toFixed(1)} s`)),
        timeoutMs,
      );
    });
    arrived.catch(() => undefined);
    return Promise.race([arrived, deadline]).then(
      (part) => {
        clearTimeout(timer);
        return part;
      },
      (error: unknown) => {
        clearTimeout(timer);
        loading = undefined;
        throw new ProctorError(
          ErrorCode.ASSET_UNREACHABLE,
          `${what} could not be loaded from the asset base ${getAssetBase()}: ${messageOf(error)}`,
        );
      },
    );
  };
  return () => (loading ??= attempt());
}

/**
 * A loader for `tag` ({@link lazyPart}): it defines the tag with the class `load()` resolves with,
 * unless a build on the page already has, and resolves with the class the tag is defined with (one
 * class per page, whichever build defined it first). A part that arrives after the deadline still
 * defines its tag, so elements on the page upgrade.
 *
 * @param what - What the element is, for the error message (`The report`).
 * @param timeoutMs - The longest wait for the part, in ms ({@link ASSET_LOAD_TIMEOUT_MS}).
 * @returns The loader; it rejects with ProctorError 4100 `ASSET_UNREACHABLE` as {@link lazyPart}'s.
 */
export function lazyElement<T extends CustomElementConstructor>(
  tag: string,
  what: string,
  load: () => Promise<T>,
  timeoutMs = ASSET_LOAD_TIMEOUT_MS,
): () => Promise<T> {
  const defined = () => customElements.get(tag) as T | undefined;
  const part = lazyPart(
    `${what} (<${tag}>)`,
    () =>
      load().then((element) => {
        if (!defined()) customElements.define(tag, element);
        return defined()!;
      }),
    timeoutMs,
  );
  return () => (defined() ? Promise.resolve(defined()!) : part());
}
