/**
 * The per-attempt ingest rate limit: a token bucket per `clientId/testAttemptId` holding up to
 * `3 × ratePerSecond` requests and refilled at `ratePerSecond` tokens a second; a request takes one
 * token, and without one it is 429 `rate_limited` with `Retry-After` (whole seconds until a token).
 *
 * `MemoryBuckets`: this process's memory (PGlite: one process). `PostgresBuckets`: one row per
 * attempt in `rate_buckets`, updated by a single upsert that locks the row, so any number of
 * instances on one PostgreSQL database share each attempt's bucket (and the database's clock).
 */
import type { Queryable } from './db.js';
import { HttpError } from './errors.js';

export interface AttemptRateLimiter {
  /** Takes a token for `key`; rejects with 429 `rate_limited` (with Retry-After) when none is left. */
  take(key: string): Promise<void> | void;
}

const refused = (key: string, tokens: number, ratePerSecond: number) =>
  new HttpError(
    429,
    'rate_limited',
    `Too many requests for attempt "${key}"; retry shortly.`,
    Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)),
  );

export class MemoryBuckets implements AttemptRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly ratePerSecond: number) {}
  take(key: string) {
    const { ratePerSecond, buckets } = this;
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: ratePerSecond * 3, at: now };
    b.tokens = Math.min(ratePerSecond * 3, b.tokens + ((now - b.at) / 1000) * ratePerSecond);
    b.at = now;
    if (b.tokens < 1) throw refused(key, b.tokens, ratePerSecond);
    b.tokens -= 1;
    buckets.set(key, b);
    if (buckets.size > 50_000) for (const k of [...buckets.keys()].slice(0, 10_000)) buckets.delete(k);
  }
}

export class PostgresBuckets implements AttemptRateLimiter {
  constructor(
    private readonly db: Queryable,
    private readonly ratePerSecond: number,
  ) {}
  async take(key: string) {
    // the refilled level, computed on the row as locked by the upsert (the latest of every instance)
    const level = `least($2::float8, b.tokens + greatest(0, extract(epoch from now() - b.at)) * $3::float8)`;
    const [row] = await this.db.query<{ granted: boolean; tokens: number }>(
      `insert into rate_buckets as b (key, tokens, at, granted) values ($1, $2::float8 - 1, now(), true)
       on conflict (key) do update set
         granted = ${level} >= 1,
         tokens = case when ${level} >= 1 then ${level} - 1 else ${level} end,
         at = now()
       returning granted, tokens`,
      [key, this.ratePerSecond * 3, this.ratePerSecond],
    );
    if (!row.granted) throw refused(key, row.tokens, this.ratePerSecond);
  }
}

/**
 * The limiter for `db`: {@link PostgresBuckets} on PostgreSQL (shared by every instance),
 * {@link MemoryBuckets} on PGlite. One per server: ingest and the attempt report take from it under
 * keys of their own.
 */
export function attemptRateLimiter(db: Queryable & { kind: string }, ratePerSecond: number): AttemptRateLimiter {
  return db.kind === 'postgres' ? new PostgresBuckets(db, ratePerSecond) : new MemoryBuckets(ratePerSecond);
}
