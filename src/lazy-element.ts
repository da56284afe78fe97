/**
 * Elements on demand. The module builds (the package, `dist/cdn/proctor-elements.js`) bundle every
 * element, so a loader made here resolves at once there. The classic script
 * (`dist/cdn/autoproctor.js`) keeps the elements an exam page rarely needs out of its one file
 * (issue 13's 60 KB gzip budget) and fetches each from the asset base the first time it is needed
 * (rollup.config.mjs, `lazyFromAssetBase`).
 */
import { getAssetBase } from './detection/assets.js';
import { ErrorCode, ProctorError, messageOf } from './errors.js';

/**
 * A loader for `tag`: it defines the tag with the class `load()` resolves with, unless a build on the
 * page already has, and resolves with the class the tag is defined with (one class per page,
 * whichever build defined it first). It loads at most once at a time; after a failure the next call
 * tries again.
 *
 * @param what - What the element is, for the error message (`The report`).
 * @returns The loader; it rejects with ProctorError 4100 `ASSET_UNREACHABLE` (AutoProctor's
 *   `errorCode` 4018) when the element could not be fetched from the asset base (wrong base,
 *   offline), with a message that names the base.
 */
export function lazyElement<T extends CustomElementConstructor>(
  tag: string,
  what: string,
  load: () => Promise<T>,
): () => Promise<T> {
  let loading: Promise<T> | undefined;
  const defined = () => customElements.get(tag) as T | undefined;
  return () =>
    defined()
      ? Promise.resolve(defined()!)
      : (loading ??= load().then(
          (element) => {
            if (!defined()) customElements.define(tag, element);
            return defined()!;
          },
          (error: unknown) => {
            loading = undefined;
            throw new ProctorError(
              ErrorCode.ASSET_UNREACHABLE,
              `${what} (<${tag}>) could not be loaded from the asset base ${getAssetBase()}: ${messageOf(error)}`,
            );
          },
        ));
}
