// Ingest throughput of the reference server: the server runs as its own process on loopback
// (PGlite in a fresh folder, or PostgreSQL at `databaseUrl` in a throw-away schema); 8 concurrent
// clients post batches of 20 evidence records for 10 s.
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

export async function ingestBench({ seconds = 10, clients = 8, batch = 20, databaseUrl } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ap-ingest-'));
  const schema = `bench_${randomUUID().slice(0, 8)}`;
  const admin = databaseUrl ? new pg.Client({ connectionString: databaseUrl }) : undefined;
  let dbEnv = { DATA_DIR: dataDir, DATABASE_URL: '' };
  if (admin) {
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    dbEnv = { DATABASE_URL: url.toString() };
  }
  const port = 18000 + Math.floor(Math.random() * 1000);
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    // the per-attempt rate limit is raised: this measures ingest, not the limiter
    env: { ...process.env, ...dbEnv, PORT: String(port), INGEST_RATE_PER_SECOND: '100000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  server.stdout.on('data', (d) => (out += d));
  try {
    for (let i = 0; i < 120 && !out.includes('client demo-client'); i++) await new Promise((r) => setTimeout(r, 250));
    const secret = /client demo-client \(secret (\S+)\)/.exec(out)?.[1];
    if (!secret) throw new Error(`the server did not start: ${out}`);
    const base = `http://127.0.0.1:${port}`;
    const latencies = [];
    let records = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const testAttemptId = `bench-${c}-${randomUUID()}`;
        const hash = createHmac('sha256', secret).update(testAttemptId).digest('base64');
        const headers = {
          'content-type': 'application/json',
          'x-ap-client-id': 'demo-client',
          'x-ap-attempt-hash': hash,
        };
        await fetch(`${base}/api/v1/attempts`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ clientId: 'demo-client', testAttemptId, hashedTestAttemptId: hash }),
        });
        let seq = 0;
        while (performance.now() < until) {
          const body = JSON.stringify({
            records: Array.from({ length: batch }, () => ({
              id: randomUUID(),
              attemptId: testAttemptId,
              seq: ++seq,
              code: 5005,
              type: 'tab_switch',
              startedAt: Date.now(),
              durationMs: 1200,
            })),
          });
          const t0 = performance.now();
          const res = await fetch(`${base}/api/v1/attempts/${testAttemptId}/evidence`, {
            method: 'POST',
            headers,
            body,
          });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`ingest failed: HTTP ${res.status}`);
          latencies.push(performance.now() - t0);
          records += batch;
        }
      }),
    );
    return {
      recordsPerSecond: records / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      requests: latencies.length,
    };
  } finally {
    server.kill();
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  }
}
