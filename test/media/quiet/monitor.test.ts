import { expect } from '@open-wc/testing';
import { monitor, sleep } from '../../helpers/monitor.js';

describe('<ap-monitor> audio: a steady quiet room (quiet.wav)', function () {
  this.timeout(30000);
  it('records nothing over 8 s', async () => {
    const h = await monitor({ track: 'audio' });
    await sleep(8000);
    await h.el.stop();
    expect(h.evidence).to.deep.equal([]);
  });
});
