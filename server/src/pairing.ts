/**
 * Mobile-pairing signalling: the exam page creates a short-lived code, and the exam page and the
 * phone exchange WebRTC offers, answers and ICE candidates under it (long-polling). On PGlite the
 * codes are held in memory (signalling is ephemeral: a restart only makes the phone reconnect); on
 * PostgreSQL in tables every instance shares, with LISTEN/NOTIFY waking the polls (pairing-store.ts). A code lives 10 minutes
 * unused; every message extends it by 10 minutes, so a paired phone can reconnect during an exam.
 *
 * A code is one exam page's and one phone's: the exam side is the address that created the code,
 * the phone side the first address that speaks as the phone; anyone else holding the
 * code gets 409 `pairing_taken` (it cannot read the offer, with its local addresses, nor answer it).
 * A `bye` from either side, or a phone silent for `phoneSilenceMs` after it joined, closes the code
 * (410 `pairing_closed`). Each code keeps at most 256 KiB of messages; what both sides have read is dropped.
 */
import type { FastifyInstance } from 'fastify';
import { errorSchema } from './errors.js';
import type { Database } from './db.js';
import { MemoryPairingStore, PostgresPairingStore, type PairingStore } from './pairing-store.js';

export interface PairingOptions {
  /** Lifetime of an unused code, and the extension each message gives (ms). Default 10 min. */
  ttlMs?: number;
  /** How long a poll waits for a message (ms). Default 20 s. */
  pollMs?: number;
  /**
   * Codes one client address may create per minute (`PAIRING_CODES_PER_MINUTE`); past it, 429
   * `rate_limited` with Retry-After: 60. Default 30. A campus NAT puts a whole exam hall on one address.
   */
  createPerMinute?: number;
  /** A joined phone that makes no request for this long has left: the code closes (ms). Default 60 s. */
  phoneSilenceMs?: number;
}

const code = { type: 'string', pattern: '^[a-z0-9]{6,32}$' } as const;
const role = { type: 'string', enum: ['exam', 'phone'] } as const;
const messageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['offer', 'answer', 'candidate', 'camera-error', 'bye'] },
    session: { type: 'string', maxLength: 64 },
    sdp: { type: 'string', maxLength: 32_000 },
    candidate: {
      type: 'object',
      additionalProperties: false,
      properties: {
        candidate: { type: 'string', maxLength: 1000 },
        sdpMid: { type: ['string', 'null'], maxLength: 64 },
        sdpMLineIndex: { type: ['integer', 'null'], minimum: 0, maximum: 64 },
        usernameFragment: { type: ['string', 'null'], maxLength: 256 },
      },
    },
    name: { type: 'string', maxLength: 200 },
    message: { type: 'string', maxLength: 1000 },
  },
} as const;

/** The routes; with a PostgreSQL `db`, the codes live in it (shared by every instance), else in memory. */
export async function pairingRoutes(app: FastifyInstance, options: PairingOptions = {}, db?: Database) {
  const { ttlMs = 10 * 60_000, createPerMinute = 30, phoneSilenceMs = 60_000 } = options;
  const pollMs = options.pollMs ?? 20_000;
  const storeOptions = { ttlMs, createPerMinute, phoneSilenceMs };
  const store: PairingStore =
    db?.kind === 'postgres'
      ? await PostgresPairingStore.open(db, storeOptions, app.log)
      : new MemoryPairingStore(storeOptions);
  app.addHook('onClose', async () => store.close());
  // at shutdown the long polls answer at once (no message yet: the phone polls again, reaching
  // another instance), so SIGTERM does not wait out PAIRING_POLL_MS
  const closing = new AbortController();
  app.addHook('preClose', (done) => {
    closing.abort();
    done();
  });

  app.post(
    '/api/v1/pairings',
    {
      schema: {
        tags: ['pairing'],
        summary: 'Create a pairing code (the exam page, for its QR code)',
        response: {
          201: { type: 'object', properties: { code: { type: 'string' }, expiresAt: { type: 'string' } } },
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { code: value, expiresAt } = await store.create(request.ip);
      return reply.status(201).send({ code: value, expiresAt: new Date(expiresAt).toISOString() });
    },
  );

  app.post<{ Params: { code: string }; Body: { from: 'exam' | 'phone'; message: unknown } }>(
    '/api/v1/pairings/:code/messages',
    {
      schema: {
        tags: ['pairing'],
        summary: 'Send a signalling message to the other side',
        params: { type: 'object', required: ['code'], properties: { code } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'message'],
          properties: { from: role, message: messageSchema },
        },
        response: {
          202: { type: 'object', properties: { seq: { type: 'integer' } } },
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
          410: errorSchema,
          429: errorSchema,
        },
      },
      bodyLimit: 64 * 1024,
    },
    async (request, reply) => {
      const { from, message } = request.body;
      const seq = await store.send(request.params.code, from, request.ip, message);
      return reply.status(202).send({ seq });
    },
  );

  app.get<{ Params: { code: string }; Querystring: { for: 'exam' | 'phone'; after?: string } }>(
    '/api/v1/pairings/:code/messages',
    {
      schema: {
        tags: ['pairing'],
        summary: "Wait for the other side's messages after `after` (long poll)",
        params: { type: 'object', required: ['code'], properties: { code } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['for'],
          properties: { for: role, after: { type: 'string', pattern: '^(0|[1-9][0-9]{0,8})$' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              messages: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { seq: { type: 'integer' }, message: { type: 'object', additionalProperties: true } },
                },
              },
            },
          },
          404: errorSchema,
          409: errorSchema,
          410: errorSchema,
        },
      },
    },
    async (request) => {
      const { code: c } = request.params;
      const after = Number(request.query.after ?? 0);
      const reader = request.query.for;
      // what the reader confirms it has read (seq <= after) is dropped: the store holds the unread only
      let messages = await store.read(c, reader, request.ip, after);
      if (!messages.length) {
        const gone = new AbortController();
        request.raw.on('close', () => gone.abort());
        if (!closing.signal.aborted) await store.wait(c, pollMs, AbortSignal.any([gone.signal, closing.signal]));
        messages = await store.read(c, reader, request.ip, after);
      }
      return { messages };
    },
  );
}
