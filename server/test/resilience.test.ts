// PostgreSQL resilience: connections dropped under the server (pg_terminate_backend, a restart)
// while clients send evidence. The server must not crash, must answer 503 database_unavailable
// with Retry-After (never 500) while the database is away, must recover by itself, and every
// record it acknowledged must be stored. PGlite runs inside the server's process: no connection
// can drop, so these tests do not apply to it (reported as skipped with that reason).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { openPostgres, type Database } from '../src/db.js';
import { attemptHeaders, backend, type Attempt } from './harness.js';
import { schemaUrl, sleep, spawnServer, waitFor, type ServerProcess } from './helpers/server-process.js';

interface Server extends ServerProcess {
  /** The server's schema, read directly (not through the server). */
  db: Database;
  close(): Promise<void>;
}

/**
 * The server as production runs it: its own process (`npm start`'s entry), on PostgreSQL in a
 * throw-away schema (search_path and application_name through the URL), so a crash is a crash.
 */
async function start(url: string, applicationName: string): Promise<Server> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = await openPostgres(url, { schema, dropSchemaOnClose: true, max: 2 });
  db.onBackgroundError = () => undefined; // the reader's own idle connections drop too
  const server = await spawnServer({
    inherit: true,
    env: {
      DATABASE_URL: schemaUrl(url, schema, applicationName),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      INGEST_RATE_PER_SECOND: '10000',
    },
  });
  return {
    ...server,
    db,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}

interface Traffic {
  acked: Set<string>;
  statuses: Map<number, number>;
  /** Answers of 503 that lacked {code: database_unavailable} or Retry-After. */
  malformed503: string[];
  stop(): Promise<void>;
}

/**
 * `clients` candidates, each sending batches of 5 records in a loop as the package's outbox does:
 * a batch is resent until it is acknowledged (503 → wait, resend). Counts every answer's status.
 */
function send(s: Server, clients: number): Traffic {
  const acked = new Set<string>();
  const statuses = new Map<number, number>();
  const malformed503: string[] = [];
  let running = true;
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const request = async (path: string, headers: Record<string, string>, body: unknown) => {
    for (;;) {
      let res: Response;
      try {
        res = await fetch(s.origin + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      } catch {
        count(0); // the server itself unreachable: it crashed
        if (!running) return 0;
        await sleep(200);
        continue;
      }
      count(res.status);
      const text = await res.text();
      if (res.status === 503) {
        const parsed = JSON.parse(text) as { code?: string };
        if (parsed.code !== 'database_unavailable' || !res.headers.get('retry-after')) malformed503.push(text);
        if (!running) return 503;
        await sleep(150);
        continue;
      }
      return res.status;
    }
  };
  const candidate = async () => {
    // credentials as an integrator's backend hands them out (here the demo's)
    let a: Attempt | undefined;
    while (!a && running) {
      const res = await fetch(`${s.origin}/demo/credentials`).catch(() => undefined);
      if (res?.status === 200) a = (await res.json()) as Attempt;
      else await sleep(150);
    }
    if (!a) return;
    assert.equal(await request('/api/v1/attempts', {}, a), 201);
    let seq = 0;
    while (running) {
      const records = Array.from({ length: 5 }, () => ({
        id: randomUUID(),
        attemptId: a.testAttemptId,
        seq: ++seq,
        code: 5005,
        type: 'tab_switch',
        startedAt: Date.now(),
      }));
      const status = await request(`/api/v1/attempts/${a.testAttemptId}/evidence`, attemptHeaders(a), { records });
      if (status === 200) for (const r of records) acked.add(r.id);
    }
  };
  const all = Promise.all(Array.from({ length: clients }, candidate));
  return {
    acked,
    statuses,
    malformed503,
    stop: async () => {
      running = false;
      await all;
    },
  };
}

async function storedIds(db: Database) {
  return new Set((await db.query<{ id: string }>('select id from evidence')).map((r) => r.id));
}

const summary = (t: Traffic) => JSON.stringify(Object.fromEntries(t.statuses));
const alive = (s: Server) => assert.equal(s.exitCode(), null, `the server exited: ${s.output()}`);

const onPostgres = backend === 'postgres';
describe(
  onPostgres
    ? 'PostgreSQL resilience: dropped connections (postgres)'
    : 'PostgreSQL resilience: dropped connections (not applicable on PGlite: it runs in-process, no connection can drop)',
  { skip: !onPostgres && 'PGlite has no connections to drop' },
  () => {
    let s: Server;
    let admin: pg.Client;
    const applicationName = `resil-${randomBytes(4).toString('hex')}`;
    before(async () => {
      s = await start(process.env.DATABASE_URL!, applicationName);
      admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
    });
    after(async () => {
      await admin?.end();
      await s?.close();
    });

    it('survives pg_terminate_backend on every pooled connection while clients send: 503 not 500, nothing acknowledged is lost, recovers', async (t) => {
      const traffic = send(s, 4);
      let killed = 0;
      for (let round = 0; round < 15; round++) {
        await sleep(300);
        const rows = await admin.query<{ ok: boolean }>(
          'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1',
          [applicationName],
        );
        killed += rows.rows.filter((r) => r.ok).length;
      }
      await sleep(1000);
      await traffic.stop();
      alive(s);
      t.diagnostic(
        `${killed} connections terminated; answers ${summary(traffic)}; ${traffic.acked.size} records acknowledged`,
      );
      assert.ok(killed >= 10, `only ${killed} connections were terminated`);
      assert.deepEqual(traffic.malformed503, []);
      const statuses = [...traffic.statuses.keys()].sort();
      assert.ok(
        statuses.every((c) => c === 200 || c === 201 || c === 503),
        `statuses ${summary(traffic)}`,
      );
      const stored = await storedIds(s.db);
      const lost = [...traffic.acked].filter((id) => !stored.has(id));
      assert.equal(lost.length, 0, `${lost.length} of ${traffic.acked.size} acknowledged records are not stored`);
      assert.ok(traffic.acked.size > 0);
      // recovered without a restart: the health check and a new attempt succeed at once
      assert.equal((await fetch(`${s.origin}/healthz`)).status, 200);
      const again = send(s, 1);
      await sleep(500);
      await again.stop();
      assert.ok((again.statuses.get(200) ?? 0) > 0, summary(again));
      assert.deepEqual([...again.statuses.keys()].sort(), [200, 201]);
    });
  },
);

// A full restart needs a cluster of our own: restarting the shared one would cut off every other
// user of it. As root with Debian's PostgreSQL (CI, see scripts/ci-postgres.sh), the test creates
// (once) and starts a second cluster `resil` on port 5433, restarts it under load, and stops it.
const CLUSTER_PORT = 5433;
const version = existsSync('/etc/postgresql')
  ? readdirSync('/etc/postgresql')
      .sort((a, b) => Number(a) - Number(b))
      .at(-1)
  : undefined;
const canRestart =
  onPostgres && process.getuid?.() === 0 && existsSync('/usr/bin/pg_createcluster') && version !== undefined;
const why = !onPostgres
  ? 'not applicable on PGlite: it runs in-process, there is no database server to restart'
  : "needs root and Debian's pg_createcluster to make a cluster of its own on port 5433";

describe(
  canRestart
    ? 'PostgreSQL resilience: a database restart under load (postgres, own cluster on 5433)'
    : `PostgreSQL resilience: a database restart under load (${why})`,
  { skip: !canRestart && why },
  () => {
    const pgctl = (...args: string[]) =>
      execFileSync('pg_ctlcluster', [version!, 'resil', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const psql = (sql: string) =>
      execFileSync('su', ['postgres', '-c', `psql -p ${CLUSTER_PORT} -v ON_ERROR_STOP=1 -tAc "${sql}"`], {
        encoding: 'utf8',
      }).trim();
    const url = `postgres://proctor:proctor@127.0.0.1:${CLUSTER_PORT}/proctor_resil`;
    let s: Server;
    before(async () => {
      if (!existsSync(`/etc/postgresql/${version}/resil`))
        execFileSync('pg_createcluster', [version!, 'resil', '-p', String(CLUSTER_PORT)], { stdio: 'ignore' });
      try {
        pgctl('start');
      } catch {
        // already running
      }
      for (let i = 0; i < 60; i++) {
        try {
          psql('select 1');
          break;
        } catch {
          await sleep(500);
        }
      }
      if (psql("select 1 from pg_roles where rolname = 'proctor'") !== '1')
        psql("create role proctor login password 'proctor'");
      if (psql("select 1 from pg_database where datname = 'proctor_resil'") !== '1')
        psql('create database proctor_resil owner proctor');
      s = await start(url, 'resil-restart');
    });
    after(async () => {
      await s?.close();
      try {
        pgctl('stop', '-m', 'fast');
      } catch {
        // already stopped
      }
    });

    it('answers 503 with Retry-After while PostgreSQL is down, never 500, recovers by itself, loses nothing acknowledged', async (t) => {
      const traffic = send(s, 4);
      await sleep(800);
      pgctl('stop', '-m', 'fast');
      const down = traffic.statuses.get(503) ?? 0;
      await sleep(2500); // clients keep sending to a server whose database is gone
      const during = (traffic.statuses.get(503) ?? 0) - down;
      pgctl('start');
      // recovery: acknowledgements resume without restarting the server
      const before200 = traffic.statuses.get(200) ?? 0;
      await waitFor(() => (traffic.statuses.get(200) ?? 0) > before200 + 10, 'acknowledgements did not resume', {
        timeoutMs: 30_000,
        intervalMs: 500,
        detail: () => summary(traffic),
      });
      await traffic.stop();
      alive(s);
      t.diagnostic(
        `${during} answers of 503 while down; answers ${summary(traffic)}; ${traffic.acked.size} records acknowledged`,
      );
      assert.ok(during > 0, `no 503 while the database was down: ${summary(traffic)}`);
      assert.ok((traffic.statuses.get(200) ?? 0) > before200 + 10, `no recovery: ${summary(traffic)}`);
      assert.deepEqual(traffic.malformed503, []);
      assert.ok(
        [...traffic.statuses.keys()].every((c) => c === 200 || c === 201 || c === 503),
        `statuses ${summary(traffic)}`,
      );
      const stored = await storedIds(s.db);
      const lost = [...traffic.acked].filter((id) => !stored.has(id));
      assert.equal(lost.length, 0, `${lost.length} of ${traffic.acked.size} acknowledged records are not stored`);
      assert.equal((await fetch(`${s.origin}/healthz`)).status, 200);
    });
  },
);
