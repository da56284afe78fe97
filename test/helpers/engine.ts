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

/** `it`, or `it.skip` with "[not in <engine>: reason]" appended where `reasons` names this engine. */
export function itExcept(reasons: Reasons, title: string, fn: Mocha.Func | Mocha.AsyncFunc): Mocha.Test {
  const reason = reasons[engine];
  return reason ? it.skip(`${title} [not in ${engine}: ${reason}]`, fn) : it(title, fn);
}

/** `describe`, whose tests are all skipped (with the reason in the suite's title) in the named engines. */
export function describeExcept(reasons: Reasons, title: string, fn: (this: Mocha.Suite) => void): Mocha.Suite {
  const reason = reasons[engine];
  return reason ? describe.skip(`${title} [not in ${engine}: ${reason}]`, fn) : describe(title, fn);
}
