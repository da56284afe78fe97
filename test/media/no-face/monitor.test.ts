import { expect } from '@open-wc/testing';
import { monitor, sleep, until } from '../../helpers/monitor.js';

describe('<ap-monitor> on the no-face camera', function () {
  this.timeout(60000);
  it('records "no face" (5001) only after 3 s, from when the face was missing, with a photo', async () => {
    const t0 = Date.now();
    const h = await monitor({ track: 'numHumans' });
    await sleep(2000);
    expect(h.indicator()).to.equal('Proctoring is on. All clear.');
    await until(() => h.indicator().includes('Your face is not visible.'), 30000, 'no-face indicator');
    const shown = Date.now();
    expect(shown - t0).to.be.at.least(2900);
    await sleep(1000);
    await h.el.stop();
    const [e] = h.evidence;
    expect(h.evidence).to.have.length(1);
    expect(e).to.include({ code: 5001, type: 'no_face' });
    // it began when the face was first missing: after monitoring started, noFaceMs before it was shown
    expect(e.startedAt).to.be.within(t0, shown - 2900);
    expect(e.durationMs).to.be.at.least(3000);
    expect(e.photo).to.match(/^data:image\/jpeg;base64,/);
    expect((await h.el.report()).score.trustScore).to.be.below(100);
  });
});
