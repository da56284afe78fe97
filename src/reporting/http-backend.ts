/**
 * Delivers evidence to the reference results server (server/): create the attempt, append batches
 * (idempotent by record id), finish, session status, and a `sendBeacon` on `pagehide`. Every
 * request carries the client id and AutoProctor's hashed attempt id, which the server verifies.
 */
import { ErrorCode, ProctorError, messageOf } from '../errors.js';
import { baseUrl } from '../url.js';
import type { SessionStatus } from '../statuses.js';
import type { AttemptInfo, AttemptSummary, EvidenceRecord, ResultsBackend } from './types.js';

export interface HttpBackendCredentials {
  clientId: string;
  testAttemptId: string;
  hashedTestAttemptId: string;
}

export class HttpBackend implements ResultsBackend {
  private readonly base: string;

  constructor(
    endpoint: string | URL,
    private readonly credentials: HttpBackendCredentials,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {
    try {
      this.base = baseUrl(endpoint);
    } catch {
      throw new ProctorError(ErrorCode.INVALID_OPTION, `endpoint is not a valid URL: ${String(endpoint)}.`);
    }
  }

  createAttempt(attempt: AttemptInfo): Promise<void> {
    return this.send('POST', 'api/v1/attempts', {
      clientId: attempt.clientId,
      testAttemptId: attempt.testAttemptId,
      hashedTestAttemptId: attempt.hashedTestAttemptId,
      startedAt: attempt.startedAt,
      trackingOptions: attempt.trackingOptions,
      ...(attempt.checks ? { checks: attempt.checks } : {}),
    });
  }

  appendEvidence(attemptId: string, records: EvidenceRecord[]): Promise<void> {
    return this.send('POST', `${this.attemptPath(attemptId)}/evidence`, { records });
  }

  finish(attemptId: string, summary: AttemptSummary): Promise<void> {
    return this.send('POST', `${this.attemptPath(attemptId)}/finish`, summary);
  }

  setSessionStatus(attemptId: string, status: SessionStatus): Promise<void> {
    return this.send('PUT', `${this.attemptPath(attemptId)}/status`, { status });
  }

  /** `sendBeacon` cannot set headers: the credentials go in the query string. */
  beacon(attemptId: string, records: EvidenceRecord[]): boolean {
    if (typeof navigator === 'undefined' || !navigator.sendBeacon) return false;
    const url = new URL(`${this.attemptPath(attemptId)}/evidence`, this.base);
    url.searchParams.set('clientId', this.credentials.clientId);
    url.searchParams.set('hash', this.credentials.hashedTestAttemptId);
    return navigator.sendBeacon(url, new Blob([JSON.stringify({ records })], { type: 'application/json' }));
  }

  private attemptPath(attemptId: string) {
    return `api/v1/attempts/${encodeURIComponent(attemptId)}`;
  }

  private async send(method: string, path: string, body: unknown): Promise<void> {
    const url = new URL(path, this.base).href;
    let response: Response;
    try {
      response = await this.fetcher(url, {
        method,
        headers: {
          'content-type': 'application/json',
          'x-ap-client-id': this.credentials.clientId,
          'x-ap-attempt-hash': this.credentials.hashedTestAttemptId,
        },
        body: JSON.stringify(body),
        keepalive: true,
      });
    } catch (error) {
      throw new ProctorError(
        ErrorCode.RESULTS_UNREACHABLE,
        `The results server at ${this.base} could not be reached (${messageOf(error)}).`,
      );
    }
    if (response.ok) return;
    const detail = (await response.json().catch(() => undefined)) as { code?: string; message?: string } | undefined;
    // 4xx other than 429 will not get better by retrying, but the outbox keeps the records either way
    throw new ProctorError(
      response.status === 403 || response.status === 400 ? ErrorCode.INVALID_OPTION : ErrorCode.RESULTS_UNREACHABLE,
      `The results server refused ${method} ${path}: HTTP ${response.status} ${detail?.code ?? ''} ${detail?.message ?? ''}`.trim(),
    );
  }
}
