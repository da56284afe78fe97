// Ingest throughput of the reference server: the server runs as its own process on loopback
// (PGlite in a fresh folder, or PostgreSQL at `databaseUrl` in a throw-away schema; `instances`
// processes on that one database, the clients spread over them as a load balancer would); 8
// concurrent clients post batches of 20 evidence records for 10 s. `ramp`: an open-loop load of
// single-record requests at rising rates, to find where p99 passes 100 ms.
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

/** A free loopback port (asked of the system: no clash with other servers on this machine). */
const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** Starts `instances` servers on one database; answers their origins, the demo secret and a stop function. */
async function startServers({ databaseUrl, instances }) {
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
  const servers = [];
  const bases = [];
  let secret;
  const stop = async () => {
    for (const server of servers) {
      server.kill();
      if (server.exitCode === null) await new Promise((r) => server.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  };
  try {
    // one after the other: the first seeds the demo client the others then find
    for (let n = 0; n < instances; n++) {
      const port = await freePort();
      const server = spawn(
        process.execPath,
        ['--conditions=proctor-elements-source', '--import', 'tsx', 'server/src/main.ts'],
        {
          // the per-attempt rate limit is raised: this measures ingest, not the limiter
          env: { ...process.env, ...dbEnv, PORT: String(port), INGEST_RATE_PER_SECOND: '100000' },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      servers.push(server);
      let out = '';
      const collect = (d) => {
        out += d;
        if (out.length > 100_000) {
          server.stdout.off('data', collect); // the request log is not needed
          server.stdout.resume();
        }
      };
      server.stdout.on('data', collect);
      for (let i = 0; i < 120 && !out.includes('client demo-client'); i++) await new Promise((r) => setTimeout(r, 250));
      secret ??= /client demo-client \(secret (\S+)\)/.exec(out)?.[1];
      if (!out.includes('client demo-client') || !secret) throw new Error(`the server did not start: ${out}`);
      bases.push(`http://127.0.0.1:${port}`);
    }
    return { bases, secret, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A new attempt of the demo client on `base`: its request headers. */
async function newAttempt(base, secret) {
  const testAttemptId = `bench-${randomUUID()}`;
  const hash = createHmac('sha256', secret).update(testAttemptId).digest('base64');
  const headers = { 'content-type': 'application/json', 'x-ap-client-id': 'demo-client', 'x-ap-attempt-hash': hash };
  const res = await fetch(`${base}/api/v1/attempts`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ clientId: 'demo-client', testAttemptId, hashedTestAttemptId: hash }),
  });
  if (!res.ok) throw new Error(`attempt creation failed: HTTP ${res.status}`);
  return { testAttemptId, headers };
}

const recordsOf = (testAttemptId, from, count) =>
  Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    attemptId: testAttemptId,
    seq: from + i,
    code: 5005,
    type: 'tab_switch',
    startedAt: Date.now(),
    durationMs: 1200,
  }));

export async function ingestBench({ seconds = 10, clients = 8, batch = 20, databaseUrl, instances = 1 } = {}) {
  const { bases, secret, stop } = await startServers({ databaseUrl, instances });
  try {
    const latencies = [];
    let records = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const base = bases[c % bases.length];
        const { testAttemptId, headers } = await newAttempt(base, secret);
        let seq = 0;
        while (performance.now() < until) {
          const body = JSON.stringify({ records: recordsOf(testAttemptId, seq + 1, batch) });
          seq += batch;
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
    await stop();
  }
}

/**
 * Open-loop load: requests of one record each, started at a fixed rate whatever the answers take
 * (as many candidates do), for `stepSeconds` per rate; the rate doubles until p99 passes 100 ms.
 * Answers the last rate under 100 ms and the first over it (undefined: not reached by `maxRate`).
 */
export async function ingestRamp({ databaseUrl, instances = 1, stepSeconds = 3, startRate = 25, maxRate = 3200 } = {}) {
  const { bases, secret, stop } = await startServers({ databaseUrl, instances });
  try {
    // 64 candidates, each its own attempt, spread over the instances
    const attempts = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        newAttempt(bases[i % bases.length], secret).then((a) => ({ ...a, base: bases[i % bases.length], seq: 0 })),
      ),
    );
    let under;
    for (let rate = startRate; rate <= maxRate; rate *= 2) {
      const latencies = [];
      const pending = [];
      let failed = 0;
      const total = rate * stepSeconds;
      const t0 = performance.now();
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const a = attempts[i % attempts.length];
        const body = JSON.stringify({ records: recordsOf(a.testAttemptId, ++a.seq, 1) });
        const started = performance.now();
        pending.push(
          fetch(`${a.base}/api/v1/attempts/${a.testAttemptId}/evidence`, { method: 'POST', headers: a.headers, body })
            .then(async (res) => {
              await res.arrayBuffer();
              if (!res.ok) failed++;
              latencies.push(performance.now() - started);
            })
            .catch(() => failed++),
        );
      }
      await Promise.all(pending);
      const p99 = percentile(latencies, 99);
      if (failed || p99 > 100) return { under, over: { rate, p99, failed } };
      under = { rate, p99 };
    }
    return { under, over: undefined };
  } finally {
    await stop();
  }
}

/**
 * Changes of stored evidence, which wait for the evidence writer lock (the change cursor): `clients`
 * candidates each open a violation announcing its photo (photoPending), send its end (the same
 * record with endedAt: an end update) and PUT its photo (a 2.6 KB JPEG), in a loop for `seconds`.
 * Answers end updates and photo PUTs per second and each one's p50/p99 (ms).
 */
export async function changeBench({ seconds = 10, clients = 8, databaseUrl, instances = 1 } = {}) {
  const photo = readFileSync(new URL('../server/test/fixtures/face.jpg', import.meta.url));
  const { bases, secret, stop } = await startServers({ databaseUrl, instances });
  try {
    const ends = [];
    const photos = [];
    const until = performance.now() + seconds * 1000;
    const send = async (url, init, latencies, what) => {
      const t0 = performance.now();
      const res = await fetch(url, init);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${what} failed: HTTP ${res.status}`);
      latencies?.push(performance.now() - t0);
    };
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const base = bases[c % bases.length];
        const { testAttemptId, headers } = await newAttempt(base, secret);
        const evidence = `${base}/api/v1/attempts/${testAttemptId}/evidence`;
        for (let seq = 1; performance.now() < until; seq++) {
          const record = { ...recordsOf(testAttemptId, seq, 1)[0], durationMs: undefined, photoPending: true };
          await send(evidence, { method: 'POST', headers, body: JSON.stringify({ records: [record] }) }, null, 'open');
          const end = { ...record, endedAt: record.startedAt + 1200, durationMs: 1200 };
          await send(evidence, { method: 'POST', headers, body: JSON.stringify({ records: [end] }) }, ends, 'end');
          await send(
            `${base}/api/v1/attempts/${testAttemptId}/photos/${record.id}`,
            { method: 'PUT', headers: { ...headers, 'content-type': 'image/jpeg' }, body: photo },
            photos,
            'photo',
          );
        }
      }),
    );
    const figures = (xs) => ({ perSecond: xs.length / seconds, p50: percentile(xs, 50), p99: percentile(xs, 99) });
    return { ends: figures(ends), photos: figures(photos) };
  } finally {
    await stop();
  }
}
