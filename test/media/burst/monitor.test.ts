import { expect } from '@open-wc/testing';
import { monitor, until } from '../../helpers/monitor.js';

describe('<ap-monitor> audio: a quiet room, then loud talking (burst.wav)', function () {
  this.timeout(30000);
  it('learns the background and records audio above it (5004) once it lasts', async () => {
    const h = await monitor({ track: 'audio' });
    await until(() => h.indicator().includes('It is noisy around you.'), 9000, 'noise indicator');
    // announced when confirmed, then completed (same id) when the loud part ends
    await until(() => h.evidence.some((e) => e.code === 5004), 8000, '5004 announced');
    await until(() => h.evidence.some((e) => e.code === 5004 && e.endedAt !== undefined), 8000, '5004 ended');
    const e = h.evidence.find((x) => x.code === 5004 && x.endedAt !== undefined)!;
    expect(e.durationMs).to.be.within(1500, 5000);
    expect(e.data?.backgroundDbfs).to.be.below(-60);
    await h.el.destroy();
  });
});
