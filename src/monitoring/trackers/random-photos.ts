import { EvidenceCode } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';

/** photosAtRandom: `count` photos (5003), one at a random moment in each equal slice of the exam. */
export class RandomPhotoTracker implements Tracker {
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    private readonly ctx: TrackerContext,
    private readonly count: number,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    const slot = this.ctx.tuning.examDurationMs / this.count;
    for (let i = 0; i < this.count; i++) {
      const at = slot * (i + this.random());
      this.timers.push(setTimeout(() => this.ctx.track(this.take()), at));
    }
  }

  stop(): void {
    this.timers.forEach(clearTimeout);
    this.timers = [];
  }

  private async take() {
    const photo = await this.ctx.photo();
    if (photo)
      this.ctx.record({ code: EvidenceCode.random_photo, type: 'random_photo', startedAt: this.ctx.now(), photo });
  }
}
