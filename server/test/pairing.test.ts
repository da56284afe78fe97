import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backend, call, startServer, type Harness } from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer({ pairing: { ttlMs: 1500, pollMs: 700, createPerMinute: 8 } });
});
after(() => s.close());

interface Polled {
  messages: { seq: number; message: { type: string; sdp?: string } }[];
}
const create = () => call<{ code: string; expiresAt: string }>(s.origin, 'POST', '/api/v1/pairings', { body: {} });
const send = (code: string, from: string, message: unknown) =>
  call<{ seq: number; code?: string }>(s.origin, 'POST', `/api/v1/pairings/${code}/messages`, {
    body: { from, message },
  });
const poll = (code: string, role: string, afterSeq = 0) =>
  call<Polled>(s.origin, 'GET', `/api/v1/pairings/${code}/messages?for=${role}&after=${afterSeq}`);

describe(`mobile-pairing signalling (${backend})`, () => {
  it('relays offer and answer between the two sides, each seeing only the other', async () => {
    const created = await create();
    assert.equal(created.status, 201);
    assert.match(created.body.code, /^[a-z2-9]{10}$/);
    const { code } = created.body;
    // the exam side waits; the phone's offer wakes it
    const waiting = poll(code, 'exam');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await send(code, 'phone', { type: 'offer', session: 's1', sdp: 'v=0 offer' })).status, 202);
    const got = await waiting;
    assert.deepEqual(
      got.body.messages.map((m) => m.message.type),
      ['offer'],
    );
    await send(code, 'exam', { type: 'answer', session: 's1', sdp: 'v=0 answer' });
    const phone = await poll(code, 'phone');
    assert.deepEqual(
      phone.body.messages.map((m) => m.message.sdp),
      ['v=0 answer'],
    );
    // `after` skips what was read; a poll with nothing new ends empty after the wait
    const again = await poll(code, 'exam', got.body.messages[0].seq);
    assert.deepEqual(again.body.messages, []);
  });

  it('refuses malformed messages and unknown codes with {code, message}', async () => {
    const { code } = (await create()).body;
    for (const message of [{ type: 'hack' }, { type: 'offer', sdp: 'x'.repeat(40_000) }, { sdp: 'x' }]) {
      const res = await send(code, 'phone', message);
      assert.equal(res.status, 400, JSON.stringify(message).slice(0, 40));
      assert.equal(res.body.code, 'invalid_request');
    }
    const huge = await send(code, 'phone', { type: 'offer', sdp: 'x'.repeat(70_000) });
    assert.equal(huge.status, 413);
    assert.equal((await send(code, 'cat', { type: 'bye' })).status, 400);
    const unknown = await send('zzzzzzzzzz', 'phone', { type: 'bye' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'unknown_pairing');
    assert.equal((await call(s.origin, 'GET', `/api/v1/pairings/${code}/messages`)).status, 400);
  });

  it('expires unused codes, and messages keep a used one alive', async () => {
    const unused = (await create()).body.code;
    const used = (await create()).body.code;
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 700));
      assert.equal((await send(used, 'phone', { type: 'bye' })).status, 202);
    }
    assert.equal((await poll(unused, 'exam')).status, 404);
  });

  it('limits code creation per address with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await create()).status);
    assert.ok(statuses.includes(429), statuses.join(','));
  });
});
