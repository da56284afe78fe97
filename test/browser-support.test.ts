import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/define.js';
import {
  ErrorCode,
  MINIMUM_BROWSERS,
  missingBrowserFeature,
  type ApChecksCompleteEvent,
  type ApMonitor,
  type ApRequirementsCheck,
} from '../src/index.js';
import { engine } from './helpers/engine.js';
import { DIST_ASSETS, rejectionOf } from './helpers/media.js';

/** Runs `fn` as a browser without `AbortSignal.any` (Safari before 17.4, Firefox before 124). */
async function withoutAbortSignalAny<T>(fn: () => Promise<T>): Promise<T> {
  const any = Object.getOwnPropertyDescriptor(AbortSignal, 'any')!;
  delete (AbortSignal as { any?: unknown }).any;
  try {
    return await fn();
  } finally {
    Object.defineProperty(AbortSignal, 'any', any);
  }
}

describe('browser support', function () {
  this.timeout(20000);

  it(`${engine} is a supported browser: nothing is missing`, () => {
    expect(missingBrowserFeature()).to.equal(undefined);
    expect(MINIMUM_BROWSERS).to.equal('Chrome or Edge 116, Firefox 128 or Safari 17.4');
  });

  it('an outdated browser: <ap-monitor> setup() rejects with 4016 naming what is missing, fires ap-error and shows the code', async () => {
    const el = await fixture<ApMonitor>(
      html`<ap-monitor
        client-id="c"
        test-attempt-id=${`old-${Date.now()}`}
        hashed-test-attempt-id="aGFzaA=="
      ></ap-monitor>`,
    );
    const fired = oneEvent<CustomEvent<{ code: number }>>(el, 'ap-error');
    const error = await withoutAbortSignalAny(() => rejectionOf(el.setup({ assetBase: DIST_ASSETS })));
    expect(error.code).to.equal(ErrorCode.BROWSER_OUTDATED);
    expect(error.message).to.equal(
      'This browser is outdated: it lacks AbortSignal.any. Use Chrome or Edge 116, Firefox 128 or Safari 17.4 or newer.',
    );
    expect((await fired).detail.code).to.equal(ErrorCode.BROWSER_OUTDATED);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="indicator"]')!.textContent).to.contain(
      'Proctoring could not start (error 4016)',
    );
    await el.destroy();
  });

  it('an outdated browser: each system check fails with 4016 and what is missing', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" bandwidth-url="/__bandwidth/fast/"></ap-requirements-check>`,
    );
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    await withoutAbortSignalAny(async () => {
      await el.run();
      await complete;
    });
    const [bandwidth] = el.results;
    expect(bandwidth).to.include({ name: 'bandwidth', status: 'failed', code: ErrorCode.BROWSER_OUTDATED });
    expect(bandwidth.message).to.contain('it lacks AbortSignal.any');
    // what the candidate sees: the reason, and instead of "Try again" (it would fail the same way) what to do
    await el.updateComplete;
    const row = el.shadowRoot!.querySelector('[part="check"]')!;
    expect(row.querySelector('[part="message"]')!.textContent).to.contain('it lacks AbortSignal.any');
    const buttons = [...row.querySelectorAll('button')].map((b) => b.textContent.trim());
    expect(buttons, 'no "Try again" (the connection check is optional: "Skip" stays)').to.deep.equal(['Skip']);
    expect(row.querySelector('[part="no-retry"]')!.textContent).to.equal(
      'Trying again will not help in this browser. Open this page in another browser, such as a current Chrome, Edge or Firefox.',
    );
  });
});
