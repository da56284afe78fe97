// TRUST_PROXY as the README promises it, over real HTTP through the app: found by a new user,
// `TRUST_PROXY=1` (the README's example and compose's default) trusted no proxy in Fastify 5, so
// every candidate behind the proxy had the proxy's address and shared its per-address limits
// (30 pairing codes a minute for a whole exam hall).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backend, call, startServer, type Harness } from './harness.js';

/** A server trusting `trustProxy`, whose info-level log (one JSON line per request) the test reads. */
async function behindProxy(trustProxy: boolean | number | string) {
  const log: string[] = [];
  const s = await startServer({
    trustProxy,
    logLevel: 'info',
    logStream: { write: (line) => void log.push(line) },
  });
  return { s, log };
}

/** The client address the server logged for the request that got `reqId`. */
function loggedAddress(log: string[], reqId: string) {
  for (const line of log.join('').split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as { reqId?: string; req?: { remoteAddress?: string } };
    if (entry.reqId === reqId && entry.req?.remoteAddress) return entry.req.remoteAddress;
  }
  return undefined;
}

/** Creates a pairing code with this X-Forwarded-For; answers the status and the address the server logged. */
async function createFrom(h: { s: Harness; log: string[] }, forwardedFor: string) {
  const res = await fetch(`${h.s.origin}/api/v1/pairings`, {
    method: 'POST',
    headers: { 'x-forwarded-for': forwardedFor },
  });
  await res.arrayBuffer();
  return { status: res.status, address: loggedAddress(h.log, res.headers.get('x-request-id') ?? '') };
}

/** 31 exam pages behind the proxy, each from its own address: one over the 30-a-minute limit of one address. */
const hall = Array.from({ length: 31 }, (_, i) => `198.51.100.${i + 1}`);

describe(`TRUST_PROXY: the client address behind a proxy (${backend})`, () => {
  it('a hop count of 1 takes the client from the last X-Forwarded-For entry: 31 candidates each get a code', async () => {
    const h = await behindProxy(1);
    try {
      const results = [];
      for (const address of hall) results.push(await createFrom(h, address));
      assert.deepEqual(
        results.map((r) => r.status),
        hall.map(() => 201),
      );
      assert.deepEqual(
        results.map((r) => r.address),
        hall,
      );
      // what the client wrote before the proxy's entry is not trusted
      assert.equal((await createFrom(h, '192.0.2.66, 203.0.113.7')).address, '203.0.113.7');
    } finally {
      await h.s.close();
    }
  });

  it('a hop count of 2 trusts the proxy and the one before it', async () => {
    const h = await behindProxy(2);
    try {
      const got = await createFrom(h, '192.0.2.66, 203.0.113.7, 10.0.0.2');
      assert.equal(got.status, 201);
      assert.equal(got.address, '203.0.113.7');
    } finally {
      await h.s.close();
    }
  });

  it('an address list trusts the hops with those addresses only (here the peer, 127.0.0.1, and 10.0.0.0/8)', async () => {
    const h = await behindProxy('10.0.0.0/8,127.0.0.1');
    try {
      assert.equal((await createFrom(h, '192.0.2.66, 203.0.113.7, 10.0.0.2')).address, '203.0.113.7');
      // a hop outside the list is the client, whatever it says came before it
      assert.equal((await createFrom(h, '192.0.2.66, 203.0.113.7')).address, '203.0.113.7');
    } finally {
      await h.s.close();
    }
  });

  it('without TRUST_PROXY the peer is the client: X-Forwarded-For is ignored, all share one limit', async () => {
    const h = await behindProxy(false);
    try {
      const results = [];
      for (const address of hall) results.push(await createFrom(h, address));
      assert.equal(results[0].address, '127.0.0.1');
      assert.equal(results[30].status, 429);
      const refused = await call(h.s.origin, 'POST', '/api/v1/pairings', { body: {} });
      assert.equal((refused.body as { code?: string }).code, 'rate_limited');
    } finally {
      await h.s.close();
    }
  });
});
