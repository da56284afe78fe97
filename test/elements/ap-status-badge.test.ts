import { expect, fixture, html } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import '../../src/define.js';
import { sessionContext, type SessionContextValue } from '../../src/context/session-context.js';
import { setMessages } from '../../src/messages.js';
import { allStatuses } from '../../src/statuses.js';
import type { ApStatusBadge } from '../../src/elements/ap-status-badge/ap-status-badge.js';

const text = (el: ApStatusBadge) => el.shadowRoot!.querySelector('[part="label"]')!.textContent.trim();
const base = (el: ApStatusBadge) => el.shadowRoot!.querySelector('[part="base"]')!;

/** A real context provider, as <ap-monitor> will be: a plain element holding a ContextProvider. */
class TestSessionHost extends HTMLElement {
  provider = new ContextProvider(this, { context: sessionContext, initialValue: { checks: {} } });
  set value(v: SessionContextValue) {
    this.provider.setValue(v);
  }
}
customElements.define('test-session-host', TestSessionHost);

describe('<ap-status-badge>', () => {
  afterEach(() => setMessages());

  it('shows the label, tone and description of every status value', async () => {
    for (const s of allStatuses()) {
      const el = await fixture<ApStatusBadge>(html`<ap-status-badge status=${s.value}></ap-status-badge>`);
      expect(text(el), s.value).to.equal(s.label);
      expect(el.getAttribute('tone'), s.value).to.equal(s.tone);
      expect(el.info?.kind, s.value).to.equal(s.kind);
      const desc = el.shadowRoot!.getElementById(base(el).getAttribute('aria-describedby')!);
      expect(desc?.textContent, s.value).to.equal(s.description);
    }
  });

  it('renders an icon and text with role="status", never colour alone', async () => {
    const el = await fixture<ApStatusBadge>(html`<ap-status-badge status="failed"></ap-status-badge>`);
    expect(base(el).getAttribute('role')).to.equal('status');
    const icon = el.shadowRoot!.querySelector('[part="icon"]')!;
    expect(icon.getAttribute('aria-hidden')).to.equal('true');
    expect(icon.querySelector('svg path, svg circle')).to.exist;
    expect(text(el)).to.equal('Failed');
  });

  it('reflects status and tone and re-renders when status changes', async () => {
    const el = await fixture<ApStatusBadge>(html`<ap-status-badge></ap-status-badge>`);
    el.status = 'exam_started';
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('exam_started');
    expect(el.getAttribute('tone')).to.equal('progress');
    el.setAttribute('status', 'is_reviewed_yellow');
    await el.updateComplete;
    expect(el.tone).to.equal('warning');
    expect(text(el)).to.equal('Reviewed: yellow');
  });

  it('infers the kind from the value and honours an explicit kind', async () => {
    const el = await fixture<ApStatusBadge>(html`<ap-status-badge status="uncertain"></ap-status-badge>`);
    expect(el.info?.kind).to.equal('review');
    expect(el.info?.code).to.equal('10');
    el.kind = 'session';
    await el.updateComplete;
    expect(el.info).to.equal(undefined);
    expect(text(el)).to.equal('Unknown status: uncertain');
  });

  it('follows the session status and a check result through a real context provider', async () => {
    const host = await fixture<TestSessionHost>(html`
      <test-session-host>
        <ap-status-badge source="session"></ap-status-badge>
        <ap-status-badge source="check:webcam"></ap-status-badge>
      </test-session-host>
    `);
    const [session, webcam] = [...host.querySelectorAll('ap-status-badge')];
    await session.updateComplete;
    expect(text(webcam)).to.equal('Not started');

    host.value = { sessionStatus: 'in_setup', checks: {} };
    await session.updateComplete;
    expect(text(session)).to.equal('In setup');

    host.value = {
      sessionStatus: 'after_check_req',
      checks: { webcam: { name: 'webcam', status: 'failed', message: 'No face', metrics: {} } },
    };
    await Promise.all([session.updateComplete, webcam.updateComplete]);
    expect(text(session)).to.equal('Checks done');
    expect(text(webcam)).to.equal('Failed');
    expect(webcam.getAttribute('tone')).to.equal('danger');
  });

  it('renders an unknown value as "Unknown status", warns once and does not throw', async () => {
    const warnings: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const el = await fixture<ApStatusBadge>(html`<ap-status-badge status="bogus_value"></ap-status-badge>`);
      expect(text(el)).to.equal('Unknown status: bogus_value');
      expect(el.tone).to.equal('neutral');
      el.requestUpdate();
      await el.updateComplete;
      await fixture(html`<ap-status-badge status="bogus_value"></ap-status-badge>`);
      expect(warnings.filter((w) => String(w[0]).includes('bogus_value'))).to.have.length(1);
    } finally {
      console.warn = original;
    }
  });

  it('an unknown kind from markup renders "Unknown status", never throws, and .info is undefined', async () => {
    const original = console.warn;
    console.warn = () => undefined;
    try {
      const el = await fixture<ApStatusBadge>(html`<ap-status-badge kind="bogus" status="failed"></ap-status-badge>`);
      expect(el.info).to.equal(undefined);
      expect(text(el)).to.equal('Unknown status: failed');
      el.setAttribute('kind', 'check');
      await el.updateComplete;
      expect(text(el)).to.equal('Failed');
      await expect(el).to.be.accessible();
    } finally {
      console.warn = original;
    }
  });

  it('with no status yet (data still loading) shows no "Unknown status", then the status when it arrives', async () => {
    const el = await fixture<ApStatusBadge>(html`<ap-status-badge></ap-status-badge>`);
    expect(el.shadowRoot!.textContent.trim()).to.equal('');
    expect(el.shadowRoot!.querySelector('[role="status"]')).to.exist;
    expect(el.info).to.equal(undefined);
    await expect(el).to.be.accessible();
    el.status = 'exam_started';
    await el.updateComplete;
    expect(text(el)).to.equal('Exam started');
  });

  it('uses integrator-supplied strings from the messages module', async () => {
    setMessages({ statusLabels: { 'check:succeeded': 'Geslaagd' }, unknownStatus: 'Onbekend' });
    const ok = await fixture<ApStatusBadge>(html`<ap-status-badge status="succeeded"></ap-status-badge>`);
    const unknown = await fixture<ApStatusBadge>(html`<ap-status-badge status="zzz"></ap-status-badge>`);
    expect(text(ok)).to.equal('Geslaagd');
    expect(text(unknown)).to.equal('Onbekend: zzz');
  });

  it('changes its rendering through its custom properties', async () => {
    const el = await fixture<ApStatusBadge>(
      html`<ap-status-badge status="open" style="--ap-status-badge-background: rgb(1, 2, 3)"></ap-status-badge>`,
    );
    expect(getComputedStyle(base(el)).backgroundColor).to.equal('rgb(1, 2, 3)');
  });

  it('passes axe for every tone', async () => {
    for (const status of ['registered', 'not_completed', 'succeeded', 'exam_not_started', 'failed', 'nope']) {
      const el = await fixture<ApStatusBadge>(html`<ap-status-badge status=${status}></ap-status-badge>`);
      await expect(el).to.be.accessible();
    }
  });
});
