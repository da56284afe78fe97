import { expect } from '@open-wc/testing';
import { monitor, sleep, until } from '../../helpers/monitor.js';

describe('<ap-monitor> on the no-face camera', function () {
  this.timeout(30000);
  it('records "no face" (5001) only after 3 s, with its start, duration and a photo', async () => {
    const h = await monitor({ track: 'numHumans' });
    const t0 = Date.now();
    await sleep(2000);
    expect(h.indicator()).to.equal('Proctoring is on. All clear.');
    await until(() => h.indicator().includes('Your face is not visible.'), 4000, 'no-face indicator');
    expect(Date.now() - t0).to.be.at.least(2900);
    await sleep(1000);
    await h.el.stop();
    const [e] = h.evidence;
    expect(h.evidence).to.have.length(1);
    expect(e).to.include({ code: 5001, type: 'no_face' });
    expect(e.startedAt - t0).to.be.within(-100, 1000);
    expect(e.durationMs).to.be.at.least(3500);
    expect(e.photo).to.match(/^data:image\/jpeg;base64,/);
    expect((await h.el.report()).score.trustScore).to.be.below(100);
  });
});
