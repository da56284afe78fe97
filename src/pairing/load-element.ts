/**
 * `<ap-mobile-camera>` on demand. The phone page's element is never used by an exam page, so the
 * classic script (`dist/cdn/autoproctor.js`) keeps it out of its one file (issue 13's 60 KB gzip
 * budget) and loads it the first time from the asset base, `phone/ap-mobile-camera.mjs`
 * (rollup.config.mjs, `lazyFromAssetBase`), with the phone side of the pairing that only the phone
 * page uses (`SecondCameraSender`, `openPhoneSender`, `openPhoneCamera`); the module builds bundle
 * it, so this resolves at once.
 */
import type { ApMobileCamera } from '../elements/ap-mobile-camera/ap-mobile-camera.js';
import { lazyElement } from '../lazy-element.js';

/**
 * Defines `<ap-mobile-camera>` unless a build on the page already has, and resolves with the class
 * the tag is defined with: one class per page, whichever build defined it first. Loads at most once
 * at a time; after a failure the next call tries again.
 *
 * @throws ProctorError 4100 `ASSET_UNREACHABLE` (AutoProctor's `errorCode` 4018) when the element
 *   could not be fetched from the asset base (wrong base, offline); the message names the base.
 */
export const loadMobileCameraElement: () => Promise<typeof ApMobileCamera> = lazyElement(
  'ap-mobile-camera',
  'The phone camera',
  () =>
    import('../elements/ap-mobile-camera/ap-mobile-camera.js').then((part) => {
      phonePart = part;
      return part.ApMobileCamera;
    }),
);

/**
 * The phone part's module once loaded: the classic script's `ProctorElements.SecondCameraSender`,
 * `openPhoneCamera` and `openPhoneSender` read it (undefined until `loadMobileCameraElement()`).
 */
export let phonePart: typeof import('../elements/ap-mobile-camera/ap-mobile-camera.js') | undefined;
