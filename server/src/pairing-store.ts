/**
 * Where pairing codes and their messages live. `MemoryPairingStore`: this process's memory (PGlite,
 * one process). `PostgresPairingStore`: tables in PostgreSQL, so any number of instances behind a
 * load balancer share the codes; a message is announced with NOTIFY and every instance LISTENs,
 * which wakes its long polls at once.
 *
 * Rules (both stores): a code is one exam page's (the creating address) and one phone's (the first
 * address that speaks as the phone): 409 `pairing_taken` for others; a `bye` or a phone silent for
 * `phoneSilenceMs` closes it (410 `pairing_closed`); at most 256 KiB / 1 000 unread messages (429).
 */
import { randomInt } from 'node:crypto';
import type pg from 'pg';
import { databaseFault, type Database, type Queryable } from './db.js';
import { HttpError } from './errors.js';

export type Role = 'exam' | 'phone';
export interface Signal {
  seq: number;
  message: unknown;
}
export interface StoreOptions {
  ttlMs: number;
  phoneSilenceMs: number;
  createPerMinute: number;
}

export interface PairingStore {
  /** A new code for the exam page at `address`; 429 past createPerMinute for that address. */
  create(address: string): Promise<{ code: string; expiresAt: number }>;
  /** Appends a message (a `bye` closes the code); answers its seq. */
  send(code: string, from: Role, address: string, message: unknown): Promise<number>;
  /** The other side's messages after `after`; drops what the reader has read (seq <= after). */
  read(code: string, reader: Role, address: string, after: number): Promise<Signal[]>;
  /** Resolves when a message for `code` may have arrived, after `ms`, or when `signal` aborts. */
  wait(code: string, ms: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const MAX_MESSAGES = 1000;
const MAX_PAIRINGS = 20_000;
export const MAX_BYTES = 256 * 1024;
const newCode = () => Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

const unknown = (c: string) =>
  new HttpError(404, 'unknown_pairing', `No pairing "${c}": it expired or never existed. Show a new code.`);
const closed = (c: string) =>
  new HttpError(410, 'pairing_closed', `Pairing "${c}" is closed: a side left. Show a new code.`);
const taken = (c: string, role: Role) =>
  new HttpError(409, 'pairing_taken', `Pairing "${c}" is in use by another ${role}. Show a new code.`);
const full = () => new HttpError(429, 'rate_limited', 'This pairing holds too many unread messages; show a new code.');
const tooMany = () =>
  new HttpError(429, 'rate_limited', 'Too many pairing codes from this address; retry in a minute.', 60);
const busy = () => new HttpError(503, 'busy', 'Too many pairings in progress; retry shortly.', 5);
const isBye = (message: unknown) => (message as { type?: string }).type === 'bye';

/** Local waiters per code, woken by this process's sends or by NOTIFY from other instances. */
class Waiters {
  private readonly byCode = new Map<string, Set<() => void>>();
  wake(code: string) {
    const set = this.byCode.get(code);
    if (!set) return;
    this.byCode.delete(code);
    for (const w of set) w();
  }
  wakeAll() {
    for (const code of [...this.byCode.keys()]) this.wake(code);
  }
  wait(code: string, ms: number, signal: AbortSignal) {
    return new Promise<void>((resolve) => {
      const set = this.byCode.get(code) ?? new Set();
      this.byCode.set(code, set);
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        set.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      }
      set.add(done);
      if (signal.aborted) done();
    });
  }
}

// --- this process's memory ----------------------------------------------------------------------------
interface Pairing {
  expiresAt: number;
  seq: number;
  messages: { seq: number; from: Role; message: unknown; bytes: number }[];
  bytes: number;
  owners: Partial<Record<Role, string>>;
  phoneSeenAt?: number;
  closed: boolean;
}

export class MemoryPairingStore implements PairingStore {
  private readonly pairings = new Map<string, Pairing>();
  private readonly creators = new Map<string, { count: number; since: number }>();
  private readonly waiters = new Waiters();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly options: StoreOptions) {
    this.sweep = setInterval(() => this.expire(), Math.min(30_000, options.phoneSilenceMs / 2));
    this.sweep.unref();
  }

  private expire() {
    const now = Date.now();
    for (const [k, p] of this.pairings) {
      if (p.phoneSeenAt !== undefined && now - p.phoneSeenAt > this.options.phoneSilenceMs) this.shut(k, p);
      if (p.expiresAt < now) {
        this.pairings.delete(k);
        this.waiters.wake(k);
      }
    }
    for (const [k, c] of this.creators) if (now - c.since > 60_000) this.creators.delete(k);
  }

  /** A closed code stays known (410) until it expires, so both sides learn why it ended. */
  private shut(code: string, p: Pairing) {
    if (p.closed) return;
    p.closed = true;
    p.messages = [];
    p.bytes = 0;
    p.expiresAt = Math.min(p.expiresAt, Date.now() + this.options.ttlMs);
    this.waiters.wake(code);
  }

  private live(code: string, role: Role, address: string) {
    const p = this.pairings.get(code);
    if (!p || p.expiresAt < Date.now()) throw unknown(code);
    if (p.closed) throw closed(code);
    if ((p.owners[role] ??= address) !== address) throw taken(code, role);
    if (role === 'phone') p.phoneSeenAt = Date.now();
    return p;
  }

  create(address: string) {
    const now = Date.now();
    const c = this.creators.get(address) ?? { count: 0, since: now };
    if (now - c.since > 60_000) Object.assign(c, { count: 0, since: now });
    if (++c.count > this.options.createPerMinute) throw tooMany();
    this.creators.set(address, c);
    if (this.pairings.size >= MAX_PAIRINGS) throw busy();
    let code: string;
    do code = newCode();
    while (this.pairings.has(code));
    const expiresAt = now + this.options.ttlMs;
    this.pairings.set(code, { expiresAt, seq: 0, messages: [], bytes: 0, owners: { exam: address }, closed: false });
    return Promise.resolve({ code, expiresAt });
  }

  send(code: string, from: Role, address: string, message: unknown) {
    const p = this.live(code, from, address);
    if (isBye(message)) {
      this.shut(code, p);
      return Promise.resolve(p.seq);
    }
    const bytes = JSON.stringify(message).length;
    if (p.messages.length >= MAX_MESSAGES || p.bytes + bytes > MAX_BYTES) throw full();
    const seq = ++p.seq;
    p.messages.push({ seq, from, message, bytes });
    p.bytes += bytes;
    p.expiresAt = Math.max(p.expiresAt, Date.now() + this.options.ttlMs);
    this.waiters.wake(code);
    return Promise.resolve(seq);
  }

  read(code: string, reader: Role, address: string, after: number) {
    const p = this.live(code, reader, address);
    p.messages = p.messages.filter((m) => {
      const keep = m.from === reader || m.seq > after;
      if (!keep) p.bytes -= m.bytes;
      return keep;
    });
    return Promise.resolve(
      p.messages.filter((m) => m.seq > after && m.from !== reader).map(({ seq, message }) => ({ seq, message })),
    );
  }

  wait(code: string, ms: number, signal: AbortSignal) {
    return this.waiters.wait(code, ms, signal);
  }

  close() {
    clearInterval(this.sweep);
    this.waiters.wakeAll();
    return Promise.resolve();
  }
}

// --- PostgreSQL, shared by every instance -------------------------------------------------------------
const CHANNEL = 'ap_pairing';

/**
 * A fixed-window counter in PostgreSQL (table rate_windows): `key` may be counted `limit` times per
 * `windowMs`. Answers the count after this hit and the milliseconds left in the window.
 */
export async function hitWindow(db: Queryable, key: string, windowMs: number) {
  const [row] = await db.query<{ count: number; left_ms: number }>(
    `insert into rate_windows (key, since, count) values ($1, now(), 1)
     on conflict (key) do update set
       count = case when rate_windows.since < now() - $2 * interval '1 millisecond' then 1 else rate_windows.count + 1 end,
       since = case when rate_windows.since < now() - $2 * interval '1 millisecond' then now() else rate_windows.since end
     returning count, greatest(0, extract(epoch from (since + $2 * interval '1 millisecond' - now())) * 1000)::int as left_ms`,
    [key, windowMs],
  );
  return { count: row.count, leftMs: row.left_ms };
}

/** The failed-authentication counter of security.ts in PostgreSQL: every instance counts into it. */
export class SharedFailureLimiter {
  constructor(
    private readonly db: Queryable,
    private readonly perMinute: number,
    private readonly onError: (error: unknown) => void,
  ) {}
  async failed(address: string) {
    await hitWindow(this.db, `auth:${address}`, 60_000).catch(this.onError);
  }
  async blockedFor(address: string) {
    const [row] = await this.db.query<{ count: number; left_ms: number }>(
      `select count, greatest(0, extract(epoch from (since + interval '1 minute' - now())) * 1000)::int as left_ms
       from rate_windows where key = $1 and since > now() - interval '1 minute'`,
      [`auth:${address}`],
    );
    return row && row.count >= this.perMinute ? Math.max(1, row.left_ms) : 0;
  }
  stop() {}
}

interface PairingRow {
  closed: boolean;
  exam_address: string;
  phone_address: string | null;
  seq: number;
  bytes: number;
  messages: number;
}

/** Where the store reports its LISTEN connection's loss and return (the app's pino logger). */
export interface StoreLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export class PostgresPairingStore implements PairingStore {
  private readonly waiters = new Waiters();
  private readonly sweep: NodeJS.Timeout;
  private listener?: pg.PoolClient;
  private stopped = false;
  /** When the LISTEN connection was lost (ms since the epoch), until it is back: one warning per outage. */
  private lostAt?: number;

  private constructor(
    private readonly db: Database,
    private readonly options: StoreOptions,
    private readonly log?: StoreLog,
  ) {
    this.sweep = setInterval(
      () => void this.expire().catch(() => undefined),
      Math.min(30_000, options.phoneSilenceMs / 2),
    );
    this.sweep.unref();
  }

  /**
   * Opens the store and its LISTEN connection. A dropped LISTEN connection is re-opened every second
   * until it is back; its loss is logged (warn, once per outage) and its return (info, with the
   * outage's `downMs`). A NOTIFY sent meanwhile reaches no one, so the waiting polls are woken both
   * when it drops and when it is back, and re-read the table: a message sent in the gap is answered
   * at the reconnection, not after PAIRING_POLL_MS.
   */
  static async open(db: Database, options: StoreOptions, log?: StoreLog) {
    const store = new PostgresPairingStore(db, options, log);
    await store.listen();
    return store;
  }

  private async listen() {
    if (this.stopped || !this.db.connect) return;
    let client: pg.PoolClient | undefined;
    let failed = false;
    // once: a dropped connection may report more than one error (each must be listened for)
    const retry = (error: unknown) => {
      if (failed) return;
      failed = true;
      client?.release(true);
      if (this.listener === client) this.listener = undefined;
      if (this.stopped) return;
      if (this.lostAt === undefined) {
        this.lostAt = Date.now();
        this.log?.warn(
          { database: databaseFault(error) },
          'pairing listener lost (LISTEN connection): reconnecting; pairing polls re-read meanwhile',
        );
      }
      this.waiters.wakeAll(); // a missed NOTIFY must not leave a poll hanging: they re-read
      setTimeout(() => void this.listen(), 1000).unref();
    };
    try {
      client = await this.db.connect();
      client.on('notification', (n) => n.payload && this.waiters.wake(n.payload));
      client.on('error', retry);
      await client.query(`listen ${CHANNEL}`);
      if (this.stopped) {
        client.release(true);
        return;
      }
      this.listener = client;
      if (this.lostAt !== undefined) {
        this.log?.info({ downMs: Date.now() - this.lostAt }, 'pairing listener re-established');
        this.lostAt = undefined;
        // what was sent while nobody listened: every waiting poll re-reads now
        this.waiters.wakeAll();
      }
    } catch (error) {
      retry(error);
    }
  }

  private async expire() {
    const shut = await this.db.query<{ code: string }>(
      `update pairings set closed = true, bytes = 0
       where not closed and phone_seen_at < now() - $1 * interval '1 millisecond' returning code`,
      [this.options.phoneSilenceMs],
    );
    for (const { code } of shut) {
      await this.db.query('delete from pairing_messages where code = $1', [code]);
      await this.db.query('select pg_notify($1, $2)', [CHANNEL, code]);
    }
    await this.db.query('delete from pairings where expires_at < now()');
    await this.db.query("delete from rate_windows where since < now() - interval '10 minutes'");
    // ingest buckets (rate-limit.ts) idle for 10 minutes are full again: a missing row is the same
    await this.db.query("delete from rate_buckets where at < now() - interval '10 minutes'");
  }

  /** Locks the code's row for this transaction and applies the rules of `live` (see the header). */
  private async live(tx: Queryable, code: string, role: Role, address: string) {
    const [p] = await tx.query<PairingRow>(
      `select closed, exam_address, phone_address, seq, bytes,
         (select count(*)::int from pairing_messages m where m.code = p.code) as messages
       from pairings p where code = $1 and expires_at > now() for update`,
      [code],
    );
    if (!p) throw unknown(code);
    if (p.closed) throw closed(code);
    if (role === 'exam' && p.exam_address !== address) throw taken(code, role);
    if (role === 'phone') {
      if (p.phone_address !== null && p.phone_address !== address) throw taken(code, role);
      await tx.query('update pairings set phone_address = $2, phone_seen_at = now() where code = $1', [code, address]);
    }
    return p;
  }

  async create(address: string) {
    const { count } = await hitWindow(this.db, `pairing:${address}`, 60_000);
    if (count > this.options.createPerMinute) throw tooMany();
    const [{ n }] = await this.db.query<{ n: number }>(
      'select count(*)::int as n from pairings where expires_at > now()',
    );
    if (n >= MAX_PAIRINGS) throw busy();
    for (;;) {
      const code = newCode();
      const [row] = await this.db.query<{ expires_at: Date }>(
        `insert into pairings (code, expires_at, exam_address) values ($1, now() + $2 * interval '1 millisecond', $3)
         on conflict do nothing returning expires_at`,
        [code, this.options.ttlMs, address],
      );
      if (row) return { code, expiresAt: new Date(row.expires_at).getTime() };
    }
  }

  async send(code: string, from: Role, address: string, message: unknown) {
    const seq = await this.db.transaction(async (tx) => {
      const p = await this.live(tx, code, from, address);
      if (isBye(message)) {
        await tx.query('update pairings set closed = true, bytes = 0 where code = $1', [code]);
        await tx.query('delete from pairing_messages where code = $1', [code]);
        await tx.query('select pg_notify($1, $2)', [CHANNEL, code]);
        return p.seq;
      }
      const text = JSON.stringify(message);
      if (p.messages >= MAX_MESSAGES || p.bytes + text.length > MAX_BYTES) throw full();
      await tx.query(
        `update pairings set seq = seq + 1, bytes = bytes + $2,
           expires_at = greatest(expires_at, now() + $3 * interval '1 millisecond') where code = $1`,
        [code, text.length, this.options.ttlMs],
      );
      await tx.query(
        'insert into pairing_messages (code, seq, from_role, message, bytes) values ($1, $2, $3, $4, $5)',
        [code, p.seq + 1, from, text, text.length],
      );
      // delivered at commit, to every instance's LISTEN connection
      await tx.query('select pg_notify($1, $2)', [CHANNEL, code]);
      return p.seq + 1;
    });
    return seq;
  }

  async read(code: string, reader: Role, address: string, after: number) {
    return this.db.transaction(async (tx) => {
      await this.live(tx, code, reader, address);
      const [freed] = await tx.query<{ bytes: number }>(
        `with gone as (delete from pairing_messages where code = $1 and from_role <> $2 and seq <= $3 returning bytes)
         select coalesce(sum(bytes), 0)::int as bytes from gone`,
        [code, reader, after],
      );
      if (freed.bytes) await tx.query('update pairings set bytes = bytes - $2 where code = $1', [code, freed.bytes]);
      return tx.query<Signal>(
        `select seq, message from pairing_messages where code = $1 and from_role <> $2 and seq > $3 order by seq`,
        [code, reader, after],
      );
    });
  }

  wait(code: string, ms: number, signal: AbortSignal) {
    return this.waiters.wait(code, ms, signal);
  }

  async close() {
    this.stopped = true;
    clearInterval(this.sweep);
    this.waiters.wakeAll();
    if (this.listener) {
      const l = this.listener;
      this.listener = undefined;
      await l.query(`unlisten ${CHANNEL}`).catch(() => undefined);
      l.release();
    }
  }
}
