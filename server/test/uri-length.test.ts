// Issue 19: a URL longer than the HTTP parser's 16 KiB is 414 uri_too_long (not 431, which is for
// headers), as {code, message} with CORS, whether the request arrives in one read or in several.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backend, call, rawRequest as sendRaw, startServer, type Harness } from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer();
});
after(() => s.close());

const rawRequest = (parts: string[]) => sendRaw(s.origin, parts);

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
      assert.equal(res.status, 414, res.head.slice(0, 40));
      const body = JSON.parse(res.body) as { code: string; message: string };
      assert.equal(body.code, 'uri_too_long');
      assert.match(body.message, /URL/);
      assert.equal(res.headers['access-control-allow-origin'], '*');
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
