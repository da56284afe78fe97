import { expect } from '@open-wc/testing';
import { monitor, sleep } from '../../helpers/monitor.js';

describe('<ap-monitor> audio: a quiet room, then a fan switched on at 6 s (fan.wav)', function () {
  this.timeout(60000);
  it('records nothing and never shows a warning: steady noise is not talking, and it becomes the background', async () => {
    const h = await monitor({ track: 'audio' });
    const shown = new Set<string>();
    const end = performance.now() + 30000;
    while (performance.now() < end) {
      shown.add(h.indicator());
      await sleep(250);
    }
    await h.el.stop();
    expect([...shown]).to.deep.equal(['Proctoring is on. All clear.']);
    expect(h.evidence).to.deep.equal([]);
    expect(h.el.trustScore).to.equal(100);
  });
});
