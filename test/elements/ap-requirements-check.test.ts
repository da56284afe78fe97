import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/define.js';
import {
  ErrorCode,
  setMessages,
  type ApChecksCompleteEvent,
  type ApErrorEvent,
  type ApRequirementsCheck,
} from '../../src/index.js';

describe('<ap-requirements-check> (no devices needed)', () => {
  afterEach(() => setMessages());

  it('lists its checks with names, optional marks and not-started badges', async () => {
    const el = await fixture<ApRequirementsCheck>(html`<ap-requirements-check></ap-requirements-check>`);
    const rows = [...el.shadowRoot!.querySelectorAll('[part="check"]')];
    expect(rows.map((r) => r.getAttribute('data-check'))).to.deep.equal([
      'microphone',
      'speakers',
      'bandwidth',
      'webcam',
      'screenshare',
    ]);
    expect(rows[2].textContent).to.contain('Connection speed').and.contain('(optional)');
    expect(el.shadowRoot!.querySelector('ap-status-badge')!.getAttribute('status')).to.equal('not_started');
    expect(el.shadowRoot!.querySelector('[part="start"]')!.textContent).to.contain('Start the checks');
    await expect(el).to.be.accessible();
  });

  it('reports an unknown check name with ap-error and an alert, and does not throw', async () => {
    const el = document.createElement('ap-requirements-check');
    el.setAttribute('checks', 'microphone,teleport');
    const error = oneEvent<ApErrorEvent>(el, 'ap-error');
    document.body.append(el);
    const { detail } = await error;
    expect(detail.code).to.equal(ErrorCode.INVALID_OPTION);
    expect(detail.message).to.contain('"teleport"');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('teleport');
    el.remove();
  });

  it('skips optional checks only, and completes when the rest is done', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" bandwidth-url="/__bandwidth/fast/"></ap-requirements-check>`,
    );
    expect(() => el.skip('webcam')).to.throw(/not optional/);
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    el.skip('bandwidth');
    expect((await complete).detail.passed).to.equal(true);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal('Skipped');
  });

  it('shows a failed check with its message and a keyboard-reachable retry button', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="bandwidth"
        optional=""
        bandwidth-url="http://127.0.0.1:9/"
      ></ap-requirements-check>`,
    );
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    await el.run();
    expect((await complete).detail.passed).to.equal(false);
    await el.updateComplete;
    const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!;
    expect(retry.getAttribute('aria-label')).to.equal('Try again: Connection speed');
    expect(retry.tabIndex).to.equal(0);
    expect(el.shadowRoot!.querySelector('[part="summary"]')!.textContent).to.contain('did not pass');
    await expect(el).to.be.accessible();
  });

  it('shows integrator-supplied messages for a failure reason', async () => {
    setMessages({
      checkFailures: { unreachable: 'Snelheidstest onbereikbaar.' },
      checkNames: { bandwidth: 'Verbinding' } as never,
    });
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" bandwidth-url="http://127.0.0.1:9/"></ap-requirements-check>`,
    );
    await el.run();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal('Snelheidstest onbereikbaar.');
    expect(el.shadowRoot!.querySelector('[part="check"]')!.textContent).to.contain('Verbinding');
  });
});
