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
 * A loader for `tag`: it defines the tag with the class `load()` resolves with, unless a build on the
 * page already has, and resolves with the class the tag is defined with (one class per page,
 * whichever build defined it first). It loads at most once at a time; after a failure the next call
 * tries again.
 *
 * @param what - What the element is, for the error message (`The report`).
 * @param timeoutMs - The longest wait for the part, in ms ({@link ASSET_LOAD_TIMEOUT_MS}).
 * @returns The loader; it rejects with ProctorError 4100 `ASSET_UNREACHABLE` (AutoProctor's
 *   `errorCode` 4018) when the element could not be fetched from the asset base (wrong base,
 *   offline) or the host did not answer within `timeoutMs`, with a message that names the base.
 *   A part that arrives after the deadline still defines its tag, so elements on the page upgrade,
 *   and a call made while it is still on the way waits for it (with a deadline of its own) instead
 *   of requesting it again.
 */
export function lazyElement<T extends CustomElementConstructor>(
  tag: string,
  what: string,
  load: () => Promise<T>,
  timeoutMs = ASSET_LOAD_TIMEOUT_MS,
): () => Promise<T> {
  let loading: Promise<T> | undefined;
  // the import in flight until it settles: it may outlive a deadline, and a retry meanwhile waits
  // for it rather than asking for the part again (a new request would queue behind the stalled one)
  let importing: Promise<T> | undefined;
  const defined = () => customElements.get(tag) as T | undefined;
  const define = (element: T) => {
    if (!defined()) customElements.define(tag, element);
    return defined()!;
  };
  const attempt = () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // the import goes on after the deadline (a browser cannot abort one): when it lands, the tag is defined
    const arrived = (importing ??= load()
      .then(define)
      .finally(() => (importing = undefined)));
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the host did not answer within ${+(timeoutMs / 1000).toFixed(1)} s`)),
        timeoutMs,
      );
    });
    arrived.catch(() => undefined);
    return Promise.race([arrived, deadline]).then(
      (element) => {
        clearTimeout(timer);
        return element;
      },
      (error: unknown) => {
        clearTimeout(timer);
        loading = undefined;
        throw new ProctorError(
          ErrorCode.ASSET_UNREACHABLE,
          `${what} (<${tag}>) could not be loaded from the asset base ${getAssetBase()}: ${messageOf(error)}`,
        );
      },
    );
  };
  return () => (defined() ? Promise.resolve(defined()!) : (loading ??= attempt()));
}
