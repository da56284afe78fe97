/**
 * Client ingest, used by the package's HttpBackend: create an attempt (AutoProctor's HMAC),
 * append evidence batches (idempotent by evidence id), photos, session statuses, finish.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from './db.js';
import { HttpError, errorSchema } from './errors.js';
import { sid, verifyAttemptHash } from './ids.js';
import { EXAM_STATUS_SQL } from './admin.js';
import { EvidenceCode } from '../../src/reporting/types.js';
import { CHECK_NAMES, CHECK_STATUSES, SESSION_STATUSES as SESSION_STATUS_VALUES } from '../../src/statuses.js';

export interface IngestOptions {
  db: Database;
  /** Ingest requests allowed per attempt per second (burst: 3× that). */
  ratePerSecond: number;
  /** Largest photo (bytes). */
  photoLimit: number;
}

// the package's own vocabularies: one source of truth for client and server
const EVIDENCE_TYPES = Object.keys(EvidenceCode);
const SESSION_STATUSES = [...SESSION_STATUS_VALUES];

const attemptId = { type: 'string', minLength: 1, maxLength: 200 } as const;
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
    startedAt: { type: 'number', minimum: 0 },
    endedAt: { type: 'number', minimum: 0 },
    durationMs: { type: 'number', minimum: 0, maximum: 2_147_483_647 }, // an integer column (ms): 24 days
    data: { type: 'object', maxProperties: 20, additionalProperties: { type: ['string', 'number', 'boolean'] } },
    photo: { type: 'string', maxLength: 200_000, pattern: '^data:image/jpeg;base64,' },
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
}

const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());
const attemptParams = {
  type: 'object',
  required: ['testAttemptId'],
  properties: { testAttemptId: attemptId },
} as const;
const security = [{ clientId: [], attemptHash: [] }];
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 429: errorSchema };

/** Which timestamp a client-set status stamps (first time only). */
const STATUS_STAMP: Record<string, string | undefined> = {
  after_check_req: 'system_check_end_at',
  in_setup: 'setup_at',
  exam_started: 'in_progress_at',
  exam_finished: 'finished_at',
};

export function ingestRoutes(app: FastifyInstance, options: IngestOptions) {
  const { db, ratePerSecond, photoLimit } = options;

  // --- per-attempt rate limit (token bucket) --------------------------------------------------
  const buckets = new Map<string, { tokens: number; at: number }>();
  const limit = (key: string) => {
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: ratePerSecond * 3, at: now };
    b.tokens = Math.min(ratePerSecond * 3, b.tokens + ((now - b.at) / 1000) * ratePerSecond);
    b.at = now;
    if (b.tokens < 1)
      throw new HttpError(429, 'rate_limited', `Too many requests for attempt "${key}"; retry shortly.`);
    b.tokens -= 1;
    buckets.set(key, b);
    if (buckets.size > 50_000) for (const k of [...buckets.keys()].slice(0, 10_000)) buckets.delete(k);
  };

  // --- authentication of an attempt: client id + AutoProctor's HMAC ---------------------------
  async function authenticate(request: FastifyRequest, testAttemptId: string, clientId?: string, hash?: string) {
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
    if (!client || !verifyAttemptHash(client.secret, testAttemptId, hash))
      throw new HttpError(403, 'forbidden', 'The hashed attempt id does not match this client and attempt.');
    return { clientId, client };
  }

  async function sessionOf(request: FastifyRequest, testAttemptId: string) {
    const { clientId } = await authenticate(request, testAttemptId);
    limit(`${clientId}/${testAttemptId}`);
    const [session] = await db.query<{ sid: string; status: string }>(
      'select sid, status from sessions where client_id = $1 and test_attempt_id = $2',
      [clientId, testAttemptId],
    );
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
    };
  }>(
    '/api/v1/attempts',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Create (or resume) an attempt',
        description:
          "Verifies hashedTestAttemptId = Base64(HMAC-SHA256(client secret, testAttemptId)). Claims the candidate's registered session when the exam has one; repeats return the same session.",
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['clientId', 'testAttemptId', 'hashedTestAttemptId'],
          properties: {
            clientId: { type: 'string', minLength: 1, maxLength: 200 },
            testAttemptId: attemptId,
            hashedTestAttemptId: { type: 'string', minLength: 1, maxLength: 200 },
            startedAt: { type: 'number', minimum: 0 },
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
                completedAt: { type: 'number', minimum: 0 },
                statuses: {
                  type: 'object',
                  additionalProperties: false,
                  properties: Object.fromEntries(
                    CHECK_NAMES.map((n) => [n, { type: 'string', enum: [...CHECK_STATUSES] }]),
                  ),
                },
              },
            },
          },
        },
        response: {
          201: { type: 'object', properties: { sessionSid: { type: 'string' } } },
          409: errorSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { client } = await authenticate(request, body.testAttemptId, body.clientId, body.hashedTestAttemptId);
      limit(`${body.clientId}/${body.testAttemptId}`);
      const find = async () =>
        (
          await db.query<{ sid: string }>('select sid from sessions where client_id = $1 and test_attempt_id = $2', [
            body.clientId,
            body.testAttemptId,
          ])
        )[0];
      let session = await find();
      const checks = body.checks
        ? [JSON.stringify({ passed: body.checks.passed, ...body.checks.statuses }), iso(body.checks.completedAt)]
        : [null, null];
      if (session && body.checks)
        await db.query('update sessions set checks = $2, system_check_end_at = $3, updated_at = now() where sid = $1', [
          session.sid,
          ...checks,
        ]);
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
        const startedAt = iso(body.startedAt ?? Date.now());
        // a candidate registered ahead (no client yet) is claimed by their first attempt
        const claimed = client.exam_sid
          ? await db.query<{ sid: string }>(
              `update sessions set client_id = $1, tracking_options = $4, started_at = $5, checks = $6,
                 system_check_end_at = $7, updated_at = now()
               where exam_sid = $2 and test_attempt_id = $3 and client_id is null returning sid`,
              [body.clientId, client.exam_sid, body.testAttemptId, options, startedAt, ...checks],
            )
          : [];
        if (!claimed.length)
          await db.query(
            `insert into sessions (sid, install_sid, exam_sid, client_id, test_attempt_id, tracking_options, started_at,
               checks, system_check_end_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing`,
            [
              sid('ES'),
              client.install_sid,
              client.exam_sid,
              body.clientId,
              body.testAttemptId,
              options,
              startedAt,
              ...checks,
            ],
          );
        session = await find();
        if (!session)
          throw new HttpError(409, 'attempt_taken', `Attempt "${body.testAttemptId}" belongs to another client.`);
      }
      return reply.status(201).send({ sessionSid: session.sid });
    },
  );

  app.post<{ Params: { testAttemptId: string }; Body: { records: EvidenceRecord[] } }>(
    '/api/v1/attempts/:testAttemptId/evidence',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Append a batch of evidence records',
        description:
          'Idempotent by record id: a replayed record is counted in `duplicates` and stored once. A rejected batch stores nothing.',
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
            properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' } },
          },
          413: errorSchema,
          ...errors,
        },
      },
    },
    async (request) => {
      const { testAttemptId } = request.params;
      const session = await sessionOf(request, testAttemptId);
      const { records } = request.body;
      const foreign = records.find((r) => r.attemptId !== testAttemptId);
      if (foreign)
        throw new HttpError(
          400,
          'invalid_request',
          `body/records: record ${foreign.id} belongs to attempt "${foreign.attemptId}", not "${testAttemptId}".`,
        );
      // one statement for the whole batch: all rows are stored or none, and replays are skipped
      const values: unknown[] = [];
      const rows = records.map((r, i) => {
        values.push(r.id, session.sid, r.seq, r.code, r.type, iso(r.startedAt), iso(r.endedAt));
        values.push(
          r.durationMs === undefined ? null : Math.round(r.durationMs),
          r.data ? JSON.stringify(r.data) : null,
          r.photo ?? null,
        );
        return `(${Array.from({ length: 10 }, (_, k) => `$${i * 10 + k + 1}`).join(', ')})`;
      });
      const inserted = await db.query<{ id: string }>(
        `insert into evidence (id, session_sid, seq, code, type, started_at, ended_at, duration_ms, data, photo)
         values ${rows.join(', ')} on conflict (id) do nothing returning id`,
        values,
      );
      const accepted = inserted.length;
      return { accepted, duplicates: records.length - accepted };
    },
  );

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
        description: `Body: the image itself (content-type image/jpeg or image/png), at most ${photoLimit} bytes. Idempotent: a repeat replaces nothing.`,
        security,
        params: {
          type: 'object',
          required: ['testAttemptId', 'evidenceId'],
          properties: { testAttemptId: attemptId, evidenceId: { type: 'string', format: 'uuid' } },
        },
        response: {
          201: { type: 'object', properties: { stored: { type: 'boolean' }, bytes: { type: 'integer' } } },
          413: errorSchema,
          415: errorSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const session = await sessionOf(request, request.params.testAttemptId);
      const body = request.body;
      const type = request.headers['content-type']?.split(';')[0];
      if (!Buffer.isBuffer(body) || (type !== 'image/jpeg' && type !== 'image/png'))
        throw new HttpError(415, 'unsupported_media_type', 'A photo must be sent as image/jpeg or image/png.');
      const magicOk =
        type === 'image/jpeg'
          ? body[0] === 0xff && body[1] === 0xd8
          : body.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      if (!magicOk) throw new HttpError(400, 'invalid_photo', `The body is not a ${type} image.`);
      const inserted = await db.query(
        `insert into photos (evidence_id, session_sid, content_type, bytes) values ($1, $2, $3, $4)
         on conflict (evidence_id) do nothing returning evidence_id`,
        [request.params.evidenceId, session.sid, type, body],
      );
      return reply.status(201).send({ stored: inserted.length === 1, bytes: body.length });
    },
  );

  app.post<{
    Params: { testAttemptId: string };
    Body: { finishedAt: number; trustScore: number; counts: Record<string, number> };
  }>(
    '/api/v1/attempts/:testAttemptId/finish',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Finish an attempt with its Trust Score',
        description:
          'Sets the session to exam_finished and its review status from uncertain to unreviewed. Repeats are harmless.',
        security,
        params: attemptParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['finishedAt', 'trustScore', 'counts'],
          properties: {
            finishedAt: { type: 'number', minimum: 0 },
            trustScore: { type: 'integer', minimum: 0, maximum: 100 },
            counts: { type: 'object', maxProperties: 30, additionalProperties: { type: 'integer', minimum: 0 } },
          },
        },
        response: {
          200: { type: 'object', properties: { sessionSid: { type: 'string' }, trustScore: { type: 'integer' } } },
          ...errors,
        },
      },
    },
    async (request) => {
      const session = await sessionOf(request, request.params.testAttemptId);
      const { finishedAt, trustScore, counts } = request.body;
      await db.query(
        `update sessions set finished_at = $2, trust_score = $3, counts = $4, status = 'exam_finished', updated_at = now(),
           review_status = case when review_status = 'uncertain' then 'unreviewed' else review_status end
         where sid = $1`,
        [session.sid, iso(finishedAt), trustScore, JSON.stringify(counts)],
      );
      return { sessionSid: session.sid, trustScore };
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
          ...errors,
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
