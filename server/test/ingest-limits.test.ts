// Ingest input a page should never send, answered 400 naming the field: over-long strings in a
// record's `data`, a `finish` whose finishedAt is no time of the attempt (1, before its start),
// and a `__proto__` key (named as such, not "not valid JSON").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { attemptHeaders, backend, call, evidenceRecord, newAttempt, startServer, type Harness } from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer({ logLevel: 'silent' });
});
after(() => s.close());

type Err = { code: string; message: string };

describe(`ingest limits (${backend})`, () => {
  it('refuses a record whose data holds a string over 2 000 characters, naming the field', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
    const send = (title: string, seq: number) =>
      call<Err>(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
        headers: attemptHeaders(a),
        body: { records: [evidenceRecord(a, { seq, data: { title } })] },
      });
    assert.equal((await send('t'.repeat(2000), 1)).status, 200);
    const long = await send('t'.repeat(2001), 2);
    assert.equal(long.status, 400);
    assert.equal(long.body.code, 'invalid_request');
    assert.match(long.body.message, /records\/0\/data\/title/);
    assert.match(long.body.message, /2000 characters/);
  });

  it('refuses a finish at an absurd finishedAt (1, before the attempt started, far ahead), then takes a real one', async () => {
    const started = Date.now() - 3_600_000;
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    assert.equal(
      (await call(s.origin, 'POST', '/api/v1/attempts', { body: { ...a, startedAt: started } })).status,
      201,
    );
    const finish = (finishedAt: number) =>
      call<Err>(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/finish`, {
        headers: attemptHeaders(a),
        body: { finishedAt },
      });
    for (const [finishedAt, why] of [
      [1, /finishedAt/],
      [started - 3_600_000, /finishedAt .* is before the attempt started/],
      [Date.now() + 3 * 86_400_000, /finishedAt .* more than a day after/],
    ] as const) {
      const res = await finish(finishedAt);
      assert.equal(res.status, 400, String(finishedAt));
      assert.equal(res.body.code, 'invalid_request');
      assert.match(res.body.message, why);
    }
    const ok = await finish(Date.now());
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  it('names a __proto__ key (and constructor.prototype) instead of calling the body invalid JSON', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
    const post = async (text: string) => {
      const res = await fetch(`${s.origin}/api/v1/attempts/${a.testAttemptId}/evidence`, {
        method: 'POST',
        headers: { ...attemptHeaders(a), 'content-type': 'application/json' },
        body: text,
      });
      return { status: res.status, body: (await res.json()) as Err };
    };
    const record = `{"id":"${randomUUID()}","attemptId":"${a.testAttemptId}","seq":1,"code":5005,"type":"tab_switch","startedAt":${Date.now()}`;
    for (const [text, key] of [
      [`{"records":[${record},"data":{"__proto__":"x"}}]}`, '__proto__'],
      [`{"__proto__":{"polluted":true},"records":[${record}}]}`, '__proto__'],
      [`{"records":[${record},"data":{"constructor":{"prototype":1}}}]}`, 'constructor.prototype'],
    ] as const) {
      const res = await post(text);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'invalid_request');
      assert.ok(res.body.message.includes(`a key named ${key}`), res.body.message);
      assert.doesNotMatch(res.body.message, /not valid JSON/);
    }
    // a body that really is not JSON still says so; a "constructor" string is fine
    const broken = await post('{"records": [');
    assert.equal(broken.status, 400);
    assert.match(broken.body.message, /not valid JSON/);
    const fine = await post(`{"records":[${record},"data":{"constructor":"Ada"}}]}`);
    assert.equal(fine.status, 200, JSON.stringify(fine.body));
  });
});
