import { expect } from '@open-wc/testing';
import { monitor, until } from '../../helpers/monitor.js';

describe('<ap-monitor> audio: a quiet room, then someone talking (burst-voice.wav, looping)', function () {
  this.timeout(40000);
  it('records talking (5111) from when it began, with the room as the background', async () => {
    const h = await monitor({ track: 'audio' });
    await until(() => h.indicator().includes('Someone is talking.'), 15000, 'the talking indicator');
    await until(() => h.evidence.some((e) => e.code === 5111 && e.endedAt !== undefined), 10000, '5111 when it ends');
    const e = h.evidence.find((x) => x.code === 5111)!;
    expect(e.type).to.equal('talking');
    expect(e.durationMs).to.be.within(1500, 6000);
    expect(e.data?.backgroundDbfs).to.be.below(-60);
    expect(h.evidence.filter((x) => x.code === 5004)).to.deep.equal([]);
    await h.el.destroy();
  });
});
