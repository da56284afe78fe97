// A silent database link: packets dropped, nothing refused, no connection closed (a firewall
// dropping a flow, a dead NAT entry, a partitioned network). A real TCP proxy sits between the
// server and the real PostgreSQL; freezing it stops forwarding bytes in both directions while
// every socket stays open. /healthz must answer 503 within its own deadline, ingest must answer
// 503 `database_unavailable` (retryable, with Retry-After) instead of hanging, and once the link
// flows again the server recovers by itself. PGlite runs in-process: no link to freeze.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { openPostgres, type Database } from '../src/db.js';
import { seedDemo } from '../src/seed.js';
import { attemptHeaders, backend, call, newAttempt } from './harness.js';
import { waitFor } from './helpers/server-process.js';

/** A TCP proxy to `target` whose forwarding can be frozen (sockets paused, never closed) and thawed. */
function freezableProxy(target: URL) {
  const pairs: Socket[][] = [];
  let frozen = false;
  const server: Server = createServer((down) => {
    const up = connect(Number(target.port || 5432), target.hostname);
    pairs.push([down, up]);
    for (const [from, to] of [
      [down, up],
      [up, down],
    ]) {
      from.on('data', (chunk) => to.write(chunk));
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
    if (frozen) {
      down.pause();
      up.pause();
    }
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      ),
    freeze() {
      frozen = true;
      for (const pair of pairs) for (const s of pair) s.pause();
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) for (const s of pair) s.resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) for (const s of pair) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A request that gives up after `ms` (generous: the point is "answered at all", not how fast). */
async function timed(
  origin: string,
  method: string,
  path: string,
  options: Parameters<typeof call>[3] = {},
  ms = 30_000,
) {
  const controller = AbortSignal.timeout(ms);
  const res = await fetch(origin + path, {
    method,
    signal: controller,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  }).catch((error: Error) => {
    throw new Error(`${method} ${path}: no answer within ${ms} ms (${error.name})`);
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as { code?: string },
  };
}

const onPostgres = backend === 'postgres';
describe(
  onPostgres
    ? 'PostgreSQL: a silent database link (postgres, through a frozen TCP proxy)'
    : 'PostgreSQL: a silent database link (not applicable on PGlite: it runs in-process, there is no link)',
  { skip: !onPostgres && 'PGlite has no network link' },
  () => {
    let proxy: ReturnType<typeof freezableProxy>;
    let db: Database;
    let app: Awaited<ReturnType<typeof buildApp>>;
    let origin: string;
    let secret: string;
    before(async () => {
      const target = new URL(process.env.DATABASE_URL!);
      proxy = freezableProxy(target);
      const via = new URL(target);
      via.hostname = '127.0.0.1';
      via.port = String(await proxy.listen());
      db = await openPostgres(via.toString(), {
        schema: `test_${randomBytes(6).toString('hex')}`,
        dropSchemaOnClose: true,
        max: 4,
        connectTimeoutMs: 2000,
        queryTimeoutMs: 2000,
      });
      db.onBackgroundError = () => undefined;
      secret = (await seedDemo(db)).clientSecret;
      app = await buildApp({ db, healthTimeoutMs: 2000, logLevel: 'silent' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      proxy?.thaw();
      await app?.close();
      await db?.close();
      await proxy?.close();
    });

    it('answers /healthz and ingest 503 database_unavailable while the link is silent, and recovers when it flows again', async () => {
      const attempt = newAttempt('demo-client', secret);
      assert.equal((await timed(origin, 'POST', '/api/v1/attempts', { body: attempt })).status, 201);
      // one batch per seq, resent as is after a 503 (the outbox does so): stored once
      const batches = [1, 2].map((seq) => [
        {
          id: crypto.randomUUID(),
          attemptId: attempt.testAttemptId,
          seq,
          code: 5005,
          type: 'tab_switch',
          startedAt: Date.now(),
        },
      ]);
      const evidence = (seq: number) =>
        timed(origin, 'POST', `/api/v1/attempts/${encodeURIComponent(attempt.testAttemptId)}/evidence`, {
          headers: attemptHeaders(attempt),
          body: { records: batches[seq - 1] },
        });
      assert.equal((await evidence(1)).status, 200);
      assert.equal((await timed(origin, 'GET', '/healthz')).status, 200);

      proxy.freeze();
      const [health, ingest, fresh] = await Promise.all([
        timed(origin, 'GET', '/healthz'),
        evidence(2),
        timed(origin, 'POST', '/api/v1/attempts', { body: newAttempt('demo-client', secret) }),
      ]);
      assert.equal(health.status, 503);
      assert.equal(health.body.code, 'database_unavailable');
      for (const answer of [ingest, fresh]) {
        assert.equal(answer.status, 503, JSON.stringify(answer.body));
        assert.equal(answer.body.code, 'database_unavailable');
        assert.ok(Number(answer.retryAfter) > 0, 'Retry-After');
      }

      proxy.thaw();
      // recovery without a restart: the outbox's resend of the same batch is acknowledged
      await waitFor(
        async () => (await timed(origin, 'GET', '/healthz')).status === 200,
        'healthz after the link flows again',
        { timeoutMs: 30_000 },
      );
      assert.equal((await evidence(2)).status, 200);
      const stored = await db.query<{ n: number }>('select count(*)::int as n from evidence');
      assert.equal(stored[0].n, 2);
    });
  },
);

describe(
  onPostgres
    ? "PostgreSQL: a dropped idle connection's log line (postgres)"
    : "PostgreSQL: a dropped idle connection's log line (not applicable on PGlite: no connections)",
  { skip: !onPostgres && 'PGlite has no connections to drop' },
  () => {
    it('logs a short typed line without the pg client (no backend cancel key)', async () => {
      const applicationName = `drop-${randomBytes(4).toString('hex')}`;
      const db = await openPostgres(process.env.DATABASE_URL!, {
        schema: `test_${randomBytes(6).toString('hex')}`,
        dropSchemaOnClose: true,
        max: 2,
        applicationName,
      });
      const log: string[] = [];
      const app = await buildApp({ db, logLevel: 'warn', logStream: { write: (line: string) => void log.push(line) } });
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      try {
        await db.query('select 1'); // an idle pooled connection
        const killed = await admin.query<{ ok: boolean }>(
          'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1',
          [applicationName],
        );
        assert.ok(killed.rows.some((r) => r.ok));
        const line = await waitFor(
          () => log.find((l) => l.includes('database connection lost')),
          'no line "database connection lost"',
          { timeoutMs: 30_000, intervalMs: 100, detail: () => log.join('') },
        );
        const parsed = JSON.parse(line) as { database?: { code?: string; message?: string } };
        assert.equal(parsed.database?.code, '57P01');
        assert.ok(line.length < 600, `a long line: ${line.length} characters`);
        assert.doesNotMatch(line, /secretKey|processID|"client"|connectionParameters|password/);
      } finally {
        await admin.end();
        await app.close();
        await db.close();
      }
    });
  },
);
