/**
 * Moves an attempt from the outbox to the backend: the attempt itself, its session status, record
 * batches cut by a byte budget, each photo on its own request once its record was taken, and the
 * finish once nothing is left before it. Nothing is lost while offline: everything stays in the
 * outbox until the backend acknowledged it.
 *
 * Failures by kind (see {@link DeliveryError}):
 * - unreachable / unavailable (network, 5xx, 408, 429): the same request is retried with back-off
 *   (honouring `Retry-After`); reported once per outage;
 * - forbidden (401/403): kept, retried at the longest back-off, reported;
 * - rejected (any other 4xx): a batch is split until the refused record is found; that record (or
 *   photo) is set aside in the outbox with the server's code and reported, and the rest flows on.
 *   There is no head-of-line blocking: one bad record never holds up the others.
 */
import { backoffDelay } from '../backoff.js';
import { ErrorCode, ProctorError, messageOf } from '../errors.js';
import { BEACON_BYTES, DeliveryError, byteLength } from './http-backend.js';
import type { Outbox, OutboxCounts, OutboxPhoto } from './outbox.js';
import type { AttemptInfo, EvidenceRecord, ResultsBackend } from './types.js';

export interface DeliveryOptions {
  /** The attempt as the backend creates it: sent first, and again when the backend has lost it. */
  attempt?: AttemptInfo;
  /** Largest record batch body in bytes of JSON. Default 256 KiB. */
  batchBytes?: number;
  /** Most records in one batch. Default 200 (the reference server takes up to 500). */
  batchSize?: number;
  /** First retry delay (ms); doubles up to `maxBackoffMs`. Default 1000. */
  backoffMs?: number;
  /** Default 30 000. */
  maxBackoffMs?: number;
  /** Longest wait between retries while {@link Delivery.settle} waits (ms). Default 2 000. */
  settleRetryMs?: number;
  /** A failure (typed: {@link ErrorCode.RESULTS_UNREACHABLE}, `RESULTS_REJECTED`, `RESULTS_FORBIDDEN`). */
  onError?: (error: ProctorError) => void;
  /** Progress changed (something was acknowledged, set aside, or failed). */
  onChange?: (progress: DeliveryProgress) => void;
}

/** Where an attempt's delivery stands. */
export interface DeliveryProgress extends OutboxCounts {
  /** Records and photos neither acknowledged nor set aside. */
  pending: number;
  /** The finish was asked for (`stop()`), and whether the backend acknowledged it. */
  finishRequested: boolean;
  finishDelivered: boolean;
  /** Everything acknowledged or set aside (the finish too, once asked for). */
  done: boolean;
  /** The failure holding delivery up now, if any. */
  error?: ProctorError;
  /** The backend's own Trust Score, from its answer to the finish. */
  serverTrustScore?: number;
}

const DEFAULT_BATCH_BYTES = 256 * 1024;

export class Delivery {
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<boolean>;
  /** Asked for while a pass ran: run another once it ends. */
  private again = false;
  private failures = 0;
  /** Calls of {@link settle} waiting now: retries are not spaced beyond `settleRetryMs` meanwhile. */
  private settling = 0;
  /** Until when the server asked us to wait (`Retry-After`, epoch ms). */
  private notBefore = 0;
  private stopped = false;
  private created = false;
  private error?: ProctorError;
  private serverTrustScore?: number;
  private readonly listeners = new Set<() => void>();
  /** Records handed to a beacon in this page's life, by id and form (begun, ended). */
  private readonly beaconed = new Set<string>();

  constructor(
    private readonly outbox: Outbox,
    private readonly backend: ResultsBackend,
    private readonly attemptId: string,
    private readonly options: DeliveryOptions = {},
  ) {
    // without an attempt to create, the caller has created it
    this.created = !options.attempt;
    if (typeof addEventListener === 'function') addEventListener('online', this.onOnline);
  }

  /** Schedules a delivery soon (coalesced). */
  kick(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, 0);
  }

  /**
   * One delivery pass now; resolves true when everything is acknowledged or set aside. Asked while
   * a pass runs, it returns that pass, which then runs once more: what was added or asked for while
   * it ran (a record during a photo upload, the finish) is never left waiting for a later kick.
   */
  flush(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let done: boolean;
      do {
        this.again = false;
        done = await this.deliver();
        // a failed pass is retried by its back-off, not here
      } while (this.again && !done && !this.error && !this.stopped);
      return done;
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Delivers until done or until `timeoutMs` has passed, then resolves with the progress. Never
   * rejects. This is the last moment the candidate is surely on the page (`stop()`), so it does not
   * wait out a back-off grown during an earlier outage: it tries at once, and while it waits it
   * retries at least every `settleRetryMs` (a server's `Retry-After` is still honoured). Delivery
   * goes on afterwards, with its ordinary back-off, until {@link stop}.
   */
  async settle(timeoutMs: number): Promise<DeliveryProgress> {
    const deadline = Date.now() + timeoutMs;
    let silent = false; // the wait ended with a request still unanswered
    this.settling++;
    try {
      // a back-off is skipped; a server's Retry-After is not
      if (Date.now() >= this.notBefore) {
        clearTimeout(this.timer);
        this.timer = undefined;
        // a request in flight to a server that took the connection and says nothing runs until
        // its own timeout (30 s and more): it goes on, but the wait ends at the deadline
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          this.flush(),
          new Promise<void>(
            (resolve) =>
              (timer = setTimeout(
                () => {
                  silent = true;
                  resolve();
                },
                Math.max(0, deadline - Date.now()),
              )),
          ),
        ]);
        clearTimeout(timer);
      }
      while (!this.progress().done && !this.stopped && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.listeners.delete(done);
            resolve();
          };
          const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
          this.listeners.add(done);
        });
      }
    } finally {
      this.settling--;
    }
    const progress = this.progress();
    // nothing failed yet, but nothing answered either: say so (the request's own failure, when it
    // comes, is reported as ever)
    if (silent && !progress.done && !progress.error)
      progress.error = new ProctorError(
        ErrorCode.RESULTS_UNREACHABLE,
        `The results server did not answer within ${Math.round(timeoutMs / 1000)} s; what was not sent stays on this device and is retried.`,
      );
    return progress;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (typeof removeEventListener === 'function') removeEventListener('online', this.onOnline);
    this.changed();
  }

  progress(): DeliveryProgress {
    const counts = this.outbox.counts(this.attemptId);
    const attempt = this.outbox.attempt(this.attemptId);
    const finishRequested = !!attempt?.finished;
    const finishDelivered = !!attempt?.finishDelivered;
    const pending =
      counts.records -
      counts.recordsDelivered -
      counts.recordsRejected +
      (counts.photos - counts.photosDelivered - counts.photosRejected);
    return {
      ...counts,
      pending,
      finishRequested,
      finishDelivered,
      done: pending === 0 && (!finishRequested || finishDelivered),
      ...(this.error ? { error: this.error } : {}),
      ...(this.serverTrustScore !== undefined ? { serverTrustScore: this.serverTrustScore } : {}),
    };
  }

  /**
   * `pagehide`: hands what is pending to the backend's beacon, synchronously (no storage read).
   * All of a page's unload-time requests share one quota (64 KiB in every engine), so it sends at
   * most {@link BEACON_BYTES} in all, halving a batch the browser refuses. What does not fit stays
   * in the outbox for the next visit. Records only: photos are too large for the quota.
   * `onlyNew` (a hide): only records not handed to a beacon in this form (begun, or ended) while
   * deliveries were succeeding and since the last one that failed (a beacon into an outage is lost);
   * `pagehide` sends everything pending again.
   */
  beacon({ onlyNew = false }: { onlyNew?: boolean } = {}): void {
    if (!this.backend.beacon) return;
    let budget = BEACON_BYTES;
    const form = (r: EvidenceRecord) => `${r.id}\u0000${r.endedAt === undefined ? 'begun' : 'ended'}`;
    let queue = this.outbox
      .pendingNow(this.attemptId)
      .filter((r) => !onlyNew || !this.beaconed.has(form(r)))
      .map((r) => this.wire(r, false));
    while (queue.length && budget > 0) {
      let take = 0;
      let bytes = 20;
      for (; take < queue.length; take++) {
        const size = byteLength(JSON.stringify(queue[take])) + 1;
        if (bytes + size > budget) break;
        bytes += size;
      }
      if (!take) return;
      for (;;) {
        if (this.backend.beacon(this.attemptId, queue.slice(0, take))) break;
        if (take === 1) return;
        take = Math.ceil(take / 2);
      }
      // queued is not delivered: while the server is known to be out of reach, nothing counts as carried
      if (this.failures === 0) for (const r of queue.slice(0, take)) this.beaconed.add(form(r));
      budget -= bytes;
      queue = queue.slice(take);
    }
  }

  private async deliver(): Promise<boolean> {
    try {
      await this.outbox.load(this.attemptId);
      if (!this.created) {
        await this.backend.createAttempt(this.options.attempt!);
        this.created = true;
      }
      await this.sendStatus();
      await this.sendRecords();
      await this.sendPhotos();
      await this.sendFinish();
      this.failures = 0;
      this.error = undefined;
      this.changed();
      return this.progress().done;
    } catch (error) {
      this.retryLater(error);
      return false;
    }
  }

  private async sendStatus() {
    const attempt = this.outbox.attempt(this.attemptId);
    if (!attempt?.status || attempt.statusDelivered || !this.backend.setSessionStatus) return;
    // the finish itself sets the session to exam_finished
    if (attempt.status !== 'exam_finished') {
      try {
        await this.backend.setSessionStatus(this.attemptId, attempt.status);
      } catch (error) {
        if (!(error instanceof DeliveryError && error.kind === 'rejected')) throw error;
        // a status the server will not take (e.g. after finish) is not worth holding anything up
      }
    }
    // unless the status changed meanwhile
    const now = this.outbox.attempt(this.attemptId);
    if (now?.status === attempt.status) await this.outbox.updateAttempt(this.attemptId, { statusDelivered: true });
  }

  private async sendRecords() {
    const batchBytes = this.options.batchBytes ?? DEFAULT_BATCH_BYTES;
    const batchSize = this.options.batchSize ?? 200;
    for (;;) {
      const pending = this.outbox.pendingNow(this.attemptId);
      if (!pending.length) return;
      const batch: EvidenceRecord[] = [];
      let bytes = 20;
      for (const record of pending) {
        const size = byteLength(JSON.stringify(this.wire(record, true))) + 1;
        if (batch.length && (batch.length >= batchSize || bytes + size > batchBytes)) break;
        batch.push(record);
        bytes += size;
      }
      await this.sendBatch(batch);
    }
  }

  /** Sends one batch; a refused batch is split until the refused records are found and set aside. */
  private async sendBatch(batch: EvidenceRecord[]): Promise<void> {
    try {
      await this.backend.appendEvidence(
        this.attemptId,
        batch.map((r) => this.wire(r, true)),
      );
    } catch (error) {
      if (!(error instanceof DeliveryError && error.kind === 'rejected')) throw error;
      if (error.serverCode === 'unknown_attempt' && this.options.attempt) {
        // the backend lost the attempt (e.g. a reset database): create it again, then retry
        this.created = false;
        throw error;
      }
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await this.sendBatch(batch.slice(0, half));
        await this.sendBatch(batch.slice(half));
        return;
      }
      const reason = { code: error.serverCode ?? `http_${error.status ?? 0}`, message: error.message };
      // as sent: a violation's end written meanwhile gets its own try
      await this.outbox.markRejected(this.attemptId, [batch[0]], reason);
      this.report(
        new DeliveryError(
          'rejected',
          `Evidence record ${batch[0].seq} (${batch[0].type}) was refused and is kept on this device: ${error.message}`,
          error.status,
          error.serverCode,
        ),
      );
      return;
    }
    // as sent: a violation's end written meanwhile is still to send
    await this.outbox.markDelivered(this.attemptId, batch);
    // inline photos went with their records
    if (!this.backend.putPhoto)
      for (const r of batch) if (this.photoOf(r.id)) await this.outbox.markPhoto(this.attemptId, r.id, 'delivered');
    this.changed();
  }

  private async sendPhotos() {
    if (!this.backend.putPhoto) return;
    for (const photo of this.outbox.pendingPhotos(this.attemptId)) {
      try {
        await this.backend.putPhoto(this.attemptId, photo.id, dataUrlToBlob(photo.dataUrl));
        await this.outbox.markPhoto(this.attemptId, photo.id, 'delivered');
      } catch (error) {
        if (!(error instanceof DeliveryError && error.kind === 'rejected')) throw error;
        await this.outbox.markPhoto(this.attemptId, photo.id, {
          code: error.serverCode ?? `http_${error.status ?? 0}`,
          message: error.message,
        });
        this.report(
          new DeliveryError(
            'rejected',
            `A photo was refused and is kept on this device: ${error.message}`,
            error.status,
            error.serverCode,
          ),
        );
      }
      this.changed();
    }
  }

  private async sendFinish() {
    const attempt = this.outbox.attempt(this.attemptId);
    if (!attempt?.finished || attempt.finishDelivered) return;
    if (this.outbox.pendingNow(this.attemptId).length || this.outbox.pendingPhotos(this.attemptId).length) return;
    try {
      const verdict = await this.backend.finish(this.attemptId, attempt.finished);
      if (verdict && typeof verdict.trustScore === 'number') this.serverTrustScore = verdict.trustScore;
    } catch (error) {
      if (!(error instanceof DeliveryError && error.kind === 'rejected')) throw error;
      this.report(error);
    }
    await this.outbox.updateAttempt(this.attemptId, { finishDelivered: true });
  }

  /** The record as it goes to the backend: its photo inline, or announced as pending. */
  private wire(record: EvidenceRecord, withInlinePhoto: boolean): EvidenceRecord {
    const photo = this.photoOf(record.id);
    const rest = { ...record };
    delete rest.photo;
    delete rest.photoPending;
    if (!photo) return rest;
    if (this.backend.putPhoto) return photo.delivered ? rest : { ...rest, photoPending: true };
    return withInlinePhoto ? { ...rest, photo: photo.dataUrl } : rest;
  }

  private photoOf(id: string): OutboxPhoto | undefined {
    return this.outbox.photo(this.attemptId, id);
  }

  private retryLater(error: unknown) {
    const typed =
      error instanceof ProctorError
        ? error
        : new ProctorError(ErrorCode.RESULTS_UNREACHABLE, `Evidence could not be delivered yet: ${messageOf(error)}`);
    const forbidden = error instanceof DeliveryError && error.kind === 'forbidden';
    this.failures = forbidden ? Math.max(this.failures, 16) : this.failures + 1;
    // a beacon sent while the server cannot be reached was most likely lost too: the next hide resends
    this.beaconed.clear();
    // once per outage (and again whenever what goes wrong changes)
    if (this.error?.message !== typed.message || this.failures === 1) this.report(typed);
    this.error = typed;
    this.changed();
    if (this.stopped) return;
    const backoff = Math.min(
      backoffDelay(this.failures - 1, this.options.backoffMs ?? 1000, this.options.maxBackoffMs ?? 30_000),
      this.settling && !forbidden ? (this.options.settleRetryMs ?? 2000) : Infinity,
    );
    const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : undefined;
    const serverWait = Math.min(retryAfter ?? 0, 60_000);
    this.notBefore = Date.now() + serverWait;
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.flush();
      },
      Math.max(backoff, serverWait),
    );
  }

  private report(error: ProctorError) {
    this.options.onError?.(error);
  }

  private changed() {
    for (const l of [...this.listeners]) l();
    this.options.onChange?.(this.progress());
  }

  private onOnline = () => {
    // the browser is back online: retry now instead of at the end of the back-off
    if (this.stopped || !this.error) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.kick();
  };
}

/** A `data:image/jpeg;base64,…` URL → its bytes as a Blob (no network request). */
export function dataUrlToBlob(dataUrl: string): Blob {
  const comma = dataUrl.indexOf(',');
  const type = /^data:([^;,]+)/.exec(dataUrl)?.[1] ?? 'image/jpeg';
  const binary = atob(dataUrl.slice(comma + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}
