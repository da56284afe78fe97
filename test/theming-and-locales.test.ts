import { expect, fixture, html } from '@open-wc/testing';
import '../src/define.js';
import { setMessages, type ApRequirementsCheck, type ApStatusBadge } from '../src/index.js';
import { de } from '../src/locales/de.js';

const background = (badge: ApStatusBadge) =>
  getComputedStyle(badge.shadowRoot!.querySelector('[part="base"]')!).backgroundColor;

describe('theming', () => {
  it('a custom property on the element changes what is rendered', async () => {
    const badge = await fixture<ApStatusBadge>(html`<ap-status-badge status="succeeded"></ap-status-badge>`);
    expect(background(badge)).to.equal('rgb(226, 245, 232)'); // the default success background
    badge.style.setProperty('--ap-status-badge-background', 'rgb(1, 2, 3)');
    expect(background(badge)).to.equal('rgb(1, 2, 3)');
  });

  it('the dark theme (dist/themes/dark.css) recolours every tone through the shared tokens', async () => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/dist/themes/dark.css';
    const loaded = new Promise((r) => link.addEventListener('load', r, { once: true }));
    document.head.append(link);
    await loaded;
    const host = await fixture<HTMLDivElement>(
      html`<div class="ap-theme-dark">
        <ap-status-badge status="succeeded"></ap-status-badge>
        <ap-status-badge status="failed"></ap-status-badge>
        <ap-requirements-check checks="bandwidth"></ap-requirements-check>
      </div>`,
    );
    const [ok, bad] = host.querySelectorAll('ap-status-badge');
    await ok.updateComplete;
    expect(background(ok)).to.equal('rgb(19, 53, 34)');
    expect(background(bad)).to.equal('rgb(61, 20, 24)');
    const check = host.querySelector('ap-requirements-check')!;
    await check.updateComplete;
    expect(getComputedStyle(check.shadowRoot!.querySelector('[part="base"]')!).backgroundColor).to.equal(
      'rgb(28, 32, 41)',
    );
    await expect(host).to.be.accessible(); // the dark pairs keep their contrast
    link.remove();
  });
});

describe('localisation', () => {
  afterEach(() => setMessages());

  it('the shipped German messages appear in every element; setMessages() restores English', async () => {
    setMessages(de);
    const badge = await fixture<ApStatusBadge>(html`<ap-status-badge status="exam_started"></ap-status-badge>`);
    expect(badge.shadowRoot!.querySelector('[part="label"]')!.textContent.trim()).to.equal('Prüfung läuft');
    const check = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="webcam,mobile"></ap-requirements-check>`,
    );
    expect(check.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('Systemprüfung');
    expect(check.shadowRoot!.querySelector('[part="start"]')!.textContent).to.equal('Prüfungen starten');
    expect(check.shadowRoot!.textContent).to.contain('Handykamera');
    setMessages();
    const english = await fixture<ApStatusBadge>(html`<ap-status-badge status="exam_started"></ap-status-badge>`);
    expect(english.shadowRoot!.querySelector('[part="label"]')!.textContent.trim()).to.equal('Exam started');
  });

  it('an integrator-supplied string replaces one message and keeps the rest', async () => {
    setMessages({ phoneStates: { connected: 'Telefon verbunden.' } as never, startChecks: 'Los geht’s' });
    const check = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="webcam"></ap-requirements-check>`,
    );
    expect(check.shadowRoot!.querySelector('[part="start"]')!.textContent).to.equal('Los geht’s');
    expect(check.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('System check');
  });
});
