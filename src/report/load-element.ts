/**
 * `<ap-report>` on demand: what `AutoProctor.showReport()` uses to get the element. The module
 * builds (the package, `dist/cdn/proctor-elements.js`) bundle the element, so this resolves at
 * once. The classic script (`dist/cdn/autoproctor.js`) keeps it out of its one file (issue 13's
 * 60 KB gzip budget) and loads it the first time from the asset base, `report/ap-report.mjs`, the
 * same way it loads the QR encoder (rollup.config.mjs, `lazyFromAssetBase`).
 */
import type { ApReport } from '../elements/ap-report/ap-report.js';
import { ApStatusBadge } from '../elements/ap-status-badge/ap-status-badge.js';
import { lazyElement } from '../lazy-element.js';

const load = lazyElement('ap-report', 'The report', () =>
  import('../elements/ap-report/ap-report.js').then((part) => part.ApReport),
);

/**
 * Defines `<ap-report>` (and `<ap-status-badge>`, which it shows) unless a build on the page already
 * has, and resolves with the class the tag is defined with: one class per page, whichever build
 * defined it first. Loads at most once at a time; after a failure the next call tries again.
 *
 * @throws ProctorError 4100 `ASSET_UNREACHABLE` (AutoProctor's `errorCode` 4018) when the element
 *   could not be fetched from the asset base (wrong base, offline); the message names the base.
 */
export function loadReportElement(): Promise<typeof ApReport> {
  if (!customElements.get('ap-status-badge')) customElements.define('ap-status-badge', ApStatusBadge);
  return load();
}
