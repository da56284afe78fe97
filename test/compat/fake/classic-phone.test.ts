import { expect, oneEvent } from '@open-wc/testing';
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
  },
);
