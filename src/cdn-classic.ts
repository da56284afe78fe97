/**
 * The classic-script CDN build, `dist/cdn/autoproctor.js`, for pages written for AutoProctor's SDK:
 * `<script src=".../autoproctor.js"></script>` (no `type="module"`). One file: it defines every tag,
 * sets `window.AutoProctor` and the whole API as `window.ProctorElements`, takes its assets from the
 * `assets/` folder next to its own folder (`document.currentScript`), then dispatches `apLibReady`
 * on `window`, or `apLibLoadingFailed` (`detail.statusDetails: {errorCode, errorMessage}`) when the
 * browser is too old (4016) or its files cannot be fetched (4018). Both wait for the page's `load`
 * and its load handlers, so listeners added by later scripts or in a `load` handler hear them;
 * `window.apLibLoaded` says which happened, for pages that poll.
 *
 * Two elements an exam page rarely needs are not in this file: `<ap-report>` (after the exam) and
 * `<ap-mobile-camera>` (the phone page's). Each is fetched from the asset base
 * (`report/ap-report.mjs`, `phone/ap-mobile-camera.mjs`) the first time it is needed: when
 * `showReport()` first needs the report, by `loadReportElement()` / `loadMobileCameraElement()`, and
 * once the page has loaded for each such tag in the document, in its markup or added later. Until
 * then `ProctorElements.ApReport` / `ApMobileCamera` are undefined.
 */
import { MINIMUM_BROWSERS, missingBrowserFeature } from './browser-support.js';
import * as api from './index.js';
import { ensureContextRoot } from './context/context-root.js';
import { ASSET_PATHS, getAssetBase } from './detection/assets.js';
import { ErrorCode, messageOf } from './errors.js';
import { ApErrorEvent } from './events/ap-error.js';

declare global {
  interface Window {
    AutoProctor: typeof api.AutoProctor;
    /** The package root's API; `ApReport` and `ApMobileCamera` are the elements' classes once loaded (see above). */
    ProctorElements: Omit<typeof api, 'ApReport' | 'ApMobileCamera'> & {
      readonly ApReport: typeof api.ApReport | undefined;
      readonly ApMobileCamera: typeof api.ApMobileCamera | undefined;
    };
    /** Set when `apLibReady` (true) or `apLibLoadingFailed` (false) has been dispatched: for pages that poll. */
    apLibLoaded?: boolean;
  }
}

const TAGS: [string, CustomElementConstructor][] = [
  ['ap-status-badge', api.ApStatusBadge],
  ['ap-requirements-check', api.ApRequirementsCheck],
  ['ap-monitor', api.ApMonitor],
];
/** The lazy parts' tags and their loaders. */
const LAZY: [string, () => Promise<unknown>][] = [
  ['ap-report', api.loadReportElement],
  ['ap-mobile-camera', api.loadMobileCameraElement],
];

const failed = (errorCode: number, errorMessage: string) =>
  dispatchEvent(
    new CustomEvent('apLibLoadingFailed', {
      detail: { statusDetails: { errorCode, errorMessage }, errorCode, errorMessage },
    }),
  );

(() => {
  try {
    const missing = missingBrowserFeature();
    if (missing)
      return failed(
        ErrorCode.BROWSER_OUTDATED,
        `This browser is outdated: it lacks ${missing}. Use ${MINIMUM_BROWSERS} or newer.`,
      );
    ensureContextRoot();
    for (const [name, ctor] of TAGS) if (!customElements.get(name)) customElements.define(name, ctor);
    window.ProctorElements = {
      ...api,
      get ApReport() {
        return customElements.get('ap-report') as typeof api.ApReport | undefined;
      },
      get ApMobileCamera() {
        return customElements.get('ap-mobile-camera') as typeof api.ApMobileCamera | undefined;
      },
    };
    window.AutoProctor = api.AutoProctor;
  } catch (error) {
    return failed(ErrorCode.FILES_FAILED_TO_LOAD, `proctor-elements could not start: ${messageOf(error)}`);
  }
  // the assets must be reachable before we say "ready" (the worker is small; nothing else loads yet)
  const worker = new URL(ASSET_PATHS.worker, getAssetBase()).href;
  const checked = fetch(worker, { method: 'HEAD', cache: 'no-cache' }).then(
    (response) =>
      response.ok ? undefined : `Necessary files failed to load: ${worker} answered HTTP ${response.status}.`,
    (error: unknown) => `Necessary files failed to load: ${worker} (${messageOf(error)}).`,
  );
  // The outcome is announced once the page has loaded and its own `load` handlers have run (the
  // next task): a listener added by a later script, in DOMContentLoaded or in a `load` handler
  // (WordPress-style plugins) still hears it. Loaded after that (a tag added at run time): at once.
  const parsed = new Promise<void>((resolve) => {
    const later = () => setTimeout(resolve);
    if (document.readyState === 'complete') later();
    else addEventListener('load', later, { once: true });
  });
  // A lazy tag in the document (the markup's, or one added later): its part is loaded then; a
  // failure is the `ap-error` of the elements it was loaded for, and an element is tried once (a
  // wrong asset base does not refetch on each change of the page).
  void parsed.then(() => {
    const tried = new WeakSet<Element>();
    const upgrade = () => {
      for (const [tag, load] of LAZY) {
        if (customElements.get(tag)) continue;
        // a live collection: cheap to read on each change of the page
        const waiting = [...document.getElementsByTagName(tag)].filter((element) => !tried.has(element));
        if (!waiting.length) continue;
        for (const element of waiting) tried.add(element);
        load().catch((error: api.ProctorError) => {
          for (const element of waiting) element.dispatchEvent(new ApErrorEvent(error.toJSON()));
        });
      }
    };
    upgrade();
    new MutationObserver(upgrade).observe(document, { childList: true, subtree: true });
  });
  void Promise.all([checked, parsed]).then(([problem]) => {
    window.apLibLoaded = !problem;
    if (problem) failed(ErrorCode.FILES_FAILED_TO_LOAD, problem);
    else dispatchEvent(new CustomEvent('apLibReady', { detail: { assetBase: getAssetBase() } }));
  });
})();
