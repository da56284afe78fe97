import { EvidenceCode } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';

/**
 * photosAtRandom: `count` photos (5003), one at a random moment in each equal slice of the exam;
 * with a second camera, each moment also gives a photo from it (`data.camera: 'second'`).
 */
export class RandomPhotoTracker implements Tracker {
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    private readonly ctx: TrackerContext,
    private readonly count: number,
    private readonly random: () => number = Math.random,
    private readonly secondPhoto?: () => Promise<string | undefined>,
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
    const startedAt = this.ctx.now();
    const [photo, second] = await Promise.all([this.ctx.photo(), this.secondPhoto?.().catch(() => undefined)]);
    if (photo) this.ctx.record({ code: EvidenceCode.random_photo, type: 'random_photo', startedAt, photo });
    if (second)
      this.ctx.record({
        code: EvidenceCode.random_photo,
        type: 'random_photo',
        startedAt,
        photo: second,
        data: { camera: 'second' },
      });
  }
}
