/**
 * `<ap-requirements-check>` on demand. The module builds (the package, `dist/cdn/proctor-elements.js`)
 * bundle the element, so this resolves at once. The classic script (`dist/cdn/autoproctor.js`), an
 * AutoProctor drop-in whose exam pages run the setup checks through `AutoProctor` rather than the
 * element, keeps the element's rendering out of its one file (issue 13's 60 KB gzip budget) and
 * loads it the first time from the asset base, `checks/ap-requirements-check.mjs` (rollup.config.mjs,
 * `lazyFromAssetBase`). The checks themselves (`runChecks`, the runner) stay in the script.
 */
import type { ApRequirementsCheck } from '../elements/ap-requirements-check/ap-requirements-check.js';
import { ApStatusBadge } from '../elements/ap-status-badge/ap-status-badge.js';
import { lazyElement } from '../lazy-element.js';

const load = lazyElement('ap-requirements-check', 'The requirements check', () =>
  import('../elements/ap-requirements-check/ap-requirements-check.js').then((part) => part.ApRequirementsCheck),
);

/**
 * Defines `<ap-requirements-check>` (and `<ap-status-badge>`, which it shows) unless a build on the
 * page already has, and resolves with the class the tag is defined with: one class per page,
 * whichever build defined it first. Loads at most once at a time; after a failure the next call
 * tries again.
 *
 * @throws ProctorError 4100 `ASSET_UNREACHABLE` (AutoProctor's `errorCode` 4018) when the element
 *   could not be fetched from the asset base (wrong base, offline); the message names the base.
 */
export function loadRequirementsCheckElement(): Promise<typeof ApRequirementsCheck> {
  if (!customElements.get('ap-status-badge')) customElements.define('ap-status-badge', ApStatusBadge);
  return load();
}
