/**
 * Storage: embedded PGlite (PostgreSQL in WebAssembly, data in a folder) by default, or a real
 * PostgreSQL server through `DATABASE_URL`. One schema and one migration path for both;
 * `Database` is the small surface the routes use.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}
export interface Database extends Queryable {
  /** Runs `work` in one transaction: all of it is stored, or none. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** `pglite` or `postgres`: for logs and benchmarks. */
  readonly kind: 'pglite' | 'postgres';
  /**
   * Where the database reports trouble that belongs to no request (PostgreSQL: an idle pooled
   * connection dropped by a restart, a failover or an idle timeout). Default: one JSON line on
   * stderr; the server points it at its logger.
   */
  onBackgroundError: (error: Error) => void;
  /** PostgreSQL only: a connection of the pool of one's own (LISTEN); release it when done. */
  connect?: () => Promise<pg.PoolClient>;
}

/**
 * The database cannot be reached right now (refused, dropped, shutting down, starting up): the
 * request is answered 503 `database_unavailable` with `Retry-After`, and the next request uses a
 * fresh connection, so the server recovers without a restart.
 */
export class DatabaseUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super('The database is unavailable; retry shortly.');
  }
}

// node's socket errors and PostgreSQL's SQLSTATEs for a lost or refused connection:
// class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections)
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// 57014: a statement cancelled by statement_timeout (DATABASE_QUERY_TIMEOUT_MS): retryable like an outage
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);
/** What a log line says of a database connection fault: its code and message, never the error's other fields. */
export function databaseFault(error: unknown): { code?: string; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    message: typeof e.message === 'string' && e.message ? e.message.slice(0, 300) : 'connection failed',
  };
}

/** True when `error` says the connection to PostgreSQL failed, not the statement. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08'))) return true;
  // pg's own wording when the socket closes, a connect times out, or no answer came within query_timeout
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Client was closed|Query read timeout/i.test(
    error.message,
  );
}
const unavailable = (error: unknown) => (isConnectionError(error) ? new DatabaseUnavailableError(error) : error);
const stderrLog = (error: Error) =>
  process.stderr.write(
    `${JSON.stringify({ level: 50, time: Date.now(), msg: 'database connection error', err: { message: error.message, code: (error as { code?: string }).code } })}\n`,
  );

/**
 * Each entry is applied once, in order, inside a transaction, and recorded in schema_migrations.
 * Never edit an applied entry: add a new one.
 */
const MIGRATIONS: string[] = [
  `create table installs (sid text primary key, name text not null, created_at timestamptz not null default now());
   create table exams (
     sid text primary key, install_sid text not null references installs(sid), name text not null,
     status text not null default 'draft', created_at timestamptz not null default now());
   create table clients (
     client_id text primary key, install_sid text not null references installs(sid), exam_sid text references exams(sid),
     secret text not null, created_at timestamptz not null default now());
   create table api_tokens (token text primary key, install_sid text not null references installs(sid), created_at timestamptz not null default now());
   create table sessions (
     sid text primary key, install_sid text not null references installs(sid), exam_sid text references exams(sid),
     client_id text not null references clients(client_id), test_attempt_id text not null,
     status text not null default 'registered', review_status text not null default 'uncertain',
     tracking_options jsonb, started_at timestamptz, finished_at timestamptz, trust_score integer, counts jsonb,
     created_at timestamptz not null default now(), unique (client_id, test_attempt_id));
   create table evidence (
     id uuid primary key, session_sid text not null references sessions(sid), seq integer not null, code integer not null,
     type text not null, started_at timestamptz not null, ended_at timestamptz, duration_ms integer, data jsonb, photo text,
     received_at timestamptz not null default now());
   create index evidence_by_session on evidence (session_sid, seq);`,
  // exams: instructions open them, a close date or a past last start time closes them;
  // candidates registered ahead of their attempt; review; annotations; photos; hashed API tokens
  `alter table exams add column instructions text;
   alter table exams add column last_start_at timestamptz;
   alter table exams add column closed_at timestamptz;
   update exams set instructions = '' where status = 'open';
   alter table sessions alter column client_id drop not null;
   alter table sessions add column candidate_email text;
   alter table sessions add column candidate_name text;
   alter table sessions add column emailed_at timestamptz;
   alter table sessions add column system_check_end_at timestamptz;
   alter table sessions add column setup_at timestamptz;
   alter table sessions add column in_progress_at timestamptz;
   alter table sessions add column review_completed_at timestamptz;
   alter table sessions add column updated_at timestamptz not null default now();
   create unique index sessions_by_exam_attempt on sessions (exam_sid, test_attempt_id);
   create index sessions_by_install on sessions (install_sid, created_at);
   create index evidence_by_session_time on evidence (session_sid, started_at);
   create table annotations (
     sid text primary key, session_sid text not null references sessions(sid), event_report_sid text,
     type text not null, text text not null, author text, offset_ms integer,
     created_at timestamptz not null default now());
   create index annotations_by_session on annotations (session_sid, created_at);
   create table photos (
     evidence_id uuid primary key, session_sid text not null references sessions(sid), content_type text not null,
     bytes bytea not null, created_at timestamptz not null default now());
   alter table api_tokens add column token_sha256 text;
   update api_tokens set token_sha256 = encode(sha256(convert_to(token, 'UTF8')), 'hex');
   alter table api_tokens drop constraint api_tokens_pkey;
   alter table api_tokens alter column token drop not null;
   create unique index api_tokens_by_hash on api_tokens (token_sha256);
   alter table api_tokens add column label text;
   create table demo_settings (key text primary key, value text not null);
   insert into demo_settings (key, value) select 'token', token from api_tokens t
     join clients c on c.install_sid = t.install_sid where c.client_id = 'demo-client' limit 1;
   update api_tokens set token = null;`,
  // the requirements check's outcome per session (ProctorExam keeps one status per check)
  `alter table sessions add column checks jsonb;`,
  // issue 12: evidence ids are unique per session (not globally), photos keyed likewise; a record
  // may announce a photo sent later; the server's own verdict at finish (closed_at), the client's
  // figures kept as advisory. Event report SIDs of older records stay what they were.
  `alter table evidence add column photo_pending boolean not null default false;
   alter table evidence add column report_sid text;
   update evidence set report_sid = 'ER' || replace(id::text, '-', '');
   alter table evidence alter column report_sid set not null;
   create unique index evidence_by_report_sid on evidence (report_sid);
   alter table evidence drop constraint evidence_pkey;
   alter table evidence add primary key (session_sid, id);
   alter table photos drop constraint photos_pkey;
   alter table photos add primary key (session_sid, evidence_id);
   alter table sessions add column closed_at timestamptz;
   alter table sessions add column client_trust_score integer;
   alter table sessions add column client_counts jsonb;
   update sessions set closed_at = coalesce(finished_at, updated_at), client_trust_score = trust_score,
     client_counts = counts where trust_score is not null;`,
  // quotas (security.ts's Limits; the server writes quota_settings at start): photos and their
  // bytes per attempt, attempts per client. A trigger refuses the row with SQLSTATE AP403
  // (answered 403 quota_exceeded). Statements inside a function body stay on one line (see migrate).
  `create table quota_settings (name text primary key, value bigint not null);
   create index photos_by_session on photos (session_sid);
   create function enforce_photo_quota() returns trigger language plpgsql as $$ declare n bigint; total bigint; max_n bigint; max_bytes bigint; begin select value into max_n from quota_settings where name = 'photos_per_attempt'; select value into max_bytes from quota_settings where name = 'photo_bytes_per_attempt'; select count(*), coalesce(sum(octet_length(bytes)), 0) into n, total from photos where session_sid = new.session_sid; if max_n is not null and n >= max_n then raise exception 'This attempt already stored % photos, its quota (PHOTOS_PER_ATTEMPT).', n using errcode = 'AP403'; end if; if max_bytes is not null and total + octet_length(new.bytes) > max_bytes then raise exception 'This attempt''s photos would exceed % bytes, its quota (PHOTO_BYTES_PER_ATTEMPT).', max_bytes using errcode = 'AP403'; end if; return new; end $$;
   create trigger photos_quota before insert on photos for each row execute function enforce_photo_quota();
   create function enforce_attempt_quota() returns trigger language plpgsql as $$ declare n bigint; max_n bigint; begin if new.client_id is null then return new; end if; select value into max_n from quota_settings where name = 'attempts_per_client'; if max_n is null then return new; end if; select count(*) into n from sessions where client_id = new.client_id; if n >= max_n then raise exception 'Client % already has % attempts, its quota (ATTEMPTS_PER_CLIENT).', new.client_id, n using errcode = 'AP403'; end if; return new; end $$;
   create trigger sessions_quota before insert or update of client_id on sessions for each row execute function enforce_attempt_quota();`,
  // scale-out on PostgreSQL: pairing codes and their messages, and fixed-window rate counters,
  // shared by every instance (pairing-store.ts); unused on PGlite
  `create table pairings (
     code text primary key, expires_at timestamptz not null, seq integer not null default 0,
     exam_address text not null, phone_address text, phone_seen_at timestamptz,
     closed boolean not null default false, bytes integer not null default 0);
   create table pairing_messages (
     code text not null references pairings(code) on delete cascade, seq integer not null,
     from_role text not null, message jsonb not null, bytes integer not null, primary key (code, seq));
   create table rate_windows (key text primary key, since timestamptz not null, count integer not null);`,
  // issue 19: event reports in insertion order (createdDate), stable for live paging; when an exam opened
  `create sequence evidence_created_seq;
   alter table evidence add column created_seq bigint;
   update evidence e set created_seq = o.n from (select session_sid, id,
     row_number() over (order by received_at, session_sid, seq) as n from evidence) o
     where o.session_sid = e.session_sid and o.id = e.id;
   select setval('evidence_created_seq', coalesce((select max(created_seq) from evidence), 0) + 1, false);
   alter table evidence alter column created_seq set default nextval('evidence_created_seq');
   alter table evidence alter column created_seq set not null;
   create unique index evidence_by_created on evidence (created_seq);
   alter table exams add column opened_at timestamptz;
   update exams set opened_at = created_at where instructions is not null;`,
  // issue 18: the per-attempt ingest rate limit shared by every instance on PostgreSQL (rate-limit.ts):
  // a token bucket per attempt; unused on PGlite
  `create table rate_buckets (key text primary key, tokens double precision not null, at timestamptz not null,
     granted boolean not null default true);
   create index rate_buckets_by_at on rate_buckets (at);`,
  // AutoProctor's userDetails and showHowToVideo, as the exam page sent them with the attempt; why a
  // session was closed ('finished' by the page, or 'abandoned': abandon.ts)
  `alter table sessions add column user_details jsonb;
   alter table sessions add column show_how_to_video boolean;
   alter table sessions add column close_reason text;
   update sessions set close_reason = 'finished' where closed_at is not null;`,
  // issue 19: every change of a stored event (its end, its photo, its session closing over it) takes
  // the next change_seq and changed_at under the evidence writer lock, so a sync job paging by it
  // (changedAfter, eventTimeRangeStart/End) sees the changed event again after its cursor
  `create sequence evidence_change_seq;
   alter table evidence add column change_seq bigint;
   alter table evidence add column changed_at timestamptz;
   update evidence set change_seq = created_seq, changed_at = received_at;
   select setval('evidence_change_seq', coalesce((select max(change_seq) from evidence), 0) + 1, false);
   alter table evidence alter column change_seq set default nextval('evidence_change_seq');
   alter table evidence alter column change_seq set not null;
   alter table evidence alter column changed_at set default clock_timestamp();
   alter table evidence alter column changed_at set not null;
   create unique index evidence_by_change on evidence (change_seq);
   create index evidence_by_session_change on evidence (session_sid, change_seq);`,
  // issue 18: every client has an exam, so its sessions are reachable through the reporting API
  // (whose routes go through an exam): a client stored without one gets an open exam of its own,
  // named after it (admin.ts creates one for new clients alike), and its sessions move into it
  `insert into exams (sid, install_sid, name, instructions, opened_at, created_at)
     select 'EX' || md5('client-exam/' || c.client_id), c.install_sid, 'Attempts of client ' || c.client_id, '', c.created_at, c.created_at
     from clients c where c.exam_sid is null;
   update clients set exam_sid = 'EX' || md5('client-exam/' || client_id) where exam_sid is null;
   update sessions s set exam_sid = c.exam_sid from clients c where s.client_id = c.client_id and s.exam_sid is null;`,
  // issue 18: inline photos (older clients send them inside the record) count against the same
  // per-attempt quotas as PUT photos. Over the quota the record is kept and only its photo dropped
  // (rejecting the batch would refuse the records beside it); the photo route's 403 is unchanged.
  `create or replace function enforce_photo_quota() returns trigger language plpgsql as $$ declare n bigint; total bigint; max_n bigint; max_bytes bigint; begin select value into max_n from quota_settings where name = 'photos_per_attempt'; select value into max_bytes from quota_settings where name = 'photo_bytes_per_attempt'; select count(*), coalesce(sum(octet_length(bytes)), 0) into n, total from photos where session_sid = new.session_sid; select n + count(*), total + coalesce(sum(octet_length(photo) * 3 / 4), 0) into n, total from evidence where session_sid = new.session_sid and photo is not null; if max_n is not null and n >= max_n then raise exception 'This attempt already stored % photos, its quota (PHOTOS_PER_ATTEMPT).', n using errcode = 'AP403'; end if; if max_bytes is not null and total + octet_length(new.bytes) > max_bytes then raise exception 'This attempt''s photos would exceed % bytes, its quota (PHOTO_BYTES_PER_ATTEMPT).', max_bytes using errcode = 'AP403'; end if; return new; end $$;
   create function drop_inline_photo_over_quota() returns trigger language plpgsql as $$ declare n bigint; total bigint; max_n bigint; max_bytes bigint; begin select value into max_n from quota_settings where name = 'photos_per_attempt'; select value into max_bytes from quota_settings where name = 'photo_bytes_per_attempt'; select count(*), coalesce(sum(octet_length(bytes)), 0) into n, total from photos where session_sid = new.session_sid; select n + count(*), total + coalesce(sum(octet_length(photo) * 3 / 4), 0) into n, total from evidence where session_sid = new.session_sid and photo is not null and id <> new.id; if (max_n is not null and n >= max_n) or (max_bytes is not null and total + octet_length(new.photo) * 3 / 4 > max_bytes) then new.photo := null; end if; return new; end $$;
   create trigger evidence_inline_photo_quota_insert before insert on evidence for each row when (new.photo is not null) execute function drop_inline_photo_over_quota();
   create trigger evidence_inline_photo_quota_update before update of photo on evidence for each row when (old.photo is null and new.photo is not null) execute function drop_inline_photo_over_quota();`,
  // issue 19: how far the exam page's clock is from the server's (ms, server minus page), measured
  // from each request's sentAt; the page's times are stored corrected by it (ingest.ts clockSkew)
  `alter table sessions add column clock_skew_ms bigint;`,
];

/** The schema version that gave every client an exam of its own (its migration test starts just before it). */
export const CLIENT_EXAMS_VERSION = MIGRATIONS.findIndex((sql) => sql.includes("'client-exam/'")) + 1;

/** How many migrations there are (the schema's version once migrated). */
export const MIGRATION_COUNT = MIGRATIONS.length;

/** Applies the migrations not applied yet, in order; `upTo` stops after that version (tests). */
export async function migrate(db: Database, upTo = MIGRATIONS.length) {
  await db.query(
    'create table if not exists schema_migrations (version integer primary key, applied_at timestamptz not null default now())',
  );
  const done = new Set(
    (await db.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version),
  );
  for (const [i, sql] of MIGRATIONS.entries()) {
    if (done.has(i + 1) || i + 1 > upTo) continue;
    await db.transaction(async (tx) => {
      for (const statement of sql.split(/;\s*(?:\n|$)/).filter((s) => s.trim())) await tx.query(statement);
      await tx.query('insert into schema_migrations (version) values ($1)', [i + 1]);
    });
  }
}

/**
 * Quotas (the database's triggers enforce them; see the quota migration) live in `quota_settings`,
 * one table every instance shares, and that table is authoritative: an instance writes its values
 * only for quotas the table lacks (the first start seeds it), so instances started with different
 * environments never overwrite each other. Answers the table's values (name → value).
 */
export async function seedQuotas(db: Queryable, quotas: Record<string, number>): Promise<Record<string, number>> {
  for (const [name, value] of Object.entries(quotas))
    await db.query('insert into quota_settings (name, value) values ($1, $2) on conflict (name) do nothing', [
      name,
      value,
    ]);
  const rows = await db.query<{ name: string; value: string }>('select name, value::text as value from quota_settings');
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.value)]));
}

/** Changes one quota for every instance at once (the admin CLI's `quota set`). */
export async function setQuota(db: Queryable, name: string, value: number) {
  await db.query(
    'insert into quota_settings (name, value) values ($1, $2) on conflict (name) do update set value = excluded.value',
    [name, value],
  );
}

/** Opens PGlite in `dataDir` (created on first use), or in memory without one, and migrates it. */
export async function openPglite(dataDir?: string, options: { migrateUpTo?: number } = {}): Promise<Database> {
  const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
  await pglite.waitReady;
  const db: Database = {
    kind: 'pglite',
    query: async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows,
    transaction: (work) =>
      pglite.transaction((tx) =>
        work({ query: async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows }),
      ),
    close: () => pglite.close(),
    onBackgroundError: stderrLog,
  };
  await migrate(db, options.migrateUpTo);
  return db;
}

// PostgreSQL returns bigint counts and numerics as strings; `count(*)::int` in the SQL keeps them numbers.
/**
 * Connects to PostgreSQL (`url` like postgres://user:pass@localhost:5432/db) and migrates it.
 * `schema` (created if missing) isolates one database per test run on a shared server;
 * `dropSchemaOnClose` removes it again (tests only).
 */
export interface PostgresOptions {
  schema?: string;
  max?: number;
  dropSchemaOnClose?: boolean;
  /** Apply the migrations only up to this version (tests of a migration). */
  migrateUpTo?: number;
  /**
   * How long a request waits for a connection (a new one's handshake, or a free one of the pool)
   * before it is answered 503 (ms). Default 5 000 (`DATABASE_CONNECT_TIMEOUT_MS`).
   */
  connectTimeoutMs?: number;
  /**
   * The longest a statement may take (ms; `DATABASE_QUERY_TIMEOUT_MS`, default 10 000): PostgreSQL
   * cancels it then (`statement_timeout`), and an answer that has not arrived 2 s later (a silent
   * network link: packets dropped, nothing refused) is given up and its connection destroyed
   * (node-postgres' `query_timeout`). Either way the request gets 503 `database_unavailable`.
   * Migrations have no limit.
   */
  queryTimeoutMs?: number;
  /** PostgreSQL's application_name of the pool's connections (pg_stat_activity). */
  applicationName?: string;
}

/** The `Database` over one pg pool (see `openPostgres`). */
function poolDatabase(pool: pg.Pool, onClose: () => Promise<void>): Database {
  // Without a listener, an idle pooled connection dropped by the server (restart, failover,
  // pg_terminate_backend, idle timeout) is an uncaught 'error' event that ends the process.
  // pg-pool has already discarded that connection; the next query opens a new one.
  pool.on('error', (error) => db.onBackgroundError(error));
  const connect = async () => {
    try {
      return await pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
  };
  const db: Database = {
    kind: 'postgres',
    onBackgroundError: stderrLog,
    connect,
    query: async <T>(sql: string, params: unknown[] = []) => {
      try {
        return (await pool.query(sql, params)).rows as T[];
      } catch (error) {
        throw unavailable(error);
      }
    },
    transaction: async (work) => {
      const client = await connect();
      // a checked-out connection has no pool listener: one dropped between statements would
      // otherwise be an uncaught 'error' event; its next statement fails and is mapped below
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('begin');
        const result = await work({
          query: async <T>(sql: string, params: unknown[] = []) => {
            try {
              return (await client.query(sql, params)).rows as T[];
            } catch (error) {
              throw unavailable(error);
            }
          },
        });
        await client.query('commit');
        return result;
      } catch (error) {
        if (isConnectionError(error)) broken ??= error as Error;
        else await client.query('rollback').catch(() => undefined);
        throw unavailable(error);
      } finally {
        client.removeListener('error', onError);
        // a broken connection is destroyed, not returned to the pool
        client.release(broken);
      }
    },
    close: async () => {
      await onClose();
      await pool.end();
    },
  };
  return db;
}

/**
 * Connects to PostgreSQL (`url` like postgres://user:pass@localhost:5432/db) and migrates it.
 * `schema` (created if missing) isolates one database per test run on a shared server;
 * `dropSchemaOnClose` removes it again (tests only).
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Database> {
  const { schema } = options;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name "${schema}".`);
  const queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
  const common = {
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // TCP keepalive: a peer that vanished (a failover, a dropped NAT entry) is noticed on idle connections too
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: options.applicationName ?? 'proctor-elements-server',
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  // migrations (which may rewrite a large table) run on connections of their own, without time limits
  const setup = poolDatabase(new pg.Pool({ ...common, max: 2 }), () => Promise.resolve());
  setup.onBackgroundError = () => undefined; // a failure shows in the next statement
  try {
    if (schema) await setup.query(`create schema if not exists ${schema}`);
    // concurrent first starts: one migrates, the others wait on the advisory lock
    const lock = await setup.connect!();
    lock.on('error', () => undefined);
    try {
      await lock.query('select pg_advisory_lock(715517)');
      await migrate(setup, options.migrateUpTo);
    } finally {
      await lock.query('select pg_advisory_unlock(715517)').catch(() => undefined);
      lock.release();
    }
  } finally {
    await setup.close();
  }
  const pool = new pg.Pool({
    ...common,
    max: Math.max(2, options.max ?? 10),
    statement_timeout: queryTimeoutMs,
    query_timeout: queryTimeoutMs + 2000,
  });
  return poolDatabase(pool, async () => {
    if (schema && options.dropSchemaOnClose)
      await pool.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
  });
}

/** `DATABASE_URL` when set (PostgreSQL), else PGlite in `dataDir`. */
export function openDatabase(
  env: { DATABASE_URL?: string },
  dataDir: string,
  options: Pick<PostgresOptions, 'connectTimeoutMs' | 'queryTimeoutMs'> = {},
): Promise<Database> {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL, options) : openPglite(dataDir);
}
