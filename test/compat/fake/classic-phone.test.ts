import { expect, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ApChecksCompleteEvent } from '../../../src/index.js';
import { describeExcept } from '../../helpers/engine.js';
import { until } from '../../helpers/monitor.js';
import { checkWithPairing } from '../../helpers/pairing.js';

// The phone page built on the classic script (dist/cdn/autoproctor.js), where <ap-mobile-camera> is
// a lazy part (phone/ap-mobile-camera.mjs) fetched from the script's own assets; the exam page's
// mobile check is this test page's (BroadcastChannel reaches the phone's frame like another tab).
describeExcept(
  {
    webkit:
      "Debian's WebKitGTK is built without WebRTC: the mobile check fails with 4001 (the lazy part itself is tested in classic-cdn.test.ts)",
  },
  'a phone page on the classic script',
  function () {
    this.timeout(60000);

    it('pairs as the second camera: the mobile check succeeds and the phone page says the exam sees it', async () => {
      const { el, code } = await checkWithPairing();
      const frame = document.createElement('iframe');
      frame.allow = 'camera';
      // at another path than the script, as a phone page of the integrator's
      frame.srcdoc = `<!doctype html><base href="${location.origin}/test/compat/pages/">
        <script src="${location.origin}/dist/cdn/autoproctor.js"></script>
        <ap-mobile-camera pairing-code="${code}"></ap-mobile-camera>`;
      const done = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
      document.body.append(frame);
      try {
        const result = (await done).detail.results[0];
        expect(result.status).to.equal('succeeded');
        expect(result.metrics.framesDecoded).to.be.at.least(5);
        const status = () =>
          frame.contentDocument
            ?.querySelector('ap-mobile-camera')
            ?.shadowRoot?.querySelector('[part="status"]')
            ?.textContent?.trim();
        await until(() => status() === 'Connected: the exam sees this camera.', 10000, "the phone page's status");
        const fetched = frame
          .contentWindow!.performance.getEntriesByType('resource')
          .map((e) => e.name)
          .filter((n) => n.includes('ap-mobile-camera'));
        expect(fetched).to.deep.equal([`${location.origin}/dist/assets/phone/ap-mobile-camera.mjs?1`]);
      } finally {
        frame.remove();
        el.remove();
      }
    });

    it('an exam page on the classic script pairs the phone for auxiliaryDevice: the pairing UI, a part of its own assets, in the container, then setup completes', async () => {
      const creds = await executeServerCommand<
        { endpoint: string; clientId: string; testAttemptId: string; hashedTestAttemptId: string },
        undefined
      >('results-server');
      const exam = document.createElement('iframe');
      exam.allow = 'camera; microphone';
      // an AutoProctor integration: classic script, setup() un-awaited, listeners for the SDK's events
      exam.srcdoc = `<!doctype html><base href="${location.origin}/test/compat/pages/">
        <script src="${location.origin}/dist/cdn/autoproctor.js"></script>
        <div id="aux"></div>
        <script>
          window.seen = [];
          for (const n of ['apSetupCompleted', 'apErrorEvent'])
            addEventListener(n, (e) => seen.push(n + (e.detail && e.detail.errorCode ? ' ' + e.detail.errorCode : '')));
          addEventListener('apLibReady', () => {
            window.ap = new AutoProctor(${JSON.stringify(creds)});
            ap.setup({
              trackingOptions: { auxiliaryDevice: true, numHumans: false, audio: false, photosAtRandom: false, captureSwitchedTab: false },
              auxDevicePath: '${location.origin}/phone.html',
              auxDeviceTestContainerId: 'aux',
            });
          });
        </script>`;
      document.body.append(exam);
      let phonePage: HTMLIFrameElement | undefined;
      try {
        const win = () =>
          exam.contentWindow as unknown as { seen?: string[]; ap?: { destroy(): Promise<void> } } & Window;
        const link = () =>
          exam.contentDocument
            ?.querySelector('#aux ap-requirements-check')
            ?.shadowRoot?.querySelector<HTMLAnchorElement>('a[part="pairing-link"]');
        await until(() => !!link(), 30000, 'the pairing link in the container');
        const fetched = win()
          .performance.getEntriesByType('resource')
          .map((e) => e.name)
          .filter((n) => n.includes('/dist/assets/') && n.endsWith('.mjs?1'));
        expect(fetched).to.include(`${location.origin}/dist/assets/checks/ap-requirements-check.mjs?1`);
        // the candidate opens the link on the phone: a phone page on the classic script too
        phonePage = document.createElement('iframe');
        phonePage.allow = 'camera';
        phonePage.srcdoc = `<!doctype html><script src="${location.origin}/dist/cdn/autoproctor.js"></script>
          <ap-mobile-camera pairing-code="${new URL(link()!.href).searchParams.get('code')}"
            signalling-url="${creds.endpoint}"></ap-mobile-camera>`;
        document.body.append(phonePage);
        await until(() => !!win().seen?.length, 45000, 'apSetupCompleted');
        expect(win().seen).to.deep.equal(['apSetupCompleted']);
        expect(exam.contentDocument!.querySelector('ap-requirements-check')).to.equal(null); // the pairing UI is gone
        await win().ap!.destroy();
      } finally {
        phonePage?.remove();
        exam.remove();
      }
    });
  },
);
