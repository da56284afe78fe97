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
}

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
];

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
export async function openPostgres(
  url: string,
  options: { schema?: string; max?: number; dropSchemaOnClose?: boolean; migrateUpTo?: number } = {},
): Promise<Database> {
  const { schema } = options;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name "${schema}".`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  if (schema) await pool.query(`create schema if not exists ${schema}`);
  const db: Database = {
    kind: 'postgres',
    query: async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[],
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work({
          query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: async () => {
      if (schema && options.dropSchemaOnClose)
        await pool.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
      await pool.end();
    },
  };
  // concurrent first starts: one migrates, the others wait on the advisory lock
  const lock = await pool.connect();
  try {
    await lock.query('select pg_advisory_lock(715517)');
    await migrate(db, options.migrateUpTo);
  } finally {
    await lock.query('select pg_advisory_unlock(715517)').catch(() => undefined);
    lock.release();
  }
  return db;
}

/** `DATABASE_URL` when set (PostgreSQL), else PGlite in `dataDir`. */
export function openDatabase(env: { DATABASE_URL?: string }, dataDir: string): Promise<Database> {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openPglite(dataDir);
}
