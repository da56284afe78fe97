import { EvidenceCode } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';

/** Where an attempt resumed after a reload stands: how far into the exam, and the photos already taken. */
export interface PhotoProgress {
  /** ms since the attempt started. */
  elapsedMs: number;
  /** Random photos of this camera already in the outbox. */
  taken: number;
}

/**
 * photosAtRandom: `count` photos (5003) over `examDurationMs`, one at a random moment in each equal
 * slice; with a second camera, each moment also gives a photo from it (`data.camera: 'second'`).
 * A resumed attempt (`progress`) takes only the photos still owed, spread over the time left, so a
 * reload never adds photos (nor does it restart the schedule).
 */
export class RandomPhotoTracker implements Tracker {
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    private readonly ctx: TrackerContext,
    private readonly count: number,
    private readonly random: () => number = Math.random,
    private readonly secondPhoto?: () => Promise<string | undefined>,
    private readonly progress: PhotoProgress = { elapsedMs: 0, taken: 0 },
  ) {}

  start(): void {
    const owed = Math.max(0, this.count - this.progress.taken);
    const left = this.ctx.tuning.examDurationMs - Math.max(0, this.progress.elapsedMs);
    if (!owed || left <= 0) return;
    const slot = left / owed;
    for (let i = 0; i < owed; i++) {
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
