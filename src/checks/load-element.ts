/**
 * `<ap-requirements-check>` and the check services on demand. The module builds (the package,
 * `dist/cdn/proctor-elements.js`) bundle them, so this resolves at once. The classic script
 * (`dist/cdn/autoproctor.js`), an AutoProctor drop-in whose exam pages proctor rather than check,
 * keeps them out of its one file (issue 13's 60 KB gzip budget) and loads them the first time from
 * the asset base, `checks/ap-requirements-check.mjs` (rollup.config.mjs, `lazyFromAssetBase`):
 * the element with `RequirementsRunner`, `SpeakerCheck` and the `run…Check()` services but the
 * screen share's (src/elements/ap-requirements-check/part.ts).
 */
import type * as Part from '../elements/ap-requirements-check/part.js';
import { ApStatusBadge } from '../elements/ap-status-badge/ap-status-badge.js';
import { lazyPart } from '../lazy-element.js';

const TAG = 'ap-requirements-check';

/**
 * The checks part's module once loaded: the classic script's `ProctorElements.RequirementsRunner`
 * and `SpeakerCheck` read it (undefined until `loadRequirementsCheckElement()` has resolved).
 */
export let checksPart: typeof Part | undefined;

/**
 * Loads the checks part (once; after a failure the next call tries again) and defines the tag
 * with its element unless a build on the page already has.
 * @throws ProctorError 4100 `ASSET_UNREACHABLE` as {@link loadRequirementsCheckElement}.
 */
export const loadChecksPart: () => Promise<typeof Part> = lazyPart(`The requirements check (<${TAG}>)`, () =>
  import('../elements/ap-requirements-check/part.js').then((part) => {
    if (!customElements.get(TAG)) customElements.define(TAG, part.ApRequirementsCheck);
    return (checksPart = part);
  }),
);

/**
 * Defines `<ap-requirements-check>` (and `<ap-status-badge>`, which it shows) unless a build on the
 * page already has, and resolves with the class the tag is defined with: one class per page,
 * whichever build defined it first. Loads at most once at a time; after a failure the next call
 * tries again. In the classic script, the check services come with it (`RequirementsRunner`,
 * `SpeakerCheck` are undefined on `ProctorElements` until this resolves).
 *
 * @throws ProctorError 4100 `ASSET_UNREACHABLE` (AutoProctor's `errorCode` 4018) when the element
 *   could not be fetched from the asset base (wrong base, offline); the message names the base.
 */
export function loadRequirementsCheckElement(): Promise<typeof Part.ApRequirementsCheck> {
  if (!customElements.get('ap-status-badge')) customElements.define('ap-status-badge', ApStatusBadge);
  return loadChecksPart().then(() => customElements.get(TAG) as typeof Part.ApRequirementsCheck);
}
