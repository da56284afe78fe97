import { expect } from '@open-wc/testing';
import { monitor, until } from '../../helpers/monitor.js';

describe('<ap-monitor> audio: talking from the first second (talk-first.wav, looping)', function () {
  this.timeout(40000);
  it('does not learn the talking as background: the talking after it is recorded (5111)', async () => {
    const h = await monitor({ track: 'audio' });
    await until(
      () => h.evidence.filter((e) => e.code === 5111 && e.endedAt !== undefined).length >= 2,
      30000,
      'talking twice',
    );
    for (const e of h.evidence.filter((x) => x.code === 5111)) {
      expect(e.data?.backgroundDbfs).to.be.below(-60); // the room, not the voice
      expect(e.durationMs).to.be.within(1500, 6000);
    }
    await h.el.destroy();
  });
});
