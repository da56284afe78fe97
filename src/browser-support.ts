/**
 * Which browsers proctor-elements runs in (README, "Browser support"). The build targets older
 * engines than these (rollup.config.mjs: Chrome/Firefox 100, Safari 15), so an outdated browser
 * still parses it and gets BROWSER_OUTDATED (4016) with what it lacks, instead of a blank page.
 */
import { ErrorCode, ProctorError } from './errors.js';

/** The oldest supported version of each engine; the newest API each needs is named beside it. */
export const MINIMUM_BROWSERS = 'Chrome or Edge 116, Firefox 128 or Safari 17.4';

/**
 * The first API this browser lacks of those proctor-elements needs, or undefined. `AbortSignal.any`
 * is the newest (Chrome 116, Firefox 124, Safari 17.4); OffscreenCanvas came to Safari in 16.4.
 */
export function missingBrowserFeature(): string | undefined {
  if (typeof customElements === 'undefined') return 'custom elements';
  if (typeof indexedDB === 'undefined') return 'IndexedDB';
  if (typeof OffscreenCanvas === 'undefined') return 'OffscreenCanvas';
  if (typeof structuredClone === 'undefined') return 'structuredClone';
  if (typeof AbortSignal === 'undefined' || typeof AbortSignal.any !== 'function') return 'AbortSignal.any';
  return undefined;
}

/** Throws BROWSER_OUTDATED (4016) naming what is missing and the versions that work. */
export function assertSupportedBrowser(): void {
  const missing = missingBrowserFeature();
  if (missing)
    throw new ProctorError(
      ErrorCode.BROWSER_OUTDATED,
      `This browser is outdated: it lacks ${missing}. Use ${MINIMUM_BROWSERS} or newer.`,
    );
}
