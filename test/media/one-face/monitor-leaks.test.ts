import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { ErrorCode, type ApMonitor } from '../../../src/index.js';
import { DIST_ASSETS, rejectionOf } from '../../helpers/media.js';
import { monitor, until } from '../../helpers/monitor.js';
import { describeExcept, NO_FACE_DETECTION_WEBKIT } from '../../helpers/engine.js';

const workers = async () => (await executeServerCommand<{ count: number }, undefined>('worker-count')).count;

describeExcept({ webkit: NO_FACE_DETECTION_WEBKIT }, 'monitoring leaves no face detector behind', function () {
  this.timeout(180_000);

  it('after five tries that end early (destroyed while loading, stopped, start refused): no worker left', async () => {
    const before = await workers();
    for (let i = 0; i < 5; i++) {
      // destroyed while its detector loads (the element taken off the page mid-setup)
      const el = await fixture<ApMonitor>(
        html`<ap-monitor
          client-id="test-client"
          test-attempt-id=${`leak-${Date.now()}-${i}`}
          hashed-test-attempt-id="aGFzaA=="
        ></ap-monitor>`,
      );
      const setup = el.setup({ track: 'numHumans', assetBase: DIST_ASSETS, outboxName: `leak-${i}` });
      await el.destroy();
      expect((await rejectionOf(setup)).code).to.equal(ErrorCode.INVALID_STATE);
      // an exam that ends with stop() and no destroy()
      const h = await monitor({ track: 'numHumans' });
      await h.el.stop();
      // a start() refused (the attempt already finished), then the page goes on
      const again = await fixture<ApMonitor>(
        html`<ap-monitor
          client-id="test-client"
          test-attempt-id=${h.attemptId}
          hashed-test-attempt-id="aGFzaA=="
        ></ap-monitor>`,
      );
      await again.setup({ track: 'numHumans', assetBase: DIST_ASSETS, outboxName: h.outboxName });
      expect((await rejectionOf(again.start())).code).to.equal(ErrorCode.INVALID_STATE);
      again.remove(); // taken off the page: destroyed, its detector closed
    }
    await until(async () => (await workers()) <= before, 30_000, 'the detectors of the ended tries to close');
    expect(await workers()).to.be.at.most(before);
  });
});
