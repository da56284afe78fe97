/**
 * The classic-script CDN build, `dist/cdn/autoproctor.js`, for pages written for AutoProctor's SDK:
 * `<script src=".../autoproctor.js"></script>` (no `type="module"`). One file: it defines every tag,
 * sets `window.AutoProctor` and the whole API as `window.ProctorElements`, takes its assets from the
 * `assets/` folder next to its own folder (`document.currentScript`), then dispatches `apLibReady`
 * on `window`, or `apLibLoadingFailed` (`detail.statusDetails: {errorCode, errorMessage}`) when the
 * browser is too old (4016) or its files cannot be fetched (4018; a host that does not answer within
 * `ASSET_LOAD_TIMEOUT_MS`, 30 s, counts as unreachable). Both wait for the page's `load`
 * and its load handlers, so listeners added by later scripts or in a `load` handler hear them;
 * `window.apLibLoaded` says which happened, for pages that poll.
 *
 * Three elements are not in this file: `<ap-report>` (after the exam), `<ap-mobile-camera>` (the
 * phone page's) and `<ap-requirements-check>` with the check services (an AutoProctor page proctors
 * rather than checks). Each is fetched from the asset base (`report/ap-report.mjs`,
 * `phone/ap-mobile-camera.mjs`, `checks/ap-requirements-check.mjs`) the first time it is needed:
 * by `showReport()` or `auxiliaryDevice` pairing, by `loadReportElement()` /
 * `loadMobileCameraElement()` / `loadRequirementsCheckElement()`, and for each such tag in the
 * document, in its markup or added later. A tag in the markup is defined before `apLibReady`, so
 * a handler of it can call the element's methods; when its part cannot be fetched, the page gets
 * `apLibLoadingFailed` (4018) instead. Until loaded, `ProctorElements.ApReport` /
 * `ApMobileCamera` / `ApRequirementsCheck` are undefined, and so are `RequirementsRunner` and
 * `SpeakerCheck`; `runMicrophoneCheck()`, `runBandwidthCheck()`, `runWebcamCheck()` and
 * `runMobileCheck()` load the part on their first call. The phone side of the pairing
 * (`SecondCameraSender`, `openPhoneCamera`, `openPhoneSender`: a phone page's own UI) comes with
 * `<ap-mobile-camera>`'s part, and is undefined until `loadMobileCameraElement()` has resolved.
 */
import { MINIMUM_BROWSERS, missingBrowserFeature } from './browser-support.js';
import * as api from './index.js';
import { ensureContextRoot } from './context/context-root.js';
import { ASSET_LOAD_TIMEOUT_MS, ASSET_PATHS, getAssetBase } from './detection/assets.js';
import { ErrorCode, messageOf } from './errors.js';
import { ApErrorEvent } from './events/ap-error.js';
import { phonePart } from './pairing/load-element.js';
import { checksPart, loadChecksPart } from './checks/load-element.js';

type PhoneSide = 'SecondCameraSender' | 'openPhoneCamera' | 'openPhoneSender';
/** The check services' classes, which come with `<ap-requirements-check>`'s part. */
type CheckClasses = 'RequirementsRunner' | 'SpeakerCheck';
/** The check services called as functions: they load that part on their first call. */
const CHECK_RUNS = ['runMicrophoneCheck', 'runBandwidthCheck', 'runWebcamCheck', 'runMobileCheck'] as const;

declare global {
  interface Window {
    AutoProctor: typeof api.AutoProctor;
    /**
     * The package root's API; `ApReport`, `ApMobileCamera` and `ApRequirementsCheck` are the
     * elements' classes once loaded, and the phone side (`SecondCameraSender`, `openPhoneCamera`,
     * `openPhoneSender`) comes with `ApMobileCamera` (see above).
     */
    ProctorElements: Omit<
      typeof api,
      'ApReport' | 'ApMobileCamera' | 'ApRequirementsCheck' | PhoneSide | CheckClasses
    > & {
      readonly ApReport: typeof api.ApReport | undefined;
      readonly ApMobileCamera: typeof api.ApMobileCamera | undefined;
      readonly ApRequirementsCheck: typeof api.ApRequirementsCheck | undefined;
    } & { readonly [name in PhoneSide | CheckClasses]: (typeof api)[name] | undefined };
    /** Set when `apLibReady` (true) or `apLibLoadingFailed` (false) has been dispatched: for pages that poll. */
    apLibLoaded?: boolean;
  }
}

const TAGS: [string, CustomElementConstructor][] = [
  ['ap-status-badge', api.ApStatusBadge],
  ['ap-monitor', api.ApMonitor],
];
/** The lazy parts' tags and their loaders. */
const LAZY: [string, () => Promise<unknown>][] = [
  ['ap-report', api.loadReportElement],
  ['ap-mobile-camera', api.loadMobileCameraElement],
  ['ap-requirements-check', api.loadRequirementsCheckElement],
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
    const tag = (name: string) => () => customElements.get(name);
    window.ProctorElements = Object.defineProperties(
      { ...api },
      {
        ApReport: { get: tag('ap-report'), enumerable: true },
        ApMobileCamera: { get: tag('ap-mobile-camera'), enumerable: true },
        ApRequirementsCheck: { get: tag('ap-requirements-check'), enumerable: true },
        SecondCameraSender: { get: () => phonePart?.SecondCameraSender, enumerable: true },
        openPhoneCamera: { get: () => phonePart?.openPhoneCamera, enumerable: true },
        openPhoneSender: { get: () => phonePart?.openPhoneSender, enumerable: true },
        RequirementsRunner: { get: () => checksPart?.RequirementsRunner, enumerable: true },
        SpeakerCheck: { get: () => checksPart?.SpeakerCheck, enumerable: true },
        ...Object.fromEntries(
          CHECK_RUNS.map((name) => [
            name,
            {
              // (each takes its own options: they are checked there, 4107 for a wrong one)
              value: (options: never) => loadChecksPart().then((part) => part[name](options)),
              enumerable: true,
            },
          ]),
        ),
      },
    );
    window.AutoProctor = api.AutoProctor;
  } catch (error) {
    return failed(ErrorCode.FILES_FAILED_TO_LOAD, `proctor-elements could not start: ${messageOf(error)}`);
  }
  // the assets must be reachable before we say "ready" (the worker is small; nothing else loads yet)
  const worker = new URL(ASSET_PATHS.worker, getAssetBase()).href;
  // a host that never answers is failed at ASSET_LOAD_TIMEOUT_MS (30 s), like a lazy part below
  // (WebKit rejects such a fetch with an AbortError, not the signal's TimeoutError: ask the signal)
  const deadline = AbortSignal.timeout(ASSET_LOAD_TIMEOUT_MS);
  const checked = fetch(worker, { method: 'HEAD', cache: 'no-cache', signal: deadline }).then(
    (response) =>
      response.ok ? undefined : `Necessary files failed to load: ${worker} answered HTTP ${response.status}.`,
    (error: unknown) =>
      `Necessary files failed to load: ${worker} (${
        deadline.aborted ? `the host did not answer within ${ASSET_LOAD_TIMEOUT_MS / 1000} s` : messageOf(error)
      }).`,
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
  // Those in the markup are loaded before `apLibReady`; if one cannot be, `apLibLoadingFailed` (4018)
  // comes instead, besides the elements' `ap-error`.
  const markup = parsed.then(() => {
    const tried = new WeakSet<Element>();
    const upgrade = () =>
      LAZY.map(([tag, load]) => {
        // a live collection: cheap to read on each change of the page
        const waiting = customElements.get(tag)
          ? []
          : [...document.getElementsByTagName(tag)].filter((element) => !tried.has(element));
        for (const element of waiting) tried.add(element);
        return (waiting.length ? load() : Promise.resolve()).then(
          () => undefined,
          (error: api.ProctorError) => {
            for (const element of waiting) element.dispatchEvent(new ApErrorEvent(error.toJSON()));
            return `Necessary files failed to load: ${error.message}`;
          },
        );
      });
    const first = upgrade();
    new MutationObserver(upgrade).observe(document, { childList: true, subtree: true });
    // a part the markup needs and cannot have: the page cannot work as written (4018, not ready)
    return Promise.all(first).then((problems) => problems.find(Boolean));
  });
  void Promise.all([checked, markup]).then(([unreachable, unloaded]) => {
    const problem = unreachable ?? unloaded;
    window.apLibLoaded = !problem;
    if (problem) failed(ErrorCode.FILES_FAILED_TO_LOAD, problem);
    else dispatchEvent(new CustomEvent('apLibReady', { detail: { assetBase: getAssetBase() } }));
  });
})();
