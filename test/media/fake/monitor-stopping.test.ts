/**
 * What the candidate reads while stop() waits for an unreachable results server (issue 13 F10: it
 * said "Proctoring is not set up yet." for the whole wait, up to `tuning.deliveryTimeoutMs`).
 */
import { expect } from '@open-wc/testing';
import '../../../src/define.js';
import { sleep, until } from '../../helpers/monitor.js';
import { monitorFor, privateServer, setLink } from '../../helpers/results-server.js';

describe('<ap-monitor> while stop() waits for the results server', function () {
  this.timeout(90000);

  it('says proctoring is ending and evidence is being sent, then that it is kept on this device', async () => {
    // a link of this test's own, so its outage reaches no other test
    const creds = await privateServer();
    const link = (state: 'up' | 'down') => setLink(creds.testAttemptId, state);
    const { endpoint } = creds;
    const { el, text } = monitorFor(creds);
    try {
      await el.updateComplete;
      expect(text()).to.equal('Proctoring is not set up yet.');
      await el.setup({
        endpoint,
        outboxName: `outbox-${creds.testAttemptId}`,
        trackingOptions: {
          numHumans: false,
          audio: false,
          photosAtRandom: false,
          tabSwitch: true,
          detectMultipleScreens: false,
        },
        tuning: { deliveryTimeoutMs: 8000 },
      });
      await until(() => text() === 'Proctoring is ready to start.', 10000, 'ready');
      await el.start();
      await until(() => text() === 'Proctoring is on. All clear.', 10000, 'all clear');
      await link('down');
      const stopping = el.stop();
      await until(
        () => text().startsWith('Proctoring is ending'),
        10000,
        `"ending" while stop() waits (saw "${text()}")`,
      );
      expect(text()).to.contain('sending the evidence');
      expect(text()).not.to.contain('not set up');
      const result = await stopping;
      expect(result.delivery.done, JSON.stringify(result.delivery)).to.equal(false);
      await until(() => text().includes('Proctoring has ended.'), 10000, 'ended');
      expect(text(), JSON.stringify(result.delivery)).to.contain('saved on this device');
      await link('up');
    } finally {
      await el.destroy();
      el.remove();
      await sleep(0);
    }
  });
});
