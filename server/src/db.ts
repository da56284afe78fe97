/**
 * Storage: embedded PGlite (PostgreSQL in WebAssembly, data in a folder) by default. One schema
 * and one migration path; `Database` is the small surface the routes use.
 */
import { PGlite } from '@electric-sql/pglite';

export interface Database {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction: all of it is stored, or none. */
  transaction<T>(work: (tx: Pick<Database, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

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
];

async function migrate(db: Database) {
  await db.query(
    'create table if not exists schema_migrations (version integer primary key, applied_at timestamptz not null default now())',
  );
  const done = new Set(
    (await db.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version),
  );
  for (const [i, sql] of MIGRATIONS.entries()) {
    if (done.has(i + 1)) continue;
    await db.transaction(async (tx) => {
      for (const statement of sql.split(/;\s*(?:\n|$)/).filter((s) => s.trim())) await tx.query(statement);
      await tx.query('insert into schema_migrations (version) values ($1)', [i + 1]);
    });
  }
}

/** Opens PGlite in `dataDir` (created on first use), or in memory without one, and migrates it. */
export async function openPglite(dataDir?: string): Promise<Database> {
  const pg = dataDir ? new PGlite(dataDir) : new PGlite();
  await pg.waitReady;
  const db: Database = {
    query: async <T>(sql: string, params: unknown[] = []) => (await pg.query<T>(sql, params)).rows,
    transaction: (work) =>
      pg.transaction((tx) =>
        work({ query: async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows }),
      ),
    close: () => pg.close(),
  };
  await migrate(db);
  return db;
}
