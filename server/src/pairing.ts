/**
 * Mobile-pairing signalling: the exam page creates a short-lived code, and the exam page and the
 * phone exchange WebRTC offers, answers and ICE candidates under it (long-polling). Held in memory:
 * signalling is ephemeral, and a restart only makes the phone reconnect. A code lives 10 minutes
 * unused; every message extends it by 10 minutes, so a paired phone can reconnect during an exam.
 *
 * A code is one exam page's and one phone's: the exam side is the address that created the code,
 * the phone side the first address that speaks as the phone; anyone else holding the
 * code gets 409 `pairing_taken` (it cannot read the offer, with its local addresses, nor answer it).
 * A `bye` from either side, or a phone silent for `phoneSilenceMs` after it joined, closes the code
 * (410 `pairing_closed`). Each code keeps at most 256 KiB of messages; what both sides have read is dropped.
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
  /** A joined phone that makes no request for this long has left: the code closes (ms). Default 60 s. */
  phoneSilenceMs?: number;
}

type Role = 'exam' | 'phone';
interface Pairing {
  expiresAt: number;
  seq: number;
  messages: { seq: number; from: Role; message: unknown; bytes: number }[];
  bytes: number;
  waiters: Set<() => void>;
  /** The address of each side (the exam's: the creator's; the phone's: its first request's). */
  owners: Partial<Record<Role, string>>;
  /** The last request of the phone (ms), once it joined. */
  phoneSeenAt?: number;
  closed: boolean;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const MAX_MESSAGES = 1000;
const MAX_PAIRINGS = 20_000;
const MAX_BYTES = 256 * 1024;
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
  const { ttlMs = 10 * 60_000, pollMs = 20_000, createPerMinute = 30, phoneSilenceMs = 60_000 } = options;
  const pairings = new Map<string, Pairing>();
  const creators = new Map<string, { count: number; since: number }>();

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [k, p] of pairings) {
        if (p.phoneSeenAt !== undefined && now - p.phoneSeenAt > phoneSilenceMs) close(p);
        if (p.expiresAt < now) {
          pairings.delete(k);
          for (const w of p.waiters) w();
        }
      }
      for (const [k, c] of creators) if (now - c.since > 60_000) creators.delete(k);
    },
    Math.min(30_000, phoneSilenceMs / 2),
  );
  sweep.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(sweep);
    for (const p of pairings.values()) for (const w of p.waiters) w();
    done();
  });

  /** A closed code stays known (410) until it expires, so both sides learn why it ended. */
  function close(p: Pairing) {
    if (p.closed) return;
    p.closed = true;
    p.messages = [];
    p.bytes = 0;
    p.expiresAt = Math.min(p.expiresAt, Date.now() + ttlMs);
    for (const w of p.waiters) w();
    p.waiters.clear();
  }

  /** The code's pairing for `role` at `address`: 404 unknown, 410 closed, 409 another device's. */
  const live = (c: string, role?: Role, address?: string) => {
    const p = pairings.get(c);
    if (!p || p.expiresAt < Date.now())
      throw new HttpError(404, 'unknown_pairing', `No pairing "${c}": it expired or never existed. Show a new code.`);
    if (p.closed) throw new HttpError(410, 'pairing_closed', `Pairing "${c}" is closed: a side left. Show a new code.`);
    if (role && address !== undefined) {
      const owner = (p.owners[role] ??= address);
      if (owner !== address)
        throw new HttpError(409, 'pairing_taken', `Pairing "${c}" is in use by another ${role}. Show a new code.`);
      if (role === 'phone') p.phoneSeenAt = Date.now();
    }
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
      pairings.set(value, {
        expiresAt,
        seq: 0,
        messages: [],
        bytes: 0,
        waiters: new Set(),
        owners: { exam: request.ip },
        closed: false,
      });
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
      const p = live(request.params.code, from, request.ip);
      if ((message as { type: string }).type === 'bye') {
        close(p);
        return reply.status(202).send({ seq: p.seq });
      }
      const bytes = JSON.stringify(message).length;
      if (p.messages.length >= MAX_MESSAGES || p.bytes + bytes > MAX_BYTES)
        throw new HttpError(429, 'rate_limited', 'This pairing holds too many unread messages; show a new code.');
      const seq = ++p.seq;
      p.messages.push({ seq, from, message, bytes });
      p.bytes += bytes;
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
          409: errorSchema,
          410: errorSchema,
        },
      },
    },
    async (request) => {
      const { code: c } = request.params;
      const after = Number(request.query.after ?? 0);
      const reader = request.query.for;
      // what the reader confirms it has read (seq <= after) is dropped: memory holds the unread only
      const read = live(c, reader, request.ip);
      read.messages = read.messages.filter((m) => {
        const keep = m.from === reader || m.seq > after;
        if (!keep) read.bytes -= m.bytes;
        return keep;
      });
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
