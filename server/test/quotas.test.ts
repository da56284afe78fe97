// Quotas per attempt (photos, their bytes) and per client (attempts): configurable (security.ts's
// Limits, from the environment in main.ts), enforced by the database so every instance shares them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.js';
import { setQuota } from '../src/db.js';
import { seedDemo } from '../src/seed.js';
import {
  attemptHeaders,
  backend,
  call,
  evidenceRecord,
  newAttempt,
  openTestDb,
  startServer,
  type Attempt,
  type Harness,
} from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer({ limits: { photosPerAttempt: 3, photoBytesPerAttempt: 10_000, attemptsPerClient: 5 } });
});
after(() => s.close());

const jpeg = (bytes: number) => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(bytes - 2, 7)]);
/** A 5003 random_photo record of attempt `a`; `fields` add to it (id, seq, photoPending, photo). */
const photoRecord = (a: Attempt, fields: object = {}) =>
  evidenceRecord(a, { code: 5003, type: 'random_photo', ...fields });

describe(`quotas (${backend})`, () => {
  it('refuses photos over the per-attempt count or bytes with 403 quota_exceeded', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
    // photos are for the attempt's own records (announced with photoPending)
    const put = async (bytes: number) => {
      const id = randomUUID();
      const record = photoRecord(a, { id, photoPending: true });
      const stored = await call(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
        headers: attemptHeaders(a),
        body: { records: [record] },
      });
      assert.equal(stored.status, 200);
      return fetch(`${s.origin}/api/v1/attempts/${a.testAttemptId}/photos/${id}`, {
        method: 'PUT',
        headers: { ...attemptHeaders(a), 'content-type': 'image/jpeg' },
        body: jpeg(bytes),
      });
    };
    assert.equal((await put(4000)).status, 201);
    assert.equal((await put(4000)).status, 201);
    const tooBig = await put(4000); // 12 000 bytes > 10 000
    assert.equal(tooBig.status, 403);
    const body = (await tooBig.json()) as { code: string; message: string };
    assert.equal(body.code, 'quota_exceeded');
    assert.match(body.message, /PHOTO_BYTES_PER_ATTEMPT/);
    assert.equal((await put(100)).status, 201); // third photo
    // a record whose photo is announced but never sent (the page closed before it)
    const unsent = randomUUID();
    const announced = await call(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
      headers: attemptHeaders(a),
      body: {
        records: [photoRecord(a, { id: unsent, photoPending: true })],
      },
    });
    assert.equal(announced.status, 200);
    const fourth = await put(100);
    assert.equal(fourth.status, 403);
    assert.match(((await fourth.json()) as { message: string }).message, /PHOTOS_PER_ATTEMPT/);
    // a refused photo is not announced for ever: its record no longer says photoPending (found by a
    // new user: the report showed "photo pending" for good)
    const report = await call(s.origin, 'GET', `/api/v1/attempts/${a.testAttemptId}/report`, {
      headers: attemptHeaders(a),
    });
    assert.equal(report.status, 200);
    const evidence = (report.body as { evidence: { photoPending?: boolean; photoUrl?: string }[] }).evidence;
    assert.equal(evidence.length, 6);
    assert.equal(evidence.filter((e) => e.photoUrl).length, 3);
    // with the photo count used up, the unsent one cannot come either (found by a new user)
    assert.deepEqual(
      evidence.filter((e) => e.photoPending),
      [],
    );
  });

  it('counts inline photos (older clients) against the same quota: over it the record is kept, its photo dropped', async () => {
    // found by a new user: 40 inline photos (7.5 MB) stored past PHOTOS_PER_ATTEMPT=3
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
    const jfif = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
    const inline = `data:image/jpeg;base64,${Buffer.concat([jfif, Buffer.alloc(1500, 7), Buffer.from([0xff, 0xd9])]).toString('base64')}`;
    const records = Array.from({ length: 6 }, (_, i) => photoRecord(a, { seq: i + 1, photo: inline }));
    const first = await call(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
      headers: attemptHeaders(a),
      body: { records: records.slice(0, 4) },
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const second = await call(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
      headers: attemptHeaders(a),
      body: { records: records.slice(4) },
    });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const [stored] = await s.db.query<{ records: number; photos: number }>(
      `select count(*)::int as records, count(*) filter (where photo is not null)::int as photos
         from evidence e join sessions x on x.sid = e.session_sid where x.test_attempt_id = $1`,
      [a.testAttemptId],
    );
    assert.deepEqual(stored, { records: 6, photos: 3 });
    // and a PUT photo after them is refused like any photo over the quota
    const id = randomUUID();
    await call(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
      headers: attemptHeaders(a),
      body: { records: [{ ...records[0], id, seq: 7, photo: undefined, photoPending: true }] },
    });
    const put = await fetch(`${s.origin}/api/v1/attempts/${a.testAttemptId}/photos/${id}`, {
      method: 'PUT',
      headers: { ...attemptHeaders(a), 'content-type': 'image/jpeg' },
      body: jpeg(100),
    });
    assert.equal(put.status, 403);
  });

  it('refuses attempts over the per-client quota; repeats of an existing attempt still answer', async () => {
    // the demo client has two attempts from the tests above
    const statuses: number[] = [];
    let first: ReturnType<typeof newAttempt> | undefined;
    for (let i = 0; i < 4; i++) {
      const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
      first ??= a;
      statuses.push((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 403]);
    assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: first })).status, 201);
  });
});

// Two instances on one database whose environments disagree (a config change rolled out to one
// first): the shared table is authoritative, seeded by the first start, never overwritten by a later
// one (which warns, naming the variable); `proctor-elements-admin quota set` changes it for both.
describe(`quota settings shared by two instances (${backend})`, () => {
  it('keeps the first-seeded PHOTOS_PER_ATTEMPT when a second instance starts with another, warns, and applies a quota set to both', async () => {
    const db = await openTestDb();
    const demo = await seedDemo(db);
    const log: string[] = [];
    const start = async (photosPerAttempt: number) => {
      const app = await buildApp({
        db,
        limits: { photosPerAttempt },
        logLevel: 'warn',
        logStream: { write: (line: string) => void log.push(line) },
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { app, origin: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
    };
    const a = await start(2);
    const b = await start(5);
    try {
      const attempt = newAttempt(demo.clientId, demo.clientSecret);
      assert.equal((await call(a.origin, 'POST', '/api/v1/attempts', { body: attempt })).status, 201);
      let seq = 0;
      const photo = async (origin: string) => {
        const id = randomUUID();
        const record = photoRecord(attempt, { id, seq: ++seq, photoPending: true });
        await call(origin, 'POST', `/api/v1/attempts/${attempt.testAttemptId}/evidence`, {
          headers: attemptHeaders(attempt),
          body: { records: [record] },
        });
        const res = await fetch(`${origin}/api/v1/attempts/${attempt.testAttemptId}/photos/${id}`, {
          method: 'PUT',
          headers: { ...attemptHeaders(attempt), 'content-type': 'image/jpeg' },
          body: jpeg(100),
        });
        return res.status;
      };
      // the quota is 2 through either instance: the second start did not raise it to 5
      assert.deepEqual([await photo(b.origin), await photo(a.origin), await photo(b.origin)], [201, 201, 403]);
      const warning = log
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { variable?: string; instance?: number; database?: number })
        .find((l) => l.variable === 'PHOTOS_PER_ATTEMPT');
      assert.deepEqual(
        { instance: warning?.instance, database: warning?.database },
        { instance: 5, database: 2 },
        'the second instance warns',
      );
      // the admin CLI's change applies to both at once
      await setQuota(db, 'photos_per_attempt', 3);
      assert.equal(await photo(a.origin), 201);
      assert.equal(await photo(b.origin), 403);
    } finally {
      await a.app.close();
      await b.app.close();
      await db.close();
    }
  });
});
