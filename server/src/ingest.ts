/**
 * Client ingest, used by the package's HttpBackend: create an attempt (AutoProctor's HMAC),
 * append evidence batches (idempotent by evidence id), photos, session statuses, finish.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database, Queryable } from './db.js';
import { scoreSession } from './verdict.js';
import { HttpError, errorResponses, errorSchema } from './errors.js';
import { ATTEMPT_HASH_SCHEME, eventReportSid, sid, verifyAttemptHash } from './ids.js';
import { EXAM_STATUS_SQL } from './admin.js';
import { attemptRateLimiter, type AttemptRateLimiter } from './rate-limit.js';
import { NEXT_CHANGE, closeOngoingEvents, lockEvidenceWriters } from './event-changes.js';
import {
  CHECK_NAMES,
  CHECK_STATUSES,
  EvidenceCode,
  REVIEW_THRESHOLD,
  SESSION_STATUSES as SESSION_STATUS_VALUES,
} from 'proctor-elements/vocabulary';

export interface IngestOptions {
  db: Database;
  /** Ingest requests allowed per attempt per second (burst: 3× that). */
  ratePerSecond: number;
  /** Largest photo (bytes). */
  photoLimit: number;
  /** The server's per-attempt limiter (default: one of this route set's own, at `ratePerSecond`). */
  limiter?: AttemptRateLimiter;
}

// the package's own vocabularies: one source of truth for client and server
const EVIDENCE_TYPES = Object.keys(EvidenceCode);
const SESSION_STATUSES = [...SESSION_STATUS_VALUES];

const attemptId = { type: 'string', minLength: 1, maxLength: 200 } as const;
/** Latest instant accepted (ms): the end of year 9999, as PostgreSQL's timestamptz and ISO strings hold it. */
const MAX_TIME = 253_402_300_799_999;
/** The longest string value in a record's `data` (characters). */
const MAX_DATA_STRING = 2000;
/** The earliest `finishedAt` taken (2000-01-01, epoch ms): `1` or `0` is a client bug, not a time. */
const EARLIEST_FINISH = 946_684_800_000;
/** How far a finish may precede the attempt's recorded start (clock adjustments of the page's device). */
const FINISH_SKEW_MS = 10 * 60_000;
const recordSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'attemptId', 'seq', 'code', 'type', 'startedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    attemptId,
    seq: { type: 'integer', minimum: 1 },
    code: { type: 'integer', minimum: 5000, maximum: 5999 },
    type: { type: 'string', enum: EVIDENCE_TYPES },
    startedAt: { type: 'number', minimum: 0, maximum: MAX_TIME },
    endedAt: { type: 'number', minimum: 0, maximum: MAX_TIME },
    durationMs: { type: 'number', minimum: 0, maximum: 2_147_483_647 }, // an integer column (ms): 24 days
    // a record's details (a tab's title, a key name): 20 entries, strings ≤ 2 000 characters
    data: {
      type: 'object',
      maxProperties: 20,
      additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: MAX_DATA_STRING },
    },
    photo: {
      type: 'string',
      maxLength: 200_000,
      pattern: '^data:image/jpeg;base64,',
      description: 'The photo inline (older clients); newer clients send photoPending and PUT the photo apart',
    },
    photoPending: {
      type: 'boolean',
      description: 'true: the photo follows through PUT …/photos/{id}; the event report says so until it lands',
    },
  },
} as const;

interface EvidenceRecord {
  id: string;
  attemptId: string;
  seq: number;
  code: number;
  type: string;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  data?: Record<string, unknown>;
  photo?: string;
  photoPending?: boolean;
}

/** Codes stored before full-screen exit became AutoProctor's 5009 (it was 5100): still accepted. */
const LEGACY_CODES: Record<string, number[]> = { fullscreen_exit: [5100] };
const codeFits = (type: string, code: number) =>
  EvidenceCode[type as keyof typeof EvidenceCode] === code || (LEGACY_CODES[type] ?? []).includes(code);
const isJpegDataUrl = (url: string) => {
  const b64 = url.slice(url.indexOf(',') + 1);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  const head = Buffer.from(b64.slice(0, 8), 'base64');
  return head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
};

const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());
/** Path parameters of the attempt routes (`/api/v1/attempts/:testAttemptId…`): the exam platform's attempt id. */
export const attemptParams = {
  type: 'object',
  required: ['testAttemptId'],
  properties: { testAttemptId: attemptId },
} as const;
/** Path parameters of an attempt's photo routes (`…/photos/:evidenceId`): the attempt, and the record's uuid. */
export const photoParams = {
  type: 'object',
  required: ['testAttemptId', 'evidenceId'],
  properties: { testAttemptId: attemptId, evidenceId: { type: 'string', format: 'uuid' } },
} as const;
/**
 * OpenAPI `security` of every attempt route: the credentials in headers, or (the pagehide beacon,
 * which cannot set headers) in the query as `clientId` and `hash`; see {@link authenticateAttempt}.
 */
export const attemptSecurity: Record<string, string[]>[] = [
  { clientId: [], attemptHash: [] },
  { clientIdQuery: [], attemptHashQuery: [] },
];
const security = attemptSecurity;
/**
 * Request bodies of the attempt routes: JSON, or the same JSON as text/plain (what
 * navigator.sendBeacon sends: a CORS simple request, with the credentials in the query).
 */
const BEACON_CONSUMES = ['application/json', 'text/plain'];

const photoAnswer = {
  type: 'object',
  properties: {
    stored: { type: 'boolean', description: 'false: the record already had its photo (a repeat); nothing replaced' },
    bytes: { type: 'integer' },
  },
} as const;

/** Which timestamp a client-set status stamps (first time only). */
const STATUS_STAMP: Record<string, string | undefined> = {
  after_check_req: 'system_check_end_at',
  in_setup: 'setup_at',
  exam_started: 'in_progress_at',
  exam_finished: 'finished_at',
};

/**
 * Authenticates a request for one attempt as AutoProctor does: the client id and the hashed attempt
 * id (HMAC-SHA256 of the testAttemptId under the client's secret, see ids.ts) are the credential,
 * from the `x-ap-client-id` / `x-ap-attempt-hash` headers, the `clientId` / `hash` query (the
 * pagehide beacon), or the arguments. 401 `unauthenticated` without them; 403 `forbidden` for an
 * unknown client, a hash of another attempt or another client, or a malformed hash (the same answer:
 * nothing to probe).
 */
export async function authenticateAttempt(
  db: Database,
  request: FastifyRequest,
  testAttemptId: string,
  clientId?: string,
  hash?: string,
) {
  const headers = request.headers;
  const query = request.query as Record<string, string | undefined>;
  clientId ??= (headers['x-ap-client-id'] as string | undefined) ?? query.clientId;
  hash ??= (headers['x-ap-attempt-hash'] as string | undefined) ?? query.hash;
  if (!clientId || !hash)
    throw new HttpError(401, 'unauthenticated', 'The client id and the hashed attempt id are required.');
  const [client] = await db.query<{ secret: string; install_sid: string; exam_sid: string | null }>(
    'select secret, install_sid, exam_sid from clients where client_id = $1',
    [clientId],
  );
  // the same answer for an unknown client and a wrong hash: nothing to probe
  // the encoding is checked before the client is looked up: the answer tells nothing about it
  const verdict = verifyAttemptHash(client?.secret ?? '', testAttemptId, hash);
  if (verdict === 'malformed')
    throw new HttpError(403, 'forbidden', `The hashed attempt id must be ${ATTEMPT_HASH_SCHEME}.`);
  if (!client || verdict !== true)
    throw new HttpError(
      403,
      'forbidden',
      `The hashed attempt id does not match this client and attempt (expected ${ATTEMPT_HASH_SCHEME}).`,
    );
  return { clientId, client };
}

/** A page clock closer than this to the server's is taken as right (request latency is noise). */
export const CLOCK_SKEW_MIN_MS = 10_000;
/** A new measurement that far from the stored one means the page's clock was set: it replaces it. */
const CLOCK_SKEW_CHANGE_MS = 30_000;

/**
 * The exam page's clock against the server's (ms, server minus page), from the request's `sentAt`
 * query parameter (the page's Date.now() when it sent the request; HttpBackend adds it to every
 * request and beacon), or undefined without a usable one. A candidate's laptop clock can be minutes
 * or days off; its times (startedAt, endedAt, finishedAt) are stored corrected by this, so session
 * details, durations and the finish's bounds use the server's time.
 */
export function measuredClockSkew(request: FastifyRequest): number | undefined {
  const sentAt = (request.query as Record<string, unknown>).sentAt;
  if (typeof sentAt !== 'string' || !/^\d{12,15}$/.test(sentAt)) return undefined;
  return Date.now() - Number(sentAt);
}

/**
 * The correction for a session's page times: the stored skew, replaced by this request's
 * measurement when there was none or the page's clock was set since; 0 when under
 * {@link CLOCK_SKEW_MIN_MS}.
 */
async function clockSkew(db: Queryable, request: FastifyRequest, session: { sid: string; clock_skew_ms: unknown }) {
  const measured = measuredClockSkew(request);
  let skew = session.clock_skew_ms === null ? undefined : Number(session.clock_skew_ms);
  if (measured !== undefined && (skew === undefined || Math.abs(measured - skew) > CLOCK_SKEW_CHANGE_MS)) {
    skew = measured;
    await db.query('update sessions set clock_skew_ms = $2 where sid = $1', [session.sid, Math.round(measured)]);
  }
  return skew !== undefined && Math.abs(skew) >= CLOCK_SKEW_MIN_MS ? Math.round(skew) : 0;
}

export function ingestRoutes(app: FastifyInstance, options: IngestOptions) {
  const { db, ratePerSecond, photoLimit } = options;

  // --- per-attempt rate limit (token bucket; in PostgreSQL, shared by every instance) ------------
  const limiter = options.limiter ?? attemptRateLimiter(db, ratePerSecond);

  // --- authentication of an attempt: client id + AutoProctor's HMAC ---------------------------
  const authenticate = (request: FastifyRequest, testAttemptId: string, clientId?: string, hash?: string) =>
    authenticateAttempt(db, request, testAttemptId, clientId, hash);

  async function sessionOf(request: FastifyRequest, testAttemptId: string) {
    const { clientId } = await authenticate(request, testAttemptId);
    // the bucket (a round trip on PostgreSQL) and the session are read side by side
    const [, [session]] = await Promise.all([
      limiter.take(`${clientId}/${testAttemptId}`),
      db.query<{
        sid: string;
        status: string;
        closed_at: Date | null;
        close_reason: string | null;
        clock_skew_ms: string | null;
      }>(
        'select sid, status, closed_at, close_reason, clock_skew_ms from sessions where client_id = $1 and test_attempt_id = $2',
        [clientId, testAttemptId],
      ),
    ]);
    if (!session) throw new HttpError(404, 'unknown_attempt', `No attempt "${testAttemptId}": create it first.`);
    return session;
  }

  app.post<{
    Body: {
      clientId: string;
      testAttemptId: string;
      hashedTestAttemptId: string;
      startedAt?: number;
      trackingOptions?: Record<string, unknown>;
      checks?: { passed: boolean; statuses: Record<string, string>; completedAt: number };
      userDetails?: Record<string, string | number | boolean>;
      showHowToVideo?: boolean;
    };
  }>(
    '/api/v1/attempts',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Create (or resume) an attempt',
        description:
          "Verifies hashedTestAttemptId = HMAC-SHA256(client secret, testAttemptId) as Base64 (standard or base64url) or hex, in constant time; anything else: 403 naming the scheme. testAttemptId: 1–200 characters, and every later route accepts exactly the ids accepted here. Claims the candidate's registered session when the exam has one; repeats return the same session.",
        consumes: BEACON_CONSUMES,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['clientId', 'testAttemptId', 'hashedTestAttemptId'],
          properties: {
            clientId: { type: 'string', minLength: 1, maxLength: 200 },
            testAttemptId: attemptId,
            hashedTestAttemptId: { type: 'string', minLength: 1, maxLength: 200 },
            startedAt: { type: 'number', minimum: 0, maximum: MAX_TIME, description: 'epoch ms (default: now)' },
            trackingOptions: {
              type: 'object',
              maxProperties: 30,
              additionalProperties: { type: ['boolean', 'number'] },
            },
            checks: {
              type: 'object',
              description: "The requirements check's outcome: each check's status and when the checks ended",
              additionalProperties: false,
              required: ['passed', 'statuses', 'completedAt'],
              properties: {
                passed: { type: 'boolean' },
                completedAt: { type: 'number', minimum: 0, maximum: MAX_TIME, description: 'epoch ms' },
                statuses: {
                  type: 'object',
                  additionalProperties: false,
                  properties: Object.fromEntries(
                    CHECK_NAMES.map((n) => [n, { type: 'string', enum: [...CHECK_STATUSES] }]),
                  ),
                },
              },
            },
            userDetails: {
              type: 'object',
              description:
                "Who the candidate is, as the exam platform knows them (AutoProctor's userDetails, e.g. {name, email}): at most 20 keys of 1–64 characters; values strings (≤ 500 characters), numbers or booleans. Kept when a later call omits it.",
              maxProperties: 20,
              additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: 500 },
            },
            showHowToVideo: { type: 'boolean', description: "AutoProctor's showHowToVideo, as the page was set up" },
          },
        },
        response: {
          201: { type: 'object', properties: { sessionSid: { type: 'string' } } },
          409: errorSchema,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { client } = await authenticate(request, body.testAttemptId, body.clientId, body.hashedTestAttemptId);
      await limiter.take(`${body.clientId}/${body.testAttemptId}`);
      const find = async () =>
        (
          await db.query<{ sid: string }>('select sid from sessions where client_id = $1 and test_attempt_id = $2', [
            body.clientId,
            body.testAttemptId,
          ])
        )[0];
      let session = await find();
      // the page's clock, corrected (see clockSkew): measured on this request, kept for the session
      const measured = measuredClockSkew(request);
      const skew = measured !== undefined && Math.abs(measured) >= CLOCK_SKEW_MIN_MS ? Math.round(measured) : 0;
      const checks = body.checks
        ? [JSON.stringify({ passed: body.checks.passed, ...body.checks.statuses }), iso(body.checks.completedAt + skew)]
        : [null, null];
      if (session && body.checks)
        await db.query('update sessions set checks = $2, system_check_end_at = $3, updated_at = now() where sid = $1', [
          session.sid,
          ...checks,
        ]);
      // "." and ".." are path segments URL parsers resolve away: an attempt so named could never be reached
      if (body.testAttemptId === '.' || body.testAttemptId === '..')
        throw new HttpError(
          400,
          'invalid_request',
          `body/testAttemptId: "${body.testAttemptId}" cannot be used (URLs resolve it away); choose another id.`,
        );
      const longKey = Object.keys(body.userDetails ?? {}).find((k) => !k || k.length > 64);
      if (longKey !== undefined)
        throw new HttpError(400, 'invalid_request', 'body/userDetails: every key must be 1–64 characters long.');
      const candidate = [
        body.userDetails ? JSON.stringify(body.userDetails) : null,
        typeof body.showHowToVideo === 'boolean' ? body.showHowToVideo : null,
      ];
      if (session && (body.userDetails || body.showHowToVideo !== undefined))
        await db.query(
          `update sessions set user_details = coalesce($2::jsonb, user_details),
             show_how_to_video = coalesce($3, show_how_to_video), updated_at = now() where sid = $1`,
          [session.sid, ...candidate],
        );
      if (!session) {
        if (client.exam_sid) {
          const [exam] = await db.query<{ status: string }>(
            `select ${EXAM_STATUS_SQL()} as status from exams e where e.sid = $1`,
            [client.exam_sid],
          );
          if (exam.status !== 'open')
            throw new HttpError(
              409,
              `exam_${exam.status === 'closed' ? 'closed' : 'not_open'}`,
              `The exam is ${exam.status}: attempts cannot start.`,
            );
        }
        const options = JSON.stringify(body.trackingOptions ?? {});
        const startedAt = iso(body.startedAt === undefined ? Date.now() : body.startedAt + skew);
        // a candidate registered ahead (no client yet) is claimed by their first attempt
        const claimed = client.exam_sid
          ? await db.query<{ sid: string }>(
              `update sessions set client_id = $1, tracking_options = $4, started_at = $5, checks = $6,
                 system_check_end_at = $7, user_details = $8, show_how_to_video = $9, updated_at = now()
               where exam_sid = $2 and test_attempt_id = $3 and client_id is null returning sid`,
              [body.clientId, client.exam_sid, body.testAttemptId, options, startedAt, ...checks, ...candidate],
            )
          : [];
        if (!claimed.length)
          await db.query(
            `insert into sessions (sid, install_sid, exam_sid, client_id, test_attempt_id, tracking_options, started_at,
               checks, system_check_end_at, user_details, show_how_to_video)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict do nothing`,
            [
              sid('ES'),
              client.install_sid,
              client.exam_sid,
              body.clientId,
              body.testAttemptId,
              options,
              startedAt,
              ...checks,
              ...candidate,
            ],
          );
        session = await find();
        if (!session)
          throw new HttpError(409, 'attempt_taken', `Attempt "${body.testAttemptId}" belongs to another client.`);
      }
      if (measured !== undefined)
        await db.query('update sessions set clock_skew_ms = $2 where sid = $1', [session.sid, Math.round(measured)]);
      return reply.status(201).send({ sessionSid: session.sid });
    },
  );

  app.post<{ Params: { testAttemptId: string }; Body: { records: EvidenceRecord[] } }>(
    '/api/v1/attempts/:testAttemptId/evidence',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Append a batch of evidence records',
        description: [
          'Idempotent by record id within the attempt (ids are scoped to the session: the same id in another attempt or install is another record). A replayed record is counted in `duplicates` and stored once.',
          'A record may be sent when it begins (no endedAt) and again with the same id once it ends: the end (endedAt, durationMs, data) completes the stored record if it has none yet and counts as `accepted`; otherwise the replay is a duplicate.',
          'A record may carry photoPending: true instead of an inline photo; the photo then comes through PUT …/photos/{evidenceId}.',
          'After finish, a batch holding a new record id is refused whole with 409 attempt_finished; completions of records stored before finish, and replays, are still accepted (they do not change the verdict).',
          'A rejected batch stores nothing.',
          'The beacon form (navigator.sendBeacon on pagehide, which can set no headers and, to stay a CORS simple request, no JSON content type): the same JSON body as text/plain, with the credentials in the query (clientId, hash).',
          "Every attempt route takes sentAt in its query (the page's Date.now() when it sent the request, epoch ms; HttpBackend adds it): the page's times are then stored on the server's clock when the two are 10 s or more apart.",
        ].join(' '),
        consumes: BEACON_CONSUMES,
        security,
        params: attemptParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['records'],
          properties: { records: { type: 'array', minItems: 1, maxItems: 500, items: recordSchema } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              accepted: { type: 'integer', description: 'records stored or completed by this batch' },
              duplicates: { type: 'integer', description: 'records already stored as sent (nothing changed)' },
            },
          },
          409: errorSchema,
          413: errorSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { testAttemptId } = request.params;
      const session = await sessionOf(request, testAttemptId);
      // the page's times on the server's clock (see clockSkew)
      const skew = await clockSkew(db, request, session);
      const records = skew
        ? request.body.records.map((r) => ({
            ...r,
            startedAt: r.startedAt + skew,
            ...(r.endedAt !== undefined ? { endedAt: r.endedAt + skew } : {}),
          }))
        : request.body.records;
      const foreign = records.find((r) => r.attemptId !== testAttemptId);
      if (foreign)
        throw new HttpError(
          400,
          'invalid_request',
          `body/records: record ${foreign.id} belongs to attempt "${foreign.attemptId}", not "${testAttemptId}".`,
        );
      // a record must say the same thing twice (code and type), end after it starts, and carry a real image
      records.forEach((r, i) => {
        const at = `body/records/${i}`;
        if (!codeFits(r.type, r.code))
          throw new HttpError(
            400,
            'invalid_request',
            `${at}/code: record ${r.id} has code ${r.code}, but type "${r.type}" is ${EvidenceCode[r.type as keyof typeof EvidenceCode]}.`,
          );
        if (r.endedAt !== undefined && r.endedAt < r.startedAt)
          throw new HttpError(
            400,
            'invalid_request',
            `${at}/endedAt: record ${r.id} ends before it starts (startedAt).`,
          );
        if (r.photo !== undefined && !isJpegDataUrl(r.photo))
          throw new HttpError(400, 'invalid_photo', `${at}/photo: record ${r.id}'s photo is not a base64 JPEG image.`);
      });
      const both = records.find((r) => r.photo !== undefined && r.photoPending);
      if (both)
        throw new HttpError(
          400,
          'invalid_request',
          `body/records: record ${both.id} has an inline photo and photoPending: send one or the other.`,
        );
      // one id once per batch: a later copy that carries the end wins over an open one
      const byId = new Map<string, EvidenceRecord>();
      for (const r of records) {
        const id = r.id.toLowerCase();
        const seen = byId.get(id);
        if (!seen || (seen.endedAt === undefined && r.endedAt !== undefined)) byId.set(id, { ...r, id });
      }
      const accepted = await db.transaction(async (tx) => {
        // shares the session row with other batches; finish (which updates it) waits, and so do we
        const [locked] = await tx.query<{ closed_at: Date | null; close_reason: string | null }>(
          'select closed_at, close_reason from sessions where sid = $1 for share',
          [session.sid],
        );
        const existing = new Map(
          (
            await tx.query<{ id: string; open: boolean }>(
              'select id::text as id, ended_at is null as open from evidence where session_sid = $1 and id = any($2::uuid[])',
              [session.sid, [...byId.keys()]],
            )
          ).map((r) => [r.id, r.open]),
        );
        const fresh = [...byId.values()].filter((r) => !existing.has(r.id));
        const completions = [...byId.values()].filter((r) => existing.get(r.id) === true && r.endedAt !== undefined);
        // a session closed as abandoned (or cancelled as never started) still stores what its page
        // sends late (listed, the verdict stays)
        if (locked.closed_at && locked.close_reason === 'finished' && fresh.length)
          throw new HttpError(
            409,
            'attempt_finished',
            `Attempt "${testAttemptId}" is finished: ${fresh.length} new record(s) refused (only the ends of records stored before finish, and photos, are still accepted).`,
          );
        let count = 0;
        // one writer of evidence changes at a time, until commit: created_seq (createdDate) and
        // change_seq (changeSeq) then grow in commit order, so a reader paging by either never sees a
        // smaller one appear behind its cursor
        if (fresh.length || completions.length) await lockEvidenceWriters(tx);
        if (fresh.length) {
          const values: unknown[] = [];
          const rows = fresh.map((r, i) => {
            values.push(r.id, session.sid, eventReportSid(session.sid, r.id), r.seq, r.code, r.type);
            values.push(iso(r.startedAt), iso(r.endedAt), r.durationMs === undefined ? null : Math.round(r.durationMs));
            values.push(r.data ? JSON.stringify(r.data) : null, r.photo ?? null, r.photoPending === true);
            return `(${Array.from({ length: 12 }, (_, k) => `$${i * 12 + k + 1}`).join(', ')}, clock_timestamp())`;
          });
          const inserted = await tx.query<{ id: string }>(
            // received_at (createdDate) read now, under the lock: it grows with created_seq (now() would be
            // the transaction's start, which another writer's commit can overtake)
            `insert into evidence (id, session_sid, report_sid, seq, code, type, started_at, ended_at, duration_ms, data,
               photo, photo_pending, received_at)
             values ${rows.join(', ')} on conflict (session_sid, id) do nothing returning id`,
            values,
          );
          count += inserted.length;
        }
        for (const r of completions) {
          const done = await tx.query(
            `update evidence set ended_at = $3, duration_ms = $4, data = coalesce($5::jsonb, data),
               photo = coalesce(photo, $6), photo_pending = photo_pending or $7, ${NEXT_CHANGE}
             where session_sid = $1 and id = $2 and ended_at is null returning id`,
            [
              session.sid,
              r.id,
              iso(r.endedAt),
              r.durationMs === undefined ? null : Math.round(r.durationMs),
              r.data ? JSON.stringify(r.data) : null,
              r.photo ?? null,
              r.photoPending === true,
            ],
          );
          count += done.length;
        }
        return count;
      });
      return { accepted, duplicates: records.length - accepted };
    },
  );

  // `pagehide` beacons: navigator.sendBeacon always sends credentials, so a JSON content type would
  // need a credentialed CORS preflight that a wildcard origin cannot pass; the client sends the
  // same JSON as text/plain (a simple request, no preflight), with the credentials in the query
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new HttpError(400, 'invalid_request', 'A text/plain body must hold JSON (the beacon form of a request).'));
    }
  });

  // photos: raw JPEG/PNG bodies up to photoLimit bytes (413 above), keyed by the evidence id
  for (const type of ['image/jpeg', 'image/png'])
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: photoLimit }, (_req, body, done) =>
      done(null, body),
    );
  app.put<{ Params: { testAttemptId: string; evidenceId: string }; Body: Buffer }>(
    '/api/v1/attempts/:testAttemptId/photos/:evidenceId',
    {
      bodyLimit: photoLimit,
      schema: {
        tags: ['ingest'],
        summary: 'Store the photo of one evidence record',
        description: [
          `Body: the image itself (content-type image/jpeg or image/png), at most ${photoLimit} bytes.`,
          'Only for a record of this attempt, already stored (send the record first): anything else is 404 unknown_evidence.',
          'Idempotent: the first photo is kept; a repeat (or a photo for a record that has one inline) answers 200 with stored: false.',
          'After finish, accepted for records stored with photoPending: true (409 attempt_finished for the others).',
        ].join(' '),
        security,
        params: photoParams,
        response: {
          200: photoAnswer,
          201: photoAnswer,
          409: errorSchema,
          413: errorSchema,
          415: errorSchema,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const session = await sessionOf(request, request.params.testAttemptId);
      const evidenceId = request.params.evidenceId.toLowerCase();
      const body = request.body;
      // media types are case-insensitive (RFC 9110 8.3.1)
      const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
      if (!Buffer.isBuffer(body) || (type !== 'image/jpeg' && type !== 'image/png'))
        throw new HttpError(415, 'unsupported_media_type', 'A photo must be sent as image/jpeg or image/png.');
      const magicOk =
        type === 'image/jpeg'
          ? body[0] === 0xff && body[1] === 0xd8
          : body.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      if (!magicOk) throw new HttpError(400, 'invalid_photo', `The body is not a ${type} image.`);
      const [record] = await db.query<{ inline: boolean; photo_pending: boolean }>(
        'select photo is not null as inline, photo_pending from evidence where session_sid = $1 and id = $2',
        [session.sid, evidenceId],
      );
      if (!record)
        throw new HttpError(
          404,
          'unknown_evidence',
          `Attempt "${request.params.testAttemptId}" has no evidence record ${evidenceId}: deliver the record before its photo.`,
        );
      if (session.closed_at && !record.photo_pending)
        throw new HttpError(
          409,
          'attempt_finished',
          `Attempt "${request.params.testAttemptId}" is finished and record ${evidenceId} announced no pending photo.`,
        );
      if (record.inline) return reply.status(200).send({ stored: false, bytes: body.length });
      const stored = await db
        .transaction(async (tx) => {
          const inserted = await tx.query(
            `insert into photos (evidence_id, session_sid, content_type, bytes) values ($1, $2, $3, $4)
           on conflict (session_sid, evidence_id) do nothing returning evidence_id`,
            [evidenceId, session.sid, type, body],
          );
          if (!inserted.length) return false;
          // the event report changed (its photo landed): a sync job paging by changeSeq sees it again
          await lockEvidenceWriters(tx);
          await tx.query(`update evidence set ${NEXT_CHANGE} where session_sid = $1 and id = $2`, [
            session.sid,
            evidenceId,
          ]);
          return true;
        })
        .catch(async (error: unknown) => {
          // over a photo quota (the database's trigger, AP403) the photo will never be stored: the
          // record stops announcing it, so reviewers and sync jobs do not wait for it for ever; with
          // the attempt's photo count used up, no announced photo of it can ever be stored
          if ((error as { code?: unknown }).code === 'AP403')
            await db.transaction(async (tx) => {
              await lockEvidenceWriters(tx);
              await tx.query(
                `update evidence set photo_pending = false, ${NEXT_CHANGE} where session_sid = $1 and photo_pending
                   and (id = $2 or (select count(*) from photos where session_sid = $1)
                     >= (select value from quota_settings where name = 'photos_per_attempt'))`,
                [session.sid, evidenceId],
              );
            });
          throw error;
        });
      return reply.status(stored ? 201 : 200).send({ stored, bytes: body.length });
    },
  );

  app.post<{
    Params: { testAttemptId: string };
    Body: { finishedAt?: number; trustScore?: number; counts?: Record<string, number> };
  }>(
    '/api/v1/attempts/:testAttemptId/finish',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Finish an attempt: the server computes its Trust Score',
        description: [
          "The server computes the Trust Score and the counts from the evidence it stored, with the package's computeTrustScore and its default weights (a record still open at finish counts until finishedAt); reviewRequired is trustScore < 85. A face missing (no_face and camera_lost time) for half of the exam or more caps the score at 84, whatever the exam's length.",
          "The client's trustScore and counts are advisory: kept as clientTrustScore / clientCounts, never used for the verdict.",
          'Sets the session to exam_finished and its review status from uncertain to unreviewed.',
          'Idempotent: a repeat answers the stored result and changes nothing. After finish, new evidence is refused (409 attempt_finished); ends of records stored before finish, and their pending photos, are accepted.',
        ].join(' '),
        security,
        consumes: BEACON_CONSUMES,
        params: attemptParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            finishedAt: {
              type: 'number',
              minimum: EARLIEST_FINISH,
              maximum: MAX_TIME,
              description:
                'epoch ms (default: now); from 2000 on, not before the attempt started (10 minutes of clock skew allowed) and at most a day ahead of the server',
            },
            trustScore: { type: 'integer', minimum: 0, maximum: 100, description: "advisory: the client's own figure" },
            counts: {
              type: 'object',
              maxProperties: 30,
              additionalProperties: { type: 'integer', minimum: 0 },
              description: "advisory: the client's own counts",
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              sessionSid: { type: 'string' },
              trustScore: { type: 'integer', description: "the server's, from the stored evidence" },
              reviewRequired: { type: 'boolean' },
              counts: { type: 'object', additionalProperties: { type: 'integer' } },
              evidenceCount: { type: 'integer', description: 'records the verdict was computed from' },
              finishedDate: { type: 'string', format: 'date-time' },
              clientTrustScore: { type: ['integer', 'null'] },
              alreadyFinished: { type: 'boolean', description: 'true for a repeat: nothing changed' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const session = await sessionOf(request, request.params.testAttemptId);
      const skew = await clockSkew(db, request, session);
      const { trustScore: clientScore, counts: clientCounts } = request.body ?? {};
      // the page's time on the server's clock (see clockSkew)
      const finishedAt = request.body?.finishedAt === undefined ? Date.now() : request.body.finishedAt + skew;
      return db.transaction(async (tx) => {
        // the session row is locked: concurrent finishes and evidence batches wait for this one
        const [current] = await tx.query<{
          closed_at: Date | null;
          close_reason: string | null;
          finished_at: Date | null;
          trust_score: number;
          counts: Record<string, number>;
          client_trust_score: number | null;
          started_at: Date | null;
        }>(
          'select closed_at, close_reason, finished_at, trust_score, counts, client_trust_score, started_at from sessions where sid = $1 for update',
          [session.sid],
        );
        // a finish before the attempt's start (the earlier of its recorded start and its first record:
        // the page's clock, both) or far in the future is no finish
        const given = request.body?.finishedAt !== undefined; // the server's own now is not checked against the page's clock
        let startedMs = current.started_at ? new Date(current.started_at).getTime() : undefined;
        if (given && startedMs !== undefined && finishedAt < startedMs - FINISH_SKEW_MS) {
          const [first] = await tx.query<{ at: Date | null }>(
            'select min(started_at) as at from evidence where session_sid = $1',
            [session.sid],
          );
          if (first?.at) startedMs = Math.min(startedMs, new Date(first.at).getTime());
          if (finishedAt < startedMs - FINISH_SKEW_MS)
            throw new HttpError(
              400,
              'invalid_request',
              `body/finishedAt (${iso(finishedAt)}) is before the attempt started (${iso(startedMs)}).`,
            );
        }
        if (given && finishedAt > Date.now() + 86_400_000)
          throw new HttpError(
            400,
            'invalid_request',
            `body/finishedAt (${iso(finishedAt)}) is more than a day after the server's time.`,
          );
        // Closed is terminal: a repeated finish, or a late one after the session was closed as
        // abandoned (abandon.ts), answers the verdict already given
        // a session cancelled as never started (abandon.ts) that the page finishes after all is
        // scored now, like any finish
        if (current.closed_at && current.close_reason !== 'not_started') {
          // the page of an abandoned session did finish after all: the session says so (finishedDate,
          // exam_finished), while its verdict, given at the abandonment, stays
          if (current.close_reason === 'abandoned' && !current.finished_at) {
            await tx.query(
              `update sessions set finished_at = $2, status = 'exam_finished', updated_at = now() where sid = $1`,
              [session.sid, iso(finishedAt)],
            );
            current.finished_at = new Date(finishedAt);
          }
          const [{ n }] = await tx.query<{ n: number }>(
            'select count(*)::int as n from evidence where session_sid = $1',
            [session.sid],
          );
          return {
            sessionSid: session.sid,
            trustScore: current.trust_score,
            reviewRequired: current.trust_score < REVIEW_THRESHOLD,
            counts: current.counts ?? {},
            evidenceCount: n,
            finishedDate: new Date(current.finished_at ?? current.closed_at).toISOString(),
            clientTrustScore: current.client_trust_score,
            alreadyFinished: true,
          };
        }
        const { verdict, evidenceCount } = await scoreSession(
          tx,
          session.sid,
          request.params.testAttemptId,
          finishedAt,
          // the face rule needs the exam's span: a face missing for half of it or more means review
          current.started_at ? new Date(current.started_at).getTime() : undefined,
        );
        await closeOngoingEvents(tx, session.sid);
        await tx.query(
          `update sessions set closed_at = now(), close_reason = 'finished', finished_at = $2, trust_score = $3, counts = $4,
             client_trust_score = $5, client_counts = $6, status = 'exam_finished', updated_at = now(),
             review_status = case when review_status = 'uncertain' then 'unreviewed' else review_status end
           where sid = $1`,
          [
            session.sid,
            iso(finishedAt),
            verdict.trustScore,
            JSON.stringify(verdict.counts),
            clientScore ?? null,
            clientCounts ? JSON.stringify(clientCounts) : null,
          ],
        );
        return {
          sessionSid: session.sid,
          trustScore: verdict.trustScore,
          reviewRequired: verdict.needsReview,
          counts: verdict.counts,
          evidenceCount,
          finishedDate: iso(finishedAt),
          clientTrustScore: clientScore ?? null,
          alreadyFinished: false,
        };
      });
    },
  );

  app.put<{ Params: { testAttemptId: string }; Body: { status: string } }>(
    '/api/v1/attempts/:testAttemptId/status',
    {
      schema: {
        tags: ['ingest'],
        summary: "Set the candidate's session status",
        description: 'ProctorExam session statuses. A finished session keeps exam_finished (409 for any other status).',
        security,
        consumes: BEACON_CONSUMES,
        params: attemptParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['status'],
          properties: { status: { type: 'string', enum: SESSION_STATUSES } },
        },
        response: {
          200: { type: 'object', properties: { sessionSid: { type: 'string' }, status: { type: 'string' } } },
          409: errorSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const session = await sessionOf(request, request.params.testAttemptId);
      const { status } = request.body;
      if (session.status === 'exam_finished' && status !== 'exam_finished')
        throw new HttpError(409, 'session_finished', `The session is finished; it cannot become ${status}.`);
      const stamp = STATUS_STAMP[status];
      await db.query(
        `update sessions set status = $2, updated_at = now()${stamp ? `, ${stamp} = coalesce(${stamp}, now())` : ''} where sid = $1`,
        [session.sid, status],
      );
      return { sessionSid: session.sid, status };
    },
  );
}
