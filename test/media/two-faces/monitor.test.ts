import { expect } from '@open-wc/testing';
import { monitor, sleep, until } from '../../helpers/monitor.js';

describe('<ap-monitor> on the two-face camera', function () {
  this.timeout(60000);
  it('records "more than one person" (5002) after 1 s', async () => {
    const h = await monitor({ track: 'numHumans' });
    const t0 = Date.now();
    await until(() => h.indicator().includes('More than one person is visible.'), 30000, 'indicator');
    expect(Date.now() - t0).to.be.at.least(900);
    // announced while the two faces are still in view (integrators warn the candidate live)
    await until(() => h.evidence.some((e) => e.code === 5002), 30000, 'ap-evidence 5002 before the end');
    expect(h.evidence[0].endedAt).to.equal(undefined);
    await sleep(500);
    await h.el.stop();
    // …and completed under the same id when monitoring stops
    expect(h.evidence.map((e) => e.code)).to.deep.equal([5002]);
    expect(h.evidence[0].endedAt).to.be.a('number');
    expect(h.evidence[0].data).to.deep.equal({ faces: 2 });
  });
});
