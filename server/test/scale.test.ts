// Two server processes (NODE_ENV=production) on one PostgreSQL database, as behind a load
// balancer: a phone pairs through one while the exam page polls the other (LISTEN/NOTIFY wakes
// the poll), and rate limits count across both. PGlite is one process's database: not applicable.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openPostgres, type Database } from '../src/db.js';
import { backend, call } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const onPostgres = backend === 'postgres';

/** `promise`, or a failure after a minute (a poll of 10 minutes that was not woken). */
async function within<T>(promise: Promise<T>, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(failure)), 60_000)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface Instance {
  origin: string;
  child: ChildProcess;
  output: () => string;
}

async function instance(url: string, port: number, env: Record<string, string>): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ['--conditions=proctor-elements-source', '--import', 'tsx', 'server/src/main.ts'],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: url,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        TRUST_PROXY: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${output}`);
    if ((await fetch(`${origin}/healthz`).catch(() => undefined))?.status === 200) break;
    if (i > 240) throw new Error(`the server did not start: ${output}`);
    await sleep(250);
  }
  return { origin, child, output: () => output };
}

describe(
  onPostgres
    ? 'two instances on one PostgreSQL (postgres)'
    : 'two instances on one PostgreSQL (not applicable on PGlite: one process owns its database)',
  { skip: !onPostgres && 'PGlite is one process’s database' },
  () => {
    let db: Database;
    let a: Instance;
    let b: Instance;
    before(async () => {
      const url = process.env.DATABASE_URL!;
      const schema = `test_${randomBytes(6).toString('hex')}`;
      db = await openPostgres(url, { schema, dropSchemaOnClose: true, max: 2 });
      const shared = `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      // a poll waits 10 minutes: only a NOTIFY from the other instance ends it within the test's time
      const env = {
        ADMIN_TOKEN: randomBytes(24).toString('hex'),
        AUTH_FAILURES_PER_MINUTE: '6',
        PAIRING_POLL_MS: '600000',
      };
      a = await instance(shared, 7280, env);
      b = await instance(shared, 7281, env);
    });
    after(async () => {
      for (const i of [a, b])
        if (i?.child.exitCode === null) {
          const exited = new Promise((r) => i.child.once('exit', r));
          i.child.kill('SIGTERM');
          await exited;
        }
      await db?.close();
    });

    it('pairs a phone through one instance while the exam page polls the other', async () => {
      const exam = { 'x-forwarded-for': '198.51.100.10' };
      const phone = { 'x-forwarded-for': '203.0.113.20' };
      const created = await call<{ code: string }>(a.origin, 'POST', '/api/v1/pairings', { body: {}, headers: exam });
      assert.equal(created.status, 201);
      const { code } = created.body;
      type Polled = { messages: { seq: number; message: { type: string; sdp?: string } }[] };
      const path = (role: string, after = 0) => `/api/v1/pairings/${code}/messages?for=${role}&after=${after}`;
      // the exam page waits on B; the phone's offer arrives through A
      const examPoll = call<Polled>(b.origin, 'GET', path('exam'), { headers: exam });
      await sleep(300);
      const sent = await call(a.origin, 'POST', `/api/v1/pairings/${code}/messages`, {
        headers: phone,
        body: { from: 'phone', message: { type: 'offer', session: 's', sdp: 'v=0 offer' } },
      });
      assert.equal(sent.status, 202);
      const got = await within(examPoll, 'the other instance did not wake the poll');
      assert.equal(got.status, 200);
      assert.deepEqual(
        got.body.messages.map((m) => m.message.sdp),
        ['v=0 offer'],
      );
      // the phone waits on A; the answer arrives through B
      const phonePoll = call<Polled>(a.origin, 'GET', path('phone'), { headers: phone });
      await sleep(300);
      await call(b.origin, 'POST', `/api/v1/pairings/${code}/messages`, {
        headers: exam,
        body: { from: 'exam', message: { type: 'answer', session: 's', sdp: 'v=0 answer' } },
      });
      const answer = await within(phonePoll, 'the other instance did not wake the poll');
      assert.deepEqual(
        answer.body.messages.map((m) => m.message.sdp),
        ['v=0 answer'],
      );
      // single-use and closing hold across instances too
      assert.equal(
        (await call(b.origin, 'GET', path('phone'), { headers: { 'x-forwarded-for': '192.0.2.66' } })).status,
        409,
      );
      await call(b.origin, 'POST', `/api/v1/pairings/${code}/messages`, {
        headers: phone,
        body: { from: 'phone', message: { type: 'bye' } },
      });
      assert.equal((await call(a.origin, 'GET', path('exam'), { headers: exam })).status, 410);
    });

    it('counts failed authentications across both instances', async () => {
      const attacker = { 'x-forwarded-for': '192.0.2.99' };
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const target = i % 2 ? b : a;
        statuses.push((await call(target.origin, 'GET', '/v1/me', { token: `guess-${i}`, headers: attacker })).status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 429, 429]);
    });

    it('both instances stay up', () => {
      assert.equal(a.child.exitCode, null, a.output());
      assert.equal(b.child.exitCode, null, b.output());
    });
  },
);
