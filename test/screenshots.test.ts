import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../src/define.js';
import type { ApMonitor, ApRequirementsCheck } from '../src/index.js';
import { engine } from './helpers/engine.js';
import { DIST_ASSETS } from './helpers/media.js';
import { finishedReport } from './helpers/report-data.js';

/**
 * One screenshot of each element per engine, in test-output/screenshots/<engine>/ (compared by eye
 * across engines; see the README's browser support section). Each also asserts what it shows.
 */
const shot = async (name: string, el: Element) => {
  el.parentElement!.id = `shot-${name}`;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const { path, blackShare } = await executeServerCommand<
    { path: string; blackShare: number },
    { name: string; selector: string }
  >('screenshot', {
    name,
    selector: `#shot-${name}`,
  });
  expect(path).to.contain(`screenshots/${engine}/${name}.png`);
  // drawn on white: a picture mostly black is a broken capture (WebKit's element screenshot was)
  expect(blackShare, `${path}: share of black pixels`).to.be.below(0.2);
};

const frame = (inner: unknown) =>
  html`<div style="width: 560px; padding: 12px; background: #fff; font-family: sans-serif">${inner}</div>`;

describe(`screenshots of each element (${engine})`, function () {
  this.timeout(30000);

  it('<ap-status-badge> in each status', async () => {
    const host = await fixture(
      frame(
        html`<div style="display: flex; gap: 8px; flex-wrap: wrap">
          <ap-status-badge status="in_setup"></ap-status-badge>
          <ap-status-badge status="exam_started"></ap-status-badge>
          <ap-status-badge status="uncertain"></ap-status-badge>
          <ap-status-badge status="failed"></ap-status-badge>
          <ap-status-badge status="exam_finished"></ap-status-badge>
        </div>`,
      ),
    );
    await shot('status-badge', host.firstElementChild!);
  });

  it('<ap-requirements-check> before it runs', async () => {
    const host = await fixture(
      frame(html`<ap-requirements-check checks="microphone speakers webcam bandwidth"></ap-requirements-check>`),
    );
    const el = host.querySelector<ApRequirementsCheck>('ap-requirements-check')!;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('button[part="start"]')).to.exist;
    await shot('requirements-check', el);
  });

  it('<ap-requirements-check> with a failed check and its retry button', async () => {
    const host = await fixture(
      frame(
        html`<ap-requirements-check checks="bandwidth" bandwidth-url="http://127.0.0.1:9/"></ap-requirements-check>`,
      ),
    );
    const el = host.querySelector<ApRequirementsCheck>('ap-requirements-check')!;
    const complete = oneEvent(el, 'ap-checks-complete');
    await el.run();
    await complete;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="retry"]')).to.exist;
    await shot('requirements-check-failed', el);
  });

  it('<ap-monitor> set up and ready', async () => {
    const host = await fixture(
      frame(
        html`<ap-monitor client-id="c" test-attempt-id=${`shot-${Date.now()}`} hashed-test-attempt-id="aGFzaA=="
          ><ap-status-badge source="session"></ap-status-badge
        ></ap-monitor>`,
      ),
    );
    const el = host.querySelector<ApMonitor>('ap-monitor')!;
    await el.setup({ assetBase: DIST_ASSETS, track: [] });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="indicator"]')!.textContent).to.contain('ready to start');
    await shot('monitor', el);
    await el.destroy();
  });

  it('<ap-report> of a finished attempt', async () => {
    const host = await fixture(frame(html`<ap-report .data=${finishedReport()}></ap-report>`));
    const el = host.querySelector('ap-report')!;
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('71');
    await shot('report', el);
  });

  it('<ap-mobile-camera> without a pairing code', async () => {
    const host = await fixture(frame(html`<ap-mobile-camera></ap-mobile-camera>`));
    const el = host.querySelector('ap-mobile-camera')!;
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    await shot('mobile-camera', el);
  });
});
