/**
 * Moves records from the outbox to the backend in batches, with retry and exponential back-off.
 * Nothing is lost while offline: records stay in the outbox until the backend has taken them.
 */
import type { Outbox } from './outbox.js';
import type { ResultsBackend } from './types.js';

export interface DeliveryOptions {
  batchSize?: number;
  /** First retry delay (ms); doubles up to `maxBackoffMs`. Default 1000. */
  backoffMs?: number;
  maxBackoffMs?: number;
  onError?: (error: unknown) => void;
}

export class Delivery {
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<boolean>;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly backend: ResultsBackend,
    private readonly attemptId: string,
    private readonly options: DeliveryOptions = {},
  ) {}

  /** Schedules a delivery soon (coalesced). */
  kick(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, 0);
  }

  /** Delivers everything pending now; resolves true when the outbox is empty for this attempt. */
  flush(): Promise<boolean> {
    this.running ??= this.deliver().finally(() => (this.running = undefined));
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** `pagehide`: hand what is pending to the backend's beacon, if it has one. Records stay in the outbox. */
  async beacon(): Promise<void> {
    if (!this.backend.beacon) return;
    const pending = await this.outbox.pending(this.attemptId, this.options.batchSize ?? 50);
    if (pending.length) this.backend.beacon(this.attemptId, pending);
  }

  private async deliver(): Promise<boolean> {
    const batchSize = this.options.batchSize ?? 50;
    for (;;) {
      const batch = await this.outbox.pending(this.attemptId, batchSize);
      if (!batch.length) {
        this.failures = 0;
        return true;
      }
      try {
        await this.backend.appendEvidence(this.attemptId, batch);
        await this.outbox.markDelivered(batch.map((r) => r.id));
        this.failures = 0;
      } catch (error) {
        this.failures++;
        this.options.onError?.(error);
        if (!this.stopped) {
          const delay = Math.min(
            (this.options.backoffMs ?? 1000) * 2 ** (this.failures - 1),
            this.options.maxBackoffMs ?? 30_000,
          );
          clearTimeout(this.timer);
          this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.flush();
          }, delay);
        }
        return false;
      }
    }
  }
}
