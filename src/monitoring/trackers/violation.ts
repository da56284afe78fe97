import { EvidenceCode, type EvidenceType } from '../../reporting/types.js';
import type { TrackerContext } from './types.js';

/**
 * A violation with a start and an end (no face, noise, full-screen exit …). Its record is written
 * when the violation is confirmed (`begin`, with a photo taken then, and no `endedAt`), so
 * integrators can warn the candidate at once; `end` writes the same record (same `id` and `seq`)
 * again with `endedAt` and `durationMs`. A violation still open when the page goes away is closed
 * when the attempt resumes.
 */
export class Violation {
  private open?: {
    startedAt: number;
    data?: Record<string, number | string | boolean>;
    /** The id of the record written at `begin` (once its photo is taken). */
    recorded: Promise<string | undefined>;
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
    const photo = this.withPhoto ? this.ctx.photo().catch(() => undefined) : Promise.resolve(undefined);
    const recorded = photo.then((photo) =>
      this.ctx.record(
        {
          code: EvidenceCode[this.type],
          type: this.type,
          startedAt,
          ...(data ? { data } : {}),
          ...(photo ? { photo } : {}),
        },
        { ongoing: true },
      ),
    );
    this.ctx.track(recorded);
    this.open = { startedAt, data, recorded };
    this.ctx.setActive(this.type, true);
  }

  /** Carries on a violation begun before a reload (its record `id`), as if `begin` had written it. */
  adopt(record: { id: string; startedAt: number; data?: Record<string, number | string | boolean> }): void {
    if (this.open) return;
    this.open = { startedAt: record.startedAt, data: record.data, recorded: Promise.resolve(record.id) };
    this.ctx.setActive(this.type, true);
  }

  /** Completes the violation's record as ended at `endedAt` (no-op when none is open). */
  end(endedAt = this.ctx.now()): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.ctx.setActive(this.type, false);
    this.ctx.track(
      open.recorded.then((id) =>
        this.ctx.record(
          {
            code: EvidenceCode[this.type],
            type: this.type,
            startedAt: open.startedAt,
            endedAt,
            durationMs: Math.max(0, endedAt - open.startedAt),
            ...(open.data ? { data: open.data } : {}),
          },
          { id },
        ),
      ),
    );
  }
}
