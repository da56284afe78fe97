import { sendMouse } from '@web/test-runner-commands';
/**
 * The engine a test runs in, and tests that cannot run in some engine: skipped there with the
 * reason in the title, so the run lists them (scripts/lib/engine-reporter.mjs) and none is skipped
 * silently.
 */
export type Engine = 'chromium' | 'firefox' | 'webkit';

/** From the user agent: Firefox says "Firefox/", Chromium "Chrome/", WebKitGTK's MiniBrowser neither. */
export const engine: Engine = / Firefox\//.test(navigator.userAgent)
  ? 'firefox'
  : /Chrom(e|ium)\//.test(navigator.userAgent)
    ? 'chromium'
    : 'webkit';

type Reasons = Partial<Record<Engine, string>>;

/**
 * Why a test that needs face detection does not run in WebKit: MediaPipe needs WebGL, and
 * WebKitGTK under Xvfb here has no usable WebGL: its OffscreenCanvas, which MediaPipe draws on,
 * gets no WebGL context, on the page as in workers (createFaceDetector rejects with 4001; README,
 * Browser support).
 */
export const NO_FACE_DETECTION_WEBKIT =
  'needs face detection: WebKitGTK here has no usable WebGL (Xvfb), which MediaPipe needs (4001)';

/** Why a test that opens another tab or page through the runner's puppeteer commands does not run in WebKit. */
export const NO_OTHER_TAB_WEBKIT =
  'needs a second tab or page through puppeteer (open-other-tab, demo-run, other-device-page), which WebDriver here has not';

/** `it`, or `it.skip` with "[not in <engine>: reason]" appended where `reasons` names this engine. */
export function itExcept(reasons: Reasons, title: string, fn: Mocha.Func | Mocha.AsyncFunc): Mocha.Test {
  const reason = reasons[engine];
  return reason ? it.skip(`${title} [not in ${engine}: ${reason}]`, fn) : it(title, fn);
}

/** `describe`, whose tests are all skipped (with the reason in the suite's title) in the named engines. */
export function describeExcept(reasons: Reasons, title: string, fn: (this: Mocha.Suite) => void): void {
  const reason = reasons[engine];
  if (reason) describe.skip(`${title} [not in ${engine}: ${reason}]`, fn);
  else describe(title, fn);
}

/**
 * Runs `fn` inside the handler of a real click (the runner's pointer input), as a candidate's click
 * would: Firefox needs transient activation for getDisplayMedia, WebKit a call from the handler
 * itself (Chromium's test flags pick the screen without either).
 */
export async function inUserGesture<T>(fn: () => Promise<T>): Promise<T> {
  const button = document.createElement('button');
  button.textContent = 'share';
  button.style.cssText = 'position:fixed;left:0;top:0;width:60px;height:30px;z-index:2147483647';
  document.body.append(button);
  const result = new Promise<T>((resolve, reject) =>
    button.addEventListener('click', () => void fn().then(resolve, reject), { once: true }),
  );
  // fn may fail before sendMouse returns (a fast 404): handled here, awaited below (else the page
  // reports "an error was thrown in a Promise outside a test")
  result.catch(() => undefined);
  try {
    await sendMouse({ type: 'click', position: [20, 15] });
    return await result;
  } finally {
    button.remove();
  }
}
