/**
 * Delivers evidence to the reference results server (server/): create the attempt, append record
 * batches (idempotent by record id), photos as raw JPEG on their own route, finish, session status,
 * and a last-chance `sendBeacon` on `pagehide`. Every request carries the client id and
 * AutoProctor's hashed attempt id, which the server verifies, and `sentAt` in its query (this
 * device's Date.now(), epoch ms), from which the server puts the page's times on its own clock.
 *
 * Ordinary requests are plain `fetch` (no `keepalive`: browsers refuse keepalive bodies over
 * 64 KiB, which one photo can exceed). Only {@link HttpBackend.beacon} uses the browser's
 * unload-time transport, and only with bodies under {@link BEACON_BYTES}.
 */
import { ErrorCode, ProctorError } from '../errors.js';
import { endpointUrl } from '../url.js';
import type { SessionStatus } from '../statuses.js';
import type { AttemptInfo, AttemptSummary, EvidenceRecord, ResultsBackend } from './types.js';
import { unreachableReason } from './reach.js';

export interface HttpBackendCredentials {
  clientId: string;
  testAttemptId: string;
  hashedTestAttemptId: string;
}

/**
 * The largest body handed to `sendBeacon` (bytes). Chromium, Firefox and WebKit cap the bodies of
 * all in-flight keepalive requests of a page at 64 KiB together (Fetch standard, "keepalive");
 * this leaves room for the URL and headers.
 */
export const BEACON_BYTES = 60_000;

/** How a request to the results server failed; {@link DeliveryError.kind} drives the retry policy. */
export type DeliveryFailure =
  /** Network error or no answer: retried with back-off. */
  | 'unreachable'
  /** 5xx, 408 or 429: the server is there but cannot take it now; retried with back-off. */
  | 'unavailable'
  /** 401 / 403: the credentials were refused; kept and retried slowly, reported. */
  | 'forbidden'
  /** Any other 4xx: this request will never succeed as it is; split or set aside, reported. */
  | 'rejected';

/** A failed request, with what the server said (`status`, its `code` and `message`). */
export class DeliveryError extends ProctorError {
  constructor(
    readonly kind: DeliveryFailure,
    message: string,
    readonly status?: number,
    readonly serverCode?: string,
    readonly retryAfterMs?: number,
  ) {
    super(
      kind === 'forbidden'
        ? ErrorCode.RESULTS_FORBIDDEN
        : kind === 'rejected'
          ? ErrorCode.RESULTS_REJECTED
          : ErrorCode.RESULTS_UNREACHABLE,
      message,
    );
  }
}

/** Options of {@link HttpBackend}. */
export interface HttpBackendOptions {
  /**
   * How long a request may go unanswered (ms) before it counts as unreachable and is retried,
   * plus one second per 8 KiB of body (a 64 kbit/s uplink still gets a photo through). A server
   * or link that accepts a connection and then says nothing would otherwise hold delivery up for
   * good. Default 30 000.
   */
  requestTimeoutMs?: number;
}

/** Default of {@link HttpBackendOptions.requestTimeoutMs}. */
export const REQUEST_TIMEOUT_MS = 30_000;

export class HttpBackend implements ResultsBackend {
  private readonly base: string;
  private readonly requestTimeoutMs: number;
  /**
   * Why requests get no answer the page can read, probed once per outage (the `no-cors` GET of
   * reach.ts) and reused by the retries, not probed on each; cleared by the next answer.
   */
  private outage?: Promise<string>;

  constructor(
    endpoint: string | URL,
    private readonly credentials: HttpBackendCredentials,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
    options: HttpBackendOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    try {
      this.base = endpointUrl(endpoint);
    } catch (error) {
      throw new ProctorError(
        ErrorCode.INVALID_OPTION,
        error instanceof TypeError && error.message.startsWith('endpoint')
          ? error.message
          : `endpoint is not a valid URL: ${String(endpoint)}.`,
      );
    }
  }

  async createAttempt(attempt: AttemptInfo): Promise<void> {
    await this.send('POST', 'api/v1/attempts', {
      clientId: attempt.clientId,
      testAttemptId: attempt.testAttemptId,
      hashedTestAttemptId: attempt.hashedTestAttemptId,
      startedAt: attempt.startedAt,
      trackingOptions: attempt.trackingOptions,
      ...(attempt.checks ? { checks: attempt.checks } : {}),
      ...(attempt.userDetails ? { userDetails: attempt.userDetails } : {}),
      ...(attempt.showHowToVideo !== undefined ? { showHowToVideo: attempt.showHowToVideo } : {}),
    });
  }

  async appendEvidence(attemptId: string, records: EvidenceRecord[]): Promise<void> {
    await this.send('POST', `${this.attemptPath(attemptId)}/evidence`, { records });
  }

  /** Photos go as raw JPEG, apart from their record (`photoPending` on the record). */
  async putPhoto(attemptId: string, evidenceId: string, photo: Blob): Promise<void> {
    await this.send('PUT', `${this.attemptPath(attemptId)}/photos/${encodeURIComponent(evidenceId)}`, photo);
  }

  /** Resolves with the server's verdict: it computes the Trust Score from the evidence it stored. */
  async finish(attemptId: string, summary: AttemptSummary): Promise<{ trustScore?: number } | void> {
    const answer = await this.send('POST', `${this.attemptPath(attemptId)}/finish`, summary);
    const trustScore = (answer as { trustScore?: unknown } | undefined)?.trustScore;
    return typeof trustScore === 'number' ? { trustScore } : undefined;
  }

  async setSessionStatus(attemptId: string, status: SessionStatus): Promise<void> {
    await this.send('PUT', `${this.attemptPath(attemptId)}/status`, { status });
  }

  /**
   * `pagehide`: queues one batch with `sendBeacon` (headers cannot be set: the credentials go in
   * the query string). Returns false when the browser did not queue it (no `sendBeacon`, or the
   * body is over the browser's quota); callers split and try smaller, or keep the records.
   */
  beacon(attemptId: string, records: EvidenceRecord[]): boolean {
    if (typeof navigator === 'undefined' || !navigator.sendBeacon) return false;
    const url = new URL(`${this.attemptPath(attemptId)}/evidence?sentAt=${Date.now()}`, this.base);
    url.searchParams.set('clientId', this.credentials.clientId);
    url.searchParams.set('hash', this.credentials.hashedTestAttemptId);
    const body = JSON.stringify({ records });
    if (byteLength(body) > BEACON_BYTES) return false;
    try {
      // text/plain: a CORS "simple" request. A JSON type would need a credentialed preflight
      // (sendBeacon always sends credentials), which a results server allowing any origin fails.
      return navigator.sendBeacon(url, new Blob([body], { type: 'text/plain;charset=UTF-8' }));
    } catch {
      return false;
    }
  }

  private attemptPath(attemptId: string) {
    return `api/v1/attempts/${encodeURIComponent(attemptId)}`;
  }

  private async send(method: string, path: string, body: unknown): Promise<unknown> {
    // sentAt: this device's clock when sent, so the server can put the page's times on its own clock
    const url = `${new URL(path, this.base).href}?sentAt=${Date.now()}`;
    const raw = body instanceof Blob;
    const payload = raw ? body : JSON.stringify(body);
    const size = raw ? body.size : byteLength(payload as string);
    const timeoutMs = this.requestTimeoutMs + Math.ceil(size / 8192) * 1000;
    // the deadline covers the answer's body too: a server can stall after its headers
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const unreachable = async (error: unknown) =>
      new DeliveryError(
        'unreachable',
        abort.signal.aborted
          ? `The results server at ${this.base} did not answer within ${Math.round(timeoutMs / 1000)} s; evidence is kept and retried.`
          : `The results server at ${this.base} could not be reached (${await (this.outage ??= unreachableReason(url, error, this.fetcher))}); evidence is kept and retried.`,
      );
    let response: Response;
    let answer: { code?: string; message?: string; [key: string]: unknown } | undefined;
    try {
      try {
        response = await this.fetcher(url, {
          method,
          headers: {
            'content-type': raw ? body.type || 'image/jpeg' : 'application/json',
            'x-ap-client-id': this.credentials.clientId,
            'x-ap-attempt-hash': this.credentials.hashedTestAttemptId,
          },
          body: payload,
          signal: abort.signal,
        });
      } catch (error) {
        throw await unreachable(error);
      }
      this.outage = undefined;
      const text = await response.text().catch(async (error: unknown) => {
        if (abort.signal.aborted) throw await unreachable(error);
        return '';
      });
      try {
        answer = text ? (JSON.parse(text) as typeof answer) : undefined;
      } catch {
        answer = undefined;
      }
    } finally {
      clearTimeout(timer);
    }
    if (response.ok) return answer;
    const { status } = response;
    const said = [answer?.code, answer?.message].filter(Boolean).join(': ');
    const what = `${method} ${path.replace(/^api\/v1\/attempts\/[^/]+/, 'attempt')}`;
    if (status >= 500 || status === 408 || status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new DeliveryError(
        'unavailable',
        `The results server could not take ${what} now (HTTP ${status}${said ? ` ${said}` : ''}); evidence is kept and retried.`,
        status,
        answer?.code,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    // a quota refusal (403 quota_exceeded) is about this request, not the credentials
    if (status === 401 || (status === 403 && answer?.code !== 'quota_exceeded'))
      throw new DeliveryError(
        'forbidden',
        `The results server refused this attempt's credentials (HTTP ${status}${said ? ` ${said}` : ''}): check clientId and hashedTestAttemptId. Evidence is kept on this device.`,
        status,
        answer?.code,
      );
    throw new DeliveryError(
      'rejected',
      `The results server rejected ${what} (HTTP ${status}${said ? ` ${said}` : ''}).`,
      status,
      answer?.code,
    );
  }
}

const encoder = new TextEncoder();
/** UTF-8 length of a string (what goes on the wire). */
export const byteLength = (text: string): number => encoder.encode(text).length;
