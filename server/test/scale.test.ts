// Two server processes (NODE_ENV=production) on one PostgreSQL database, as behind a load
// balancer: a phone pairs through one while the exam page polls the other (LISTEN/NOTIFY wakes
// the poll), and rate limits (failed authentications, an attempt's ingest) count across both.
// PGlite is one process's database: not applicable.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { openPostgres, type Database } from '../src/db.js';
import { attemptHeaders, backend, call, newAttempt } from './harness.js';
import { schemaUrl, sleep, spawnServer, type ServerProcess } from './helpers/server-process.js';

const onPostgres = backend === 'postgres';

/** `promise`, or a failure after `ms` (default a minute: a poll of 10 minutes that was not woken). */
async function within<T>(promise: Promise<T>, failure: string, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(failure)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** One instance as production runs it (NODE_ENV=production, behind a proxy: TRUST_PROXY). */
const instance = (url: string, env: Record<string, string>) =>
  spawnServer({ env: { NODE_ENV: 'production', DATABASE_URL: url, LOG_LEVEL: 'warn', TRUST_PROXY: 'true', ...env } });

describe(
  onPostgres
    ? 'two instances on one PostgreSQL (postgres)'
    : 'two instances on one PostgreSQL (not applicable on PGlite: one process owns its database)',
  { skip: !onPostgres && 'PGlite is one process’s database' },
  () => {
    let db: Database;
    let a: ServerProcess;
    let b: ServerProcess;
    const adminToken = randomBytes(24).toString('hex');
    const applicationA = `scale-a-${randomBytes(4).toString('hex')}`;
    before(async () => {
      const url = process.env.DATABASE_URL!;
      const schema = `test_${randomBytes(6).toString('hex')}`;
      db = await openPostgres(url, { schema, dropSchemaOnClose: true, max: 2 });
      const shared = schemaUrl(url, schema);
      // a poll waits 10 minutes: only a NOTIFY from the other instance ends it within the test's time
      const env = {
        ADMIN_TOKEN: adminToken,
        AUTH_FAILURES_PER_MINUTE: '6',
        PAIRING_POLL_MS: '600000',
        // a bucket of 3 requests per attempt, refilled at 1 a second
        INGEST_RATE_PER_SECOND: '1',
      };
      // A names its connections (its LISTEN connection is terminated below) and logs at info
      a = await instance(schemaUrl(url, schema, applicationA), { ...env, LOG_LEVEL: 'info' });
      b = await instance(shared, env);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
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

    // found by a new user: a NOTIFY sent while an instance's LISTEN connection reconnected was
    // lost, and its waiting poll then stalled for all of PAIRING_POLL_MS; nothing was logged
    it('a poll waiting while its LISTEN connection drops gets a message sent in the gap at the reconnection', async () => {
      const exam = { 'x-forwarded-for': '198.51.100.11' };
      const phone = { 'x-forwarded-for': '203.0.113.21' };
      const { code } = (await call<{ code: string }>(a.origin, 'POST', '/api/v1/pairings', { headers: exam })).body;
      type Polled = { messages: { message: { sdp?: string } }[] };
      const path = `/api/v1/pairings/${code}/messages?for=exam&after=0`;
      const first = call<Polled>(a.origin, 'GET', path, { headers: exam });
      await sleep(300);
      const killed = await db.query<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity
         where application_name = $1 and query ilike 'listen%'`,
        [applicationA],
      );
      assert.equal(killed.length, 1, "A's LISTEN connection");
      // A learns of the loss at once: its waiting poll re-reads (nothing yet) and answers
      assert.deepEqual((await within(first, 'the loss did not wake the poll', 10_000)).body.messages, []);
      // the exam page polls again, and the phone's offer arrives through B while A cannot hear it
      const second = call<Polled>(a.origin, 'GET', path, { headers: exam });
      await sleep(200);
      const sent = await call(b.origin, 'POST', `/api/v1/pairings/${code}/messages`, {
        headers: phone,
        body: { from: 'phone', message: { type: 'offer', session: 's', sdp: 'v=0 in the gap' } },
      });
      assert.equal(sent.status, 202);
      const sentAt = Date.now();
      const got = await within(second, 'the poll was not re-checked when the listener came back', 10_000);
      assert.deepEqual(
        got.body.messages.map((m) => m.message.sdp),
        ['v=0 in the gap'],
      );
      const lines = a
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; time: number; msg: string; downMs?: number; database?: object });
      const lost = lines.find((l) => l.msg.startsWith('pairing listener lost'));
      const back = lines.find((l) => l.msg === 'pairing listener re-established');
      assert.ok(lost && lost.level === 40 && lost.database, a.output());
      assert.ok(back && back.level === 30 && typeof back.downMs === 'number', a.output());
      // the offer was sent while A had no listener: only the re-check on reconnection delivered it
      assert.ok(back.time >= sentAt - 50, `re-established at ${back.time}, the offer sent at ${sentAt}`);
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

    it("holds an attempt's ingest rate limit across both instances", async () => {
      const install = await call<{ sid: string; token: string }>(a.origin, 'POST', '/v1/installs', {
        token: adminToken,
        body: { name: 'Scale-out university' },
      });
      assert.equal(install.status, 201);
      const client = await call<{ clientId: string; clientSecret: string }>(
        b.origin,
        'POST',
        `/v1/installs/${install.body.sid}/clients`,
        { token: install.body.token, body: {} },
      );
      assert.equal(client.status, 201);
      const attempt = newAttempt(client.body.clientId, client.body.clientSecret);
      const headers = { ...attemptHeaders(attempt), 'x-forwarded-for': '198.51.100.30' };
      const record = (seq: number) => ({
        id: randomUUID(),
        attemptId: attempt.testAttemptId,
        seq,
        code: 5005,
        type: 'tab_switch',
        startedAt: Date.now(),
        durationMs: 1000,
      });
      // the bucket (3, +1 a second) is the attempt's, whichever instance answers: in each
      // instance's memory, the two would accept 3 each at once
      const t0 = performance.now();
      const statuses = [(await call(a.origin, 'POST', '/api/v1/attempts', { body: attempt, headers })).status];
      const refusals: { status: number; body: { code?: string } }[] = [];
      for (let seq = 1; seq <= 11; seq++) {
        const target = seq % 2 ? b : a;
        const res = await fetch(`${target.origin}/api/v1/attempts/${attempt.testAttemptId}/evidence`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ records: [record(seq)] }),
        });
        statuses.push(res.status);
        if (res.status === 429) {
          assert.ok(Number(res.headers.get('retry-after')) >= 1, 'a 429 says when to retry');
          refusals.push({ status: res.status, body: (await res.json()) as { code?: string } });
        } else await res.arrayBuffer();
      }
      const seconds = (performance.now() - t0) / 1000;
      const accepted = statuses.filter((s) => s < 300).length;
      assert.ok(
        statuses.every((s) => s < 300 || s === 429),
        `only acceptances and 429s: ${statuses.join(', ')}`,
      );
      // a token bucket of 3 refilled at 1/s accepts at most 3 + 1 × elapsed seconds over both
      assert.ok(
        accepted <= Math.floor(3 + seconds),
        `${accepted} of 12 accepted in ${seconds.toFixed(1)} s across two instances: ${statuses.join(', ')}`,
      );
      assert.ok(refusals.length > 0 && refusals.every((r) => r.body.code === 'rate_limited'));
      // what was refused can be sent again once the bucket refills
      await sleep(2500);
      const again = await call(b.origin, 'POST', `/api/v1/attempts/${attempt.testAttemptId}/evidence`, {
        headers,
        body: { records: [record(12)] },
      });
      assert.ok(again.status < 300, `after a pause: ${again.status}`);
    });

    it('both instances stay up', () => {
      assert.equal(a.child.exitCode, null, a.output());
      assert.equal(b.child.exitCode, null, b.output());
    });
  },
);
