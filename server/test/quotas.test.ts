// Quotas per attempt (photos, their bytes) and per client (attempts): configurable (security.ts's
// Limits, from the environment in main.ts), enforced by the database so every instance shares them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { attemptHeaders, backend, call, newAttempt, startServer, type Harness } from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer({ limits: { photosPerAttempt: 3, photoBytesPerAttempt: 10_000, attemptsPerClient: 4 } });
});
after(() => s.close());

const jpeg = (bytes: number) => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(bytes - 2, 7)]);

describe(`quotas (${backend})`, () => {
  it('refuses photos over the per-attempt count or bytes with 403 quota_exceeded', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
    // photos are for the attempt's own records (announced with photoPending)
    const put = async (bytes: number) => {
      const id = randomUUID();
      const record = {
        id,
        attemptId: a.testAttemptId,
        seq: 1,
        code: 5003,
        type: 'random_photo',
        startedAt: Date.now(),
        photoPending: true,
      };
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
    const fourth = await put(100);
    assert.equal(fourth.status, 403);
    assert.match(((await fourth.json()) as { message: string }).message, /PHOTOS_PER_ATTEMPT/);
  });

  it('refuses attempts over the per-client quota; repeats of an existing attempt still answer', async () => {
    // the demo client has one attempt from the test above
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
