import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backend, call, startServer, type Harness } from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer({
    pairing: { ttlMs: 1500, pollMs: 700, createPerMinute: 8, phoneSilenceMs: 2000 },
    trustProxy: true,
  });
});
after(() => s.close());

interface Polled {
  messages: { seq: number; message: { type: string; sdp?: string } }[];
}
const create = () => call<{ code: string; expiresAt: string }>(s.origin, 'POST', '/api/v1/pairings', { body: {} });
const send = (code: string, from: string, message: unknown, address?: string) =>
  call<{ seq: number; code?: string }>(s.origin, 'POST', `/api/v1/pairings/${code}/messages`, {
    body: { from, message },
    headers: address ? { 'x-forwarded-for': address } : {},
  });
const poll = (code: string, role: string, afterSeq = 0, address?: string) =>
  call<Polled & { code?: string }>(s.origin, 'GET', `/api/v1/pairings/${code}/messages?for=${role}&after=${afterSeq}`, {
    headers: address ? { 'x-forwarded-for': address } : {},
  });
const candidate = {
  type: 'candidate',
  session: 's1',
  candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host' },
};

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
      assert.equal((await send(used, 'phone', candidate)).status, 202);
    }
    assert.equal((await poll(unused, 'exam')).status, 404);
  });

  it('is single-use: a second phone or another exam page holding the code gets 409 and reads nothing', async () => {
    const { code } = (await create()).body;
    assert.equal(
      (await send(code, 'phone', { type: 'offer', session: 'p', sdp: 'v=0 10.0.0.2' }, '198.51.100.1')).status,
      202,
    );
    // someone else who saw the QR code: neither the offer (local addresses) nor an answer
    const thief = await poll(code, 'exam', 0, '203.0.113.9');
    assert.equal(thief.status, 409);
    assert.equal(thief.body.code, 'pairing_taken');
    assert.equal((await send(code, 'exam', { type: 'answer', session: 'p', sdp: 'evil' }, '203.0.113.9')).status, 409);
    assert.equal((await send(code, 'phone', { type: 'offer', session: 'q', sdp: 'v=0' }, '203.0.113.9')).status, 409);
    // the exam page (the creator's address) still reads the phone's offer
    assert.equal((await poll(code, 'exam')).body.messages[0].message.sdp, 'v=0 10.0.0.2');
  });

  it('closes the code when a side says bye (410 for both, a waiting poll ends) or the phone goes silent', async () => {
    const { code } = (await create()).body;
    await send(code, 'phone', { type: 'offer', session: 'p', sdp: 'v=0' });
    const read = await poll(code, 'exam');
    const waiting = poll(code, 'exam', read.body.messages[0].seq);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await send(code, 'phone', { type: 'bye' })).status, 202);
    const woken = await waiting;
    assert.equal(woken.status, 410);
    assert.equal(woken.body.code, 'pairing_closed');
    assert.equal((await poll(code, 'phone')).status, 410);
    assert.equal((await send(code, 'phone', { type: 'offer', session: 'p2', sdp: 'v=0' })).status, 410);
  });

  it('closes the code when the phone that joined goes silent (page closed, battery): 410, not an expiry', async () => {
    // codes that outlive the test by far, so only the phone's silence can close this one however
    // slowly a loaded machine runs the steps
    const own = await startServer({ pairing: { ttlMs: 120_000, pollMs: 500, phoneSilenceMs: 1000 } });
    try {
      const at = (method: string, path: string, body?: unknown) =>
        call<{ code: string; messages?: unknown[] }>(own.origin, method, path, body === undefined ? {} : { body });
      const { code } = (await at('POST', '/api/v1/pairings', {})).body;
      const joined = await at('POST', `/api/v1/pairings/${code}/messages`, {
        from: 'phone',
        message: { type: 'offer', session: 'p', sdp: 'v=0' },
      });
      assert.equal(joined.status, 202);
      // the exam page keeps polling; the phone says nothing more
      let gone: { status: number; body: { code: string } } | undefined;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const res = await at('GET', `/api/v1/pairings/${code}/messages?for=exam&after=1`);
        if (res.status !== 200) {
          gone = res;
          break;
        }
      }
      assert.equal(gone?.status, 410);
      assert.equal(gone?.body.code, 'pairing_closed');
    } finally {
      await own.close();
    }
  });

  it('caps the memory of a code: unread messages over 256 KiB get 429, reading frees them', async () => {
    const { code } = (await create()).body;
    const sdp = 'x'.repeat(30_000);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await send(code, 'phone', { type: 'offer', session: `p${i}`, sdp })).status);
    assert.deepEqual(statuses.slice(0, 8), Array(8).fill(202));
    assert.equal(statuses.at(-1), 429);
    const read = await poll(code, 'exam');
    const last = read.body.messages.at(-1)!.seq;
    await poll(code, 'exam', last); // confirms everything up to `last` was read
    assert.equal((await send(code, 'phone', { type: 'offer', session: 'again', sdp })).status, 202);
  });

  it('limits code creation per address with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await create()).status);
    assert.ok(statuses.includes(429), statuses.join(','));
  });
});
