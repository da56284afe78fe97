/**
 * AutoProctor's `evidencePushInterval`: evidence goes to the results server at most once per
 * interval. It wraps the real backend; a batch waits (in the outbox, undelivered) until the
 * interval since the last push has passed, so nothing is reported delivered before it is, and a
 * reload loses nothing. `hurry()` sends what waits at once (before stop, so the final flush is quick).
 */
import type { AttemptInfo, AttemptSummary, EvidenceRecord, ResultsBackend } from '../reporting/types.js';
import type { SessionStatus } from '../statuses.js';

export class PacedBackend implements ResultsBackend {
  private lastPush = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private release?: () => void;
  private hurried = false;
  /** Only when the inner backend has a photo route (its presence changes how photos travel). */
  readonly putPhoto?: ResultsBackend['putPhoto'];

  constructor(
    private readonly inner: ResultsBackend,
    /** ms between pushes. */
    private readonly intervalMs: number,
  ) {
    if (inner.putPhoto) this.putPhoto = (attemptId, evidenceId, photo) => inner.putPhoto!(attemptId, evidenceId, photo);
  }

  createAttempt(attempt: AttemptInfo): Promise<void> {
    return this.inner.createAttempt(attempt);
  }

  async appendEvidence(attemptId: string, records: EvidenceRecord[]): Promise<void> {
    const wait = this.lastPush + this.intervalMs - Date.now();
    if (wait > 0 && !this.hurried)
      await new Promise<void>((resolve) => {
        this.release = resolve;
        this.timer = setTimeout(resolve, wait);
      });
    this.release = undefined;
    this.lastPush = Date.now();
    await this.inner.appendEvidence(attemptId, records);
  }

  finish(attemptId: string, summary: AttemptSummary): Promise<void | { trustScore?: number }> {
    return this.inner.finish(attemptId, summary);
  }

  setSessionStatus(attemptId: string, status: SessionStatus): Promise<void> {
    return this.inner.setSessionStatus?.(attemptId, status) ?? Promise.resolve();
  }

  beacon(attemptId: string, records: EvidenceRecord[]): boolean {
    return this.inner.beacon?.(attemptId, records) ?? false;
  }

  /** From now on, push without waiting. */
  hurry(): void {
    this.hurried = true;
    clearTimeout(this.timer);
    this.release?.();
  }
}
