// Issue 19: a URL longer than the HTTP parser's 16 KiB is 414 uri_too_long (not 431, which is for
// headers), as {code, message} with CORS, whether the request arrives in one read or in several.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { backend, call, startServer, type Harness } from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer();
});
after(() => s.close());

/** Sends `parts` over a raw socket (a pause between them: separate reads) and parses the answer. */
function rawRequest(parts: string[]) {
  const { hostname, port } = new URL(s.origin);
  return new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, body = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head.toLowerCase(), body });
    });
    const send = async () => {
      for (const [i, part] of parts.entries()) {
        if (i) await new Promise((r) => setTimeout(r, 50));
        if (!socket.writable) return;
        socket.write(part);
      }
    };
    socket.on('connect', () => void send());
  });
}

describe(`URL length (${backend})`, () => {
  const path = '/v1/installs/AI0/reports/examSessionEvents';
  const tail = '\r\nHost: localhost\r\nConnection: close\r\n\r\n';

  it('answers 414 uri_too_long for a query string over 16 KiB, in one read or split', async () => {
    const url = `${path}?types=${'no_face,'.repeat(3000)}`;
    for (const parts of [
      [`GET ${url} HTTP/1.1${tail}`],
      [`GET ${url.slice(0, 2000)}`, `${url.slice(2000)} HTTP/1.1${tail}`],
      [`GET ${url}${'x'.repeat(50_000)} HTTP/1.1${tail}`],
    ]) {
      const res = await rawRequest(parts);
      assert.equal(res.status, 414, res.headers.slice(0, 40));
      const body = JSON.parse(res.body) as { code: string; message: string };
      assert.equal(body.code, 'uri_too_long');
      assert.match(body.message, /URL/);
      assert.ok(res.headers.includes('access-control-allow-origin: *'));
    }
  });

  it('keeps 431 headers_too_large for headers over 16 KiB, and serves a long query under the limit', async () => {
    const big = await rawRequest([`GET ${path} HTTP/1.1\r\nX-Big: ${'y'.repeat(20_000)}${tail}`]);
    assert.equal(big.status, 431);
    assert.equal((JSON.parse(big.body) as { code: string }).code, 'headers_too_large');
    const split = await rawRequest([
      `GET ${path} HTTP/1.1\r\nX-Big: ${'y'.repeat(5000)}`,
      `${'y'.repeat(15_000)}${tail}`,
    ]);
    assert.equal(split.status, 431);
    // 10 KiB of query is served
    const long = await call<{ total: number }>(
      s.origin,
      'GET',
      `/v1/installs/${s.demo.installSid}/reports/examSessionEvents?types=${'no_face,'.repeat(1250)}`,
      { token: s.demo.token },
    );
    assert.equal(long.status, 200);
    assert.equal(long.body.total, 0);
  });
});
