/**
 * Mobile-pairing signalling: the exam page creates a short-lived code, and the exam page and the
 * phone exchange WebRTC offers, answers and ICE candidates under it (long-polling). Held in memory:
 * signalling is ephemeral, and a restart only makes the phone reconnect. A code lives 10 minutes
 * unused; every message extends it by 10 minutes, so a paired phone can reconnect during an exam.
 */
import type { FastifyInstance } from 'fastify';
import { randomInt } from 'node:crypto';
import { HttpError, errorSchema } from './errors.js';

export interface PairingOptions {
  /** Lifetime of an unused code, and the extension each message gives (ms). Default 10 min. */
  ttlMs?: number;
  /** How long a poll waits for a message (ms). Default 20 s. */
  pollMs?: number;
  /** Codes one client address may create per minute. Default 30. */
  createPerMinute?: number;
}

interface Pairing {
  expiresAt: number;
  seq: number;
  messages: { seq: number; from: 'exam' | 'phone'; message: unknown }[];
  waiters: Set<() => void>;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const MAX_MESSAGES = 1000;
const MAX_PAIRINGS = 20_000;
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

export function pairingRoutes(app: FastifyInstance, options: PairingOptions = {}) {
  const { ttlMs = 10 * 60_000, pollMs = 20_000, createPerMinute = 30 } = options;
  const pairings = new Map<string, Pairing>();
  const creators = new Map<string, { count: number; since: number }>();

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, p] of pairings)
      if (p.expiresAt < now) {
        pairings.delete(k);
        for (const w of p.waiters) w();
      }
    for (const [k, c] of creators) if (now - c.since > 60_000) creators.delete(k);
  }, 30_000);
  sweep.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(sweep);
    for (const p of pairings.values()) for (const w of p.waiters) w();
    done();
  });

  const live = (c: string) => {
    const p = pairings.get(c);
    if (!p || p.expiresAt < Date.now())
      throw new HttpError(404, 'unknown_pairing', `No pairing "${c}": it expired or never existed. Show a new code.`);
    return p;
  };

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
      const now = Date.now();
      const c = creators.get(request.ip) ?? { count: 0, since: now };
      if (now - c.since > 60_000) Object.assign(c, { count: 0, since: now });
      if (++c.count > createPerMinute)
        throw new HttpError(429, 'rate_limited', 'Too many pairing codes from this address; retry in a minute.');
      creators.set(request.ip, c);
      if (pairings.size >= MAX_PAIRINGS)
        throw new HttpError(503, 'busy', 'Too many pairings in progress; retry shortly.');
      let value: string;
      do value = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      while (pairings.has(value));
      const expiresAt = now + ttlMs;
      pairings.set(value, { expiresAt, seq: 0, messages: [], waiters: new Set() });
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
          429: errorSchema,
        },
      },
      bodyLimit: 64 * 1024,
    },
    async (request, reply) => {
      const p = live(request.params.code);
      if (p.messages.length >= MAX_MESSAGES)
        throw new HttpError(429, 'rate_limited', 'This pairing has sent too many messages; show a new code.');
      const seq = ++p.seq;
      p.messages.push({ seq, from: request.body.from, message: request.body.message });
      p.expiresAt = Math.max(p.expiresAt, Date.now() + ttlMs);
      for (const w of p.waiters) w();
      p.waiters.clear();
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
        },
      },
    },
    async (request) => {
      const { code: c } = request.params;
      const after = Number(request.query.after ?? 0);
      const reader = request.query.for;
      const pending = () =>
        live(c)
          .messages.filter((m) => m.seq > after && m.from !== reader)
          .map(({ seq, message }) => ({ seq, message }));
      let messages = pending();
      if (!messages.length) {
        const p = live(c);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, pollMs);
          function done() {
            clearTimeout(timer);
            p.waiters.delete(done);
            resolve();
          }
          p.waiters.add(done);
          request.raw.on('close', done);
        });
        messages = pending();
      }
      return { messages };
    },
  );
}
