/**
 * The reference results server: client ingest (used by the package's HttpBackend), speed-test
 * endpoints, and the demo page, on one Fastify instance. JSON schema on every route; every error
 * is `{code, message}`.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Database } from './db.js';
import { hashAttempt, sid, verifyAttemptHash } from './ids.js';
import { EvidenceCode } from '../../src/reporting/types.js';
import { SESSION_STATUSES as SESSION_STATUS_VALUES } from '../../src/statuses.js';

export interface AppOptions {
  db: Database;
  /** Folder holding demo/ and dist/ (the repository root). */
  staticRoot?: string;
  /** Largest evidence batch body (bytes). Default 2 MiB. */
  bodyLimit?: number;
  /** Ingest requests allowed per attempt per second (burst: 3× that). Default 20. */
  ratePerSecond?: number;
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
    durationMs: { type: 'number', minimum: 0 },
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

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, bodyLimit = 2 * 1024 * 1024, ratePerSecond = 20 } = options;
  const app = Fastify({
    bodyLimit,
    // strict bodies: unknown properties are rejected (not dropped), types are not coerced
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false, allowUnionTypes: true } },
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof HttpError)
      return reply.status(error.statusCode).send({ code: error.code, message: error.message });
    if (error.validation) return reply.status(400).send({ code: 'invalid_request', message: error.message });
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply
        .status(413)
        .send({ code: 'payload_too_large', message: `The body is larger than ${bodyLimit} bytes.` });
    if (error.statusCode && error.statusCode < 500)
      return reply.status(error.statusCode).send({ code: 'invalid_request', message: error.message });
    app.log.error(error);
    return reply
      .status(500)
      .send({ code: 'internal_error', message: 'The server failed; the request can be retried.' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` }),
  );

  // The ingest API is called from exam pages on other origins.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-allow-headers', 'content-type, x-ap-client-id, x-ap-attempt-hash');
    reply.header('access-control-allow-methods', 'GET, POST, PUT, OPTIONS');
    reply.header('access-control-max-age', '600');
  });
  app.options('/api/*', async (_request, reply) => reply.status(204).send());

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

  const attemptParams = {
    type: 'object',
    required: ['testAttemptId'],
    properties: { testAttemptId: attemptId },
  } as const;

  app.post<{
    Body: {
      clientId: string;
      testAttemptId: string;
      hashedTestAttemptId: string;
      startedAt?: number;
      trackingOptions?: Record<string, unknown>;
    };
  }>(
    '/api/v1/attempts',
    {
      schema: {
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
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { client } = await authenticate(request, body.testAttemptId, body.clientId, body.hashedTestAttemptId);
      limit(`${body.clientId}/${body.testAttemptId}`);
      await db.query(
        `insert into sessions (sid, install_sid, exam_sid, client_id, test_attempt_id, tracking_options, started_at)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (client_id, test_attempt_id) do nothing`,
        [
          sid('ES'),
          client.install_sid,
          client.exam_sid,
          body.clientId,
          body.testAttemptId,
          JSON.stringify(body.trackingOptions ?? {}),
          iso(body.startedAt ?? Date.now()),
        ],
      );
      const [session] = await db.query<{ sid: string }>(
        'select sid from sessions where client_id = $1 and test_attempt_id = $2',
        [body.clientId, body.testAttemptId],
      );
      return reply.status(201).send({ sessionSid: session.sid });
    },
  );

  app.post<{ Params: { testAttemptId: string }; Body: { records: EvidenceRecord[] } }>(
    '/api/v1/attempts/:testAttemptId/evidence',
    {
      schema: {
        params: attemptParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['records'],
          properties: { records: { type: 'array', minItems: 1, maxItems: 500, items: recordSchema } },
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

  app.post<{
    Params: { testAttemptId: string };
    Body: { finishedAt: number; trustScore: number; counts: Record<string, number> };
  }>(
    '/api/v1/attempts/:testAttemptId/finish',
    {
      schema: {
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
      },
    },
    async (request) => {
      const session = await sessionOf(request, request.params.testAttemptId);
      const { finishedAt, trustScore, counts } = request.body;
      await db.query(
        "update sessions set finished_at = $2, trust_score = $3, counts = $4, status = 'exam_finished', review_status = case when review_status = 'uncertain' then 'unreviewed' else review_status end where sid = $1",
        [session.sid, iso(finishedAt), trustScore, JSON.stringify(counts)],
      );
      return { sessionSid: session.sid, trustScore };
    },
  );

  app.put<{ Params: { testAttemptId: string }; Body: { status: string } }>(
    '/api/v1/attempts/:testAttemptId/status',
    {
      schema: {
        params: attemptParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['status'],
          properties: { status: { type: 'string', enum: SESSION_STATUSES } },
        },
      },
    },
    async (request) => {
      const session = await sessionOf(request, request.params.testAttemptId);
      await db.query('update sessions set status = $2 where sid = $1', [session.sid, request.body.status]);
      return { sessionSid: session.sid, status: request.body.status };
    },
  );

  // --- speed test --------------------------------------------------------------------------------
  app.get<{ Querystring: { bytes: string } }>(
    '/api/bandwidth/download',
    // query values are strings (types are not coerced): at most 50 000 000 bytes
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['bytes'],
          properties: { bytes: { type: 'string', pattern: '^(0|[1-9][0-9]{0,6}|[1-4][0-9]{7}|50000000)$' } },
        },
      },
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .type('application/octet-stream')
        .send(Buffer.alloc(Number(request.query.bytes))),
  );
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );
  app.post('/api/bandwidth/upload', (request, reply) => {
    void reply.send({ received: (request.body as Buffer | undefined)?.length ?? 0 });
  });

  // --- the demo: what an integrator's own backend would do to hand out attempt credentials -------
  app.get('/demo/credentials', async () => {
    const [client] = await db.query<{ secret: string }>("select secret from clients where client_id = 'demo-client'");
    if (!client) throw new HttpError(404, 'not_found', 'No demo client is seeded.');
    const testAttemptId = `demo-${randomUUID()}`;
    return { clientId: 'demo-client', testAttemptId, hashedTestAttemptId: hashAttempt(client.secret, testAttemptId) };
  });

  // --- static files: the demo page and the built package -----------------------------------------
  if (options.staticRoot) {
    const root = options.staticRoot;
    const types: Record<string, string> = {
      '.html': 'text/html; charset=utf-8',
      '.js': 'text/javascript; charset=utf-8',
      '.mjs': 'text/javascript; charset=utf-8',
      '.css': 'text/css; charset=utf-8',
      '.json': 'application/json',
      '.map': 'application/json',
      '.wasm': 'application/wasm',
      '.tflite': 'application/octet-stream',
      '.png': 'image/png',
      '.svg': 'image/svg+xml',
      '.mp3': 'audio/mpeg',
    };
    const mounts: Record<string, string> = { '/dist/': 'dist', '/demo/': 'demo' };
    app.get('/*', async (request, reply) => {
      const path = decodeURIComponent(request.url.split('?')[0]);
      const url = path === '/' ? '/demo/index.html' : path;
      const mount = Object.keys(mounts).find((m) => url.startsWith(m));
      const base = mount && join(root, mounts[mount]);
      const file = base && normalize(join(base, url.slice(mount.length)));
      if (!base || !file || !file.startsWith(base)) throw new HttpError(404, 'not_found', `No file ${path}.`);
      try {
        if (!statSync(file).isFile()) throw new Error('not a file');
      } catch {
        throw new HttpError(404, 'not_found', `No file ${path}.`);
      }
      return reply.type(types[extname(file)] ?? 'application/octet-stream').send(createReadStream(file));
    });
  }
  return app;
}
