import { expect } from '@open-wc/testing';
import { itExcept, NO_FACE_DETECTION_WEBKIT } from '../../helpers/engine.js';
import { credentials, openPage } from '../helpers.js';

// AutoProctor integrations, unchanged but for the script URL, against dist/cdn/autoproctor.js.
describe('AutoProctor integrations (classic script) on the one-face camera', function () {
  this.timeout(120000);

  itExcept(
    {
      webkit: NO_FACE_DETECTION_WEBKIT,
      firefox:
        'the page calls start() from apSetupCompleted, not from a click, and captureSwitchedTab (on by default) then asks for the screen: Firefox refuses getDisplayMedia without a user activation (4011)',
    },
    'vendor plugin: polling for window.AutoProctor, listen-then-call, un-awaited calls, the full option object',
    async () => {
      const page = await openPage('polling.html', credentials('polling'));
      try {
        await page.until(() => page.text('#status') === 'Proctoring is on. Good luck!', 'proctoring to start');
        expect(page.doc.getElementById('quiz')!.hidden).to.equal(false);
        // setup's success codes, in order, once each
        expect([...page.doc.querySelectorAll('#successes li')].map((li) => li.textContent)).to.deep.equal([
          '2002',
          '2001',
          '2003',
          '2100',
        ]);
        expect(page.text('#ap-action')).to.equal('monitoring_started');
        // the monitor sits in the integrator's container, the preview on (showCamPreview: true)
        const monitor = page.doc.querySelector('#ap-test-proctoring ap-monitor')!;
        expect(monitor.shadowRoot!.querySelector('video')).to.not.equal(null);
        // disableCopyPaste: copying inside the test container is blocked
        const input = page.doc.querySelector<HTMLInputElement>('input[name="q1"]')!;
        const copy = new page.win.ClipboardEvent('copy', { bubbles: true, cancelable: true, composed: true });
        input.dispatchEvent(copy);
        expect(copy.defaultPrevented).to.equal(true);
        page.doc.getElementById('finish')!.click();
        await page.until(() => page.text('#score').startsWith('Trust Score'), 'the Trust Score', 60000);
        expect(page.text('#status')).to.equal('Quiz submitted.');
        expect(page.text('#score')).to.match(/^Trust Score: \d+ \(completed\)$/);
        // showReport() rendered <ap-report> into the page
        // un-awaited, as the plugin calls it: the element appears once its part has loaded
        const rendered = () => page.doc.querySelector('#report-here ap-report');
        await page.until(() => rendered()?.shadowRoot?.textContent?.includes('Trust Score'), 'the report');
        const report = rendered()!;
        const shown = report.shadowRoot!.textContent.replace(/\s+/g, ' ');
        expect(shown).to.contain('Copy, cut or paste blocked');
        expect(shown).to.contain('Ada Lovelace, ada@example.org');
        // the test-taker photo and the copy attempt are in the report's timeline
        const items = [...report.shadowRoot!.querySelectorAll('li')].map((li) => li.textContent.replace(/\s+/g, ' '));
        expect(items.some((t) => t.includes('5110'))).to.equal(true);
        expect(items.some((t) => t.includes('5003'))).to.equal(true);
        // keys accepted but not implemented that ask for their feature: one warning each, naming the key
        for (const key of ['trackingOptions.recordSession', 'lookupKey', 'auxiliaryDeviceRandomPhotoPushInterval'])
          expect(
            (page.win.__warnings as string[]).filter((w) => w.includes(`"${key}"`)),
            key,
          ).to.have.length(1);
        // those set off (false: AutoProctor's defaults) ask for nothing we do not do: no warning
        for (const key of [
          'trackingOptions.idCardVerification',
          'trackingOptions.multiSessionAttempt',
          'trackingOptions.impersonation',
          'restrictConsole',
        ])
          expect(
            (page.win.__warnings as string[]).filter((w) => w.includes(`"${key}"`)),
            key,
          ).to.deep.equal([]);
        expect(page.win.__rejections).to.deep.equal([]);
        expect(page.text('#warning')).to.equal('');
      } finally {
        page.close();
      }
    },
  );

  itExcept(
    { webkit: NO_FACE_DETECTION_WEBKIT },
    'apLibReady, then await start() before listening, await stop() before listening: each event once',
    async () => {
      const creds = credentials('awaiting');
      const page = await openPage('lib-ready.html', creds);
      try {
        await page.until(() => page.text('#status') === 'Exam open', 'the exam to open');
        expect(page.doc.documentElement.dataset.lib).to.equal('ready');
        expect(page.text('#instance')).to.equal(`acme ${creds.testAttemptId} aGFzaA== true`);
        await new Promise((r) => setTimeout(r, 1000));
        expect(page.text('#started-events')).to.equal('1');
        await (page.win.finishExam as () => Promise<void>)();
        await page.until(() => page.text('#status').startsWith('Exam closed'), 'the exam to close');
        expect(page.text('#status')).to.match(/^Exam closed, Trust Score \d+$/);
        await page.until(() => !page.doc.querySelector('ap-monitor'), 'destroy() to remove the monitor');
        await new Promise((r) => setTimeout(r, 500));
        expect(page.text('#stopped-events')).to.equal('1');
        expect(page.win.__rejections).to.deep.equal([]);
      } finally {
        page.close();
      }
    },
  );
});

describe('AutoProctor setup() retry', function () {
  this.timeout(60000);

  itExcept(
    { webkit: NO_FACE_DETECTION_WEBKIT },
    'a typo fails with 4107, the corrected call from the error handler succeeds, nothing is destroyed',
    async () => {
      const page = await openPage('setup-retry.html', credentials('retry'));
      try {
        await page.until(() => page.text('#status') === 'Ready', 'the corrected setup');
        await new Promise((r) => setTimeout(r, 500));
        expect(page.text('#completed')).to.equal('1');
        expect(page.text('#destroyed')).to.equal('0');
        expect(page.doc.querySelectorAll('ap-monitor')).to.have.length(1);
        expect(page.doc.querySelector('ap-monitor')!.getAttribute('state')).to.equal('ready');
      } finally {
        page.close();
      }
    },
  );
});
