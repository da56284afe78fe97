import { expect } from '@open-wc/testing';
import { monitor, sleep } from '../../helpers/monitor.js';

describe('<ap-monitor> audio: short beeps (Chromium’s fake microphone)', function () {
  this.timeout(30000);
  it('does not call 100 ms sounds a violation (hysteresis: a cough is not noise)', async () => {
    const h = await monitor({ track: 'audio' });
    await sleep(7000);
    await h.el.stop();
    expect(h.evidence).to.deep.equal([]);
  });
});
