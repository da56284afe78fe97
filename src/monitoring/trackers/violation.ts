import { EvidenceCode, type EvidenceType } from '../../reporting/types.js';
import type { TrackerContext } from './types.js';

/**
 * A violation with a start and an end (no face, noise, full-screen exit …). It is recorded when it
 * ends, with its duration and a photo taken when it was confirmed.
 */
export class Violation {
  private open?: {
    startedAt: number;
    photo: Promise<string | undefined>;
    data?: Record<string, number | string | boolean>;
  };

  constructor(
    private readonly ctx: TrackerContext,
    readonly type: EvidenceType,
    private readonly withPhoto = true,
  ) {}

  get active(): boolean {
    return !!this.open;
  }

  begin(startedAt: number, data?: Record<string, number | string | boolean>): void {
    if (this.open) return;
    this.open = {
      startedAt,
      data,
      photo: this.withPhoto ? this.ctx.photo().catch(() => undefined) : Promise.resolve(undefined),
    };
    this.ctx.setActive(this.type, true);
  }

  /** Records the violation as ended at `endedAt` (no-op when none is open). */
  end(endedAt = this.ctx.now()): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.ctx.setActive(this.type, false);
    this.ctx.track(
      open.photo.then((photo) =>
        this.ctx.record({
          code: EvidenceCode[this.type],
          type: this.type,
          startedAt: open.startedAt,
          endedAt,
          durationMs: Math.max(0, endedAt - open.startedAt),
          ...(open.data ? { data: open.data } : {}),
          ...(photo ? { photo } : {}),
        }),
      ),
    );
  }
}
