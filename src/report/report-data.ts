/**
 * What `<ap-report>` shows, from either source: the device's evidence outbox (the candidate's own
 * copy, `fromOutbox`) or the results server's reporting API (`fromServer`, for a reviewer with an
 * API token). Plain TypeScript, no Lit.
 */
import { ErrorCode, ProctorError, messageOf, type ErrorCodeValue } from '../errors.js';
import { computeTrustScore, REVIEW_THRESHOLD, type TrustWeights } from '../monitoring/trust-score.js';
import type { MonitorReport } from '../monitoring/session.js';
import { DEFAULT_OUTBOX_NAME, Outbox } from '../reporting/outbox.js';
import type { ReviewStatus, SessionStatus } from '../statuses.js';
import { baseUrl, endpointUrl } from '../url.js';
import { unreachableReason } from '../reporting/reach.js';

export interface ReportEvidence {
  id: string;
  code: number;
  /** An `EvidenceType`, or a newer type this version does not know. */
  type: string;
  /** Epoch ms. */
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  data?: Record<string, unknown> | null;
  /** A data URL (local), or undefined. */
  photo?: string;
  /** The server's photo address (needs the token); `<ap-report>` fetches it when opened. */
  photoUrl?: string;
  /** The record announced a photo that has not reached the server yet. */
  photoPending?: boolean;
}

export interface ReportData {
  testAttemptId: string;
  clientId?: string;
  /** 0–100; null until the attempt is finished and scored. */
  trustScore: number | null;
  needsReview: boolean | null;
  sessionStatus?: SessionStatus;
  reviewStatus?: ReviewStatus;
  /** Epoch ms. */
  startedAt?: number;
  finishedAt?: number;
  counts: Partial<Record<string, number>>;
  evidence: ReportEvidence[];
  /** Where the data came from. */
  source: 'device' | 'server';
  /** AutoProctor's `userDetails` (e.g. `{name, email}`), when the page gave them (setup option `userDetails`). */
  userDetails?: Record<string, unknown>;
  showHowToVideo?: boolean;
}

/** A `MonitorReport` (`<ap-monitor>.report()`) as report data. */
export function fromMonitorReport(report: MonitorReport): ReportData {
  const finished = report.attempt.finishedAt !== undefined;
  return {
    testAttemptId: report.attempt.testAttemptId,
    clientId: report.attempt.clientId,
    trustScore: finished ? report.score.trustScore : null,
    needsReview: finished ? report.score.needsReview : null,
    sessionStatus: finished ? 'exam_finished' : report.attempt.startedAt !== undefined ? 'exam_started' : undefined,
    startedAt: report.attempt.startedAt,
    finishedAt: report.attempt.finishedAt,
    counts: report.score.counts,
    evidence: report.evidence.map(({ id, code, type, startedAt, endedAt, durationMs, data, photo }) => ({
      id,
      code,
      type,
      startedAt,
      endedAt,
      durationMs,
      data,
      photo,
    })),
    source: 'device',
  };
}

/** Reads an attempt from the device's outbox (IndexedDB) without starting anything. */
export async function fromOutbox(
  testAttemptId: string,
  options: { outboxName?: string; weights?: Partial<TrustWeights> } = {},
): Promise<ReportData> {
  if (typeof indexedDB === 'undefined')
    throw new ProctorError(ErrorCode.INCOMPATIBLE_BROWSER, 'This browser has no IndexedDB: there is no local report.');
  const outbox = await Outbox.open(options.outboxName ?? DEFAULT_OUTBOX_NAME);
  try {
    const attempt = await outbox.getAttempt(testAttemptId);
    // the photos are kept beside their records: the report shows them with their records
    const evidence = (await outbox.all(testAttemptId)).map((r) => {
      const photo = outbox.photo(testAttemptId, r.id)?.dataUrl;
      return photo ? { ...r, photo } : r;
    });
    return {
      ...fromMonitorReport({
        attempt: {
          testAttemptId,
          clientId: attempt?.clientId ?? '',
          startedAt: attempt?.startedAt,
          finishedAt: attempt?.finished?.finishedAt,
        },
        evidence,
        score: computeTrustScore(evidence, options.weights, {
          startedAt: attempt?.startedAt,
          finishedAt: attempt?.finished?.finishedAt,
        }),
      }),
      ...(attempt?.userDetails ? { userDetails: attempt.userDetails } : {}),
      ...(attempt?.showHowToVideo !== undefined ? { showHowToVideo: attempt.showHowToVideo } : {}),
    };
  } finally {
    outbox.close();
  }
}

export interface ServerReportSource {
  /** The results server's origin, e.g. `https://results.example.org/`. */
  endpoint: string;
  /** A reporting API token of the install. */
  token: string;
  installSid: string;
  examSid: string;
  sessionSid: string;
  /** How long each request may wait for the server's answer (ms) before 4111. Default 30 000 (`REQUEST_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/** What `fromServer` reads of SmarterProctoring-style session details (checked against review/api.d.ts in test/types/report-contract.ts). */
export interface ServerSession {
  testAttemptId: string;
  clientId: string | null;
  /** The ProctorExam session status (`status` holds SmarterProctoring's: Scheduled … Closed). */
  sessionStatus?: SessionStatus;
  status: string;
  reviewStatus: ReviewStatus;
  trustScore: number | null;
  reviewRequired: boolean | null;
  counts: Record<string, number> | null;
  recordingStartDate: string | null;
  finishedDate: string | null;
  userDetails?: Record<string, string | number | boolean> | null;
  showHowToVideo?: boolean | null;
}
/** What `fromServer` reads of an event report (checked against review/api.d.ts in test/types/report-contract.ts). */
export interface ServerEvent {
  evidenceId: string;
  code: number;
  type: string;
  startedDate: string;
  endedDate: string | null;
  durationMs: number | null;
  data: Record<string, unknown> | null;
  photoUrl: string | null;
  photoPending?: boolean;
}

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : undefined);

/**
 * The server's answer (its status and headers) to a GET, within `timeoutMs` (default 30 s): a
 * server or link that takes the connection and says nothing would otherwise leave a report page
 * waiting for ever. Unreachable or silent: 4111 (a host that answers without CORS: `unreachableReason`).
 */
async function answer(fetcher: typeof fetch, url: URL, init: RequestInit, timeoutMs = 30_000): Promise<Response> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    return await fetcher(url, { ...init, signal: abort.signal });
  } catch (error) {
    throw new ProctorError(
      ErrorCode.RESULTS_UNREACHABLE,
      abort.signal.aborted
        ? `The results server at ${url.origin} did not answer within ${Math.round(timeoutMs / 1000)} s.`
        : `The results server could not be reached: ${await unreachableReason(url, error, fetcher)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The typed error of a failed read from the results server at `base`: 401/403 → `refused`;
 * 404 with the server's `unknown_…` code (the route exists, the attempt or session does not) →
 * 4118; any other 404 or 405 (no such route: `endpoint` names no results server, e.g. a path
 * too many) → 4107 naming the endpoint, since retrying cannot help; 5xx, 408, 429 → 4111 (try
 * again later); any other 4xx → 4115.
 */
async function readFailure(
  response: Response,
  what: string,
  base: string,
  refused: ErrorCodeValue,
): Promise<ProctorError> {
  const body = (await response.json().catch(() => undefined)) as { code?: string; message?: string } | undefined;
  const { status } = response;
  const said = `${what}: HTTP ${status} ${body?.code ?? ''} ${body?.message ?? ''}`.trim();
  if (status === 404 && body?.code?.startsWith('unknown_')) return new ProctorError(ErrorCode.REPORT_NOT_FOUND, said);
  if (status === 404 || status === 405)
    return new ProctorError(
      ErrorCode.INVALID_OPTION,
      `endpoint ${base} has no results server route there (${said}): give the server's root, e.g. https://exams.example.org/ or https://exams.example.org/proctor/.`,
    );
  return new ProctorError(
    status === 401 || status === 403
      ? refused
      : status >= 500 || status === 408 || status === 429
        ? ErrorCode.RESULTS_UNREACHABLE
        : ErrorCode.RESULTS_REJECTED,
    said,
  );
}

/** Reads a session and all its events from the results server's reporting API (`token` header). */
export async function fromServer(source: ServerReportSource, fetcher: typeof fetch = fetch): Promise<ReportData> {
  let base: string;
  try {
    base = baseUrl(source.endpoint);
  } catch {
    throw new ProctorError(ErrorCode.INVALID_OPTION, `endpoint is not a valid URL: ${String(source.endpoint)}.`);
  }
  for (const key of ['token', 'installSid', 'examSid', 'sessionSid'] as const)
    if (typeof source[key] !== 'string' || !source[key])
      throw new ProctorError(ErrorCode.INVALID_OPTION, `${key} is required to read a report from the results server.`);
  const path = `v1/installs/${encodeURIComponent(source.installSid)}/exams/${encodeURIComponent(source.examSid)}/sessions/${encodeURIComponent(source.sessionSid)}`;
  const get = async <T>(p: string): Promise<T> => {
    const response = await answer(fetcher, new URL(p, base), { headers: { token: source.token } }, source.timeoutMs);
    if (!response.ok) throw await readFailure(response, `GET ${p}`, base, ErrorCode.PERMISSION_DECLINED);
    return (await response.json()) as T;
  };
  const session = await get<ServerSession>(path);
  const events: ServerEvent[] = [];
  for (let offset = 0; ; offset += 500) {
    const list = await get<{ results: ServerEvent[]; total: number }>(`${path}/events?offset=${offset}&limit=500`);
    events.push(...list.results);
    if (!list.results.length || events.length >= list.total) break;
  }
  return {
    testAttemptId: session.testAttemptId,
    clientId: session.clientId ?? undefined,
    trustScore: session.trustScore,
    needsReview: session.reviewRequired ?? (session.trustScore === null ? null : session.trustScore < REVIEW_THRESHOLD),
    sessionStatus: session.sessionStatus ?? (session.status as SessionStatus),
    reviewStatus: session.reviewStatus,
    startedAt: time(session.recordingStartDate),
    finishedAt: time(session.finishedDate),
    counts: session.counts ?? {},
    ...(session.userDetails ? { userDetails: session.userDetails } : {}),
    ...(typeof session.showHowToVideo === 'boolean' ? { showHowToVideo: session.showHowToVideo } : {}),
    evidence: events.map((e) => ({
      id: e.evidenceId,
      code: e.code,
      type: e.type,
      startedAt: time(e.startedDate) ?? 0,
      endedAt: time(e.endedDate),
      durationMs: e.durationMs ?? undefined,
      data: e.data,
      photoUrl: e.photoUrl ? new URL(e.photoUrl.replace(/^\//, ''), base).href : undefined,
      ...(e.photoPending && !e.photoUrl ? { photoPending: true } : {}),
    })),
    source: 'server',
  };
}

/** The attempt's own credentials and its results server: what `fromAttemptServer` reads with. */
export interface AttemptReportSource {
  /** The results server (`endpoint`): an absolute http(s) URL or a path starting with `/`, `./`, `../`. */
  endpoint: string;
  clientId: string;
  testAttemptId: string;
  /** Base64 (or hex) HMAC-SHA256 of the testAttemptId under the client's secret (AutoProctor's). */
  hashedTestAttemptId: string;
  /** How long the request may wait for the server's answer (ms) before 4111. Default 30 000 (`REQUEST_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/** What `fromAttemptServer` reads of `GET /api/v1/attempts/{id}/report` (checked against review/api.d.ts in test/types/report-contract.ts). */
export interface ServerAttemptReport {
  testAttemptId: string;
  clientId: string;
  sessionStatus: string;
  reviewStatus: string;
  trustScore: number | null;
  reviewRequired: boolean | null;
  counts: Record<string, number>;
  startedDate: string | null;
  finishedDate: string | null;
  userDetails: Record<string, string | number | boolean> | null;
  showHowToVideo: boolean | null;
  /** The event report's fields, with the photo inline as a data URL when asked for (`photos=inline`). */
  evidence: (ServerEvent & { photo?: string })[];
}

/**
 * Reads an attempt from the results server with the attempt's own credentials, AutoProctor's model
 * (`x-ap-client-id` + `x-ap-attempt-hash`, no reporting token): `GET
 * /api/v1/attempts/{id}/report?photos=inline`, photos as data URLs. For a page whose outbox does not
 * hold the attempt (a teacher's page on another device). Resolves `undefined` when the server has no
 * such attempt (404 `unknown_attempt`). Errors: 4107 for an invalid endpoint, 4116 when the server
 * refuses the credentials (401/403), 4111 unreachable or any other failure (the server's code and
 * message in the message).
 */
export async function fromAttemptServer(
  source: AttemptReportSource,
  fetcher: typeof fetch = (...args) => fetch(...args),
): Promise<ReportData | undefined> {
  let base: string;
  try {
    base = endpointUrl(source.endpoint);
  } catch (error) {
    throw new ProctorError(ErrorCode.INVALID_OPTION, messageOf(error));
  }
  const url = new URL(`api/v1/attempts/${encodeURIComponent(source.testAttemptId)}/report?photos=inline`, base);
  const response = await answer(
    fetcher,
    url,
    {
      headers: { 'x-ap-client-id': source.clientId, 'x-ap-attempt-hash': source.hashedTestAttemptId },
      cache: 'no-store',
    },
    source.timeoutMs,
  );
  if (!response.ok) {
    const failure = await readFailure(response, `GET ${url.pathname}`, base, ErrorCode.RESULTS_FORBIDDEN);
    if (failure.code === ErrorCode.REPORT_NOT_FOUND) return undefined;
    throw failure;
  }
  const report = (await response.json()) as ServerAttemptReport;
  return {
    testAttemptId: report.testAttemptId,
    clientId: report.clientId,
    trustScore: report.trustScore,
    needsReview: report.reviewRequired,
    sessionStatus: report.sessionStatus as SessionStatus,
    reviewStatus: report.reviewStatus as ReviewStatus,
    startedAt: time(report.startedDate),
    finishedAt: time(report.finishedDate),
    counts: report.counts,
    ...(report.userDetails ? { userDetails: report.userDetails } : {}),
    ...(typeof report.showHowToVideo === 'boolean' ? { showHowToVideo: report.showHowToVideo } : {}),
    evidence: report.evidence.map((e) => ({
      id: e.evidenceId,
      code: e.code,
      type: e.type,
      startedAt: time(e.startedDate) ?? 0,
      endedAt: time(e.endedDate),
      durationMs: e.durationMs ?? undefined,
      data: e.data,
      ...(e.photo ? { photo: e.photo } : {}),
      ...(e.photoPending && !e.photo ? { photoPending: true } : {}),
    })),
    source: 'server',
  };
}
