import { expect } from '@open-wc/testing';
import { monitor, sleep, until } from '../../helpers/monitor.js';

describe('<ap-monitor> on the two-face camera', function () {
  this.timeout(30000);
  it('records "more than one person" (5002) after 1 s', async () => {
    const h = await monitor({ track: 'numHumans' });
    const t0 = Date.now();
    await until(() => h.indicator().includes('More than one person is visible.'), 4000, 'indicator');
    expect(Date.now() - t0).to.be.at.least(900);
    await sleep(500);
    await h.el.stop();
    expect(h.evidence.map((e) => e.code)).to.deep.equal([5002]);
    expect(h.evidence[0].data).to.deep.equal({ faces: 2 });
  });
});
