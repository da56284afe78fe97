// Issue 18/19 leftovers from the new user's retest: a path parameter over 4 KiB is 414 (not a 404
// echoing kilobytes), every answer carries the security headers (those written before routing too),
// an out-of-range date at attempt creation names its field, and an unknown path answers with CORS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { backend, call, newAttempt, rawRequest, startServer, type Harness } from './harness.js';

/** The headers every answer carries (HSTS: the server is configured with an https PUBLIC_ORIGIN). */
const SECURITY_HEADERS = [
  'strict-transport-security',
  'content-security-policy',
  'x-content-type-options',
  'referrer-policy',
  'x-frame-options',
  'access-control-allow-origin',
];
const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-expose-headers',
];

describe(`edge answers (${backend})`, () => {
  let s: Harness;
  let root: string;
  before(async () => {
    // static files mounted, as in every real start: a GET the API router refuses falls through to them
    root = mkdtempSync(join(tmpdir(), 'ap-static-'));
    for (const dir of ['demo', 'review', 'dist']) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'review', 'index.html'), '<!doctype html><title>review</title>');
    s = await startServer({ staticRoot: root, publicOrigin: 'https://proctor.example.org' });
  });
  after(async () => {
    await s.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 414 uri_too_long for a path parameter over 4 KiB on every route, never echoing it', async () => {
    const long = 'a'.repeat(5000);
    const { installSid, examSid, token } = s.demo;
    const paths: [string, string][] = [
      ['GET', `/v1/installs/${installSid}/exams/${examSid}/sessions/${long}`],
      ['GET', `/v1/installs/${installSid}/exams/${examSid}/sessions/${long}/events`],
      ['GET', `/v1/installs/${long}/exams`],
      ['GET', `/api/v1/pairings/${long}/messages`],
      ['POST', `/api/v1/attempts/${long}/evidence`],
      ['PUT', `/api/v1/attempts/${long}/status`],
      ['GET', `/nothing/${long}`],
    ];
    for (const [method, path] of paths) {
      const res = await fetch(s.origin + path, { method, headers: { token } });
      const text = await res.text();
      assert.equal(res.status, 414, `${method} ${path.slice(0, 80)}: ${text.slice(0, 200)}`);
      assert.equal((JSON.parse(text) as { code: string }).code, 'uri_too_long');
      assert.ok(text.length < 300, `the answer echoes the path: ${text.length} characters`);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    }
    // a long path of short segments is a 404 that quotes at most the path's first 200 characters
    const many = await fetch(`${s.origin}/nothing/${'abcdefghij/'.repeat(1000)}`);
    assert.equal(many.status, 404);
    const body = (await many.json()) as { code: string; message: string };
    assert.equal(body.code, 'not_found');
    assert.ok(body.message.length < 300, body.message.slice(0, 400));
  });

  it('gives every answer the security headers, those written before routing included', async () => {
    const normal = await fetch(`${s.origin}/v1/me`);
    const expected = Object.fromEntries(SECURITY_HEADERS.map((h) => [h, normal.headers.get(h)]));
    assert.equal(expected['strict-transport-security'], 'max-age=31536000');
    const tail = '\r\nHost: localhost\r\nConnection: close\r\n\r\n';
    const cases: [string, string[], number][] = [
      ['URL over 16 KiB', [`GET /v1/me?x=${'a'.repeat(20_000)} HTTP/1.1${tail}`], 414],
      ['headers over 16 KiB', [`GET /v1/me HTTP/1.1\r\nX-Big: ${'y'.repeat(20_000)}${tail}`], 431],
      ['a malformed request line', [`GARBAGE\r\n\r\n`], 400],
      ['a malformed header', [`GET /v1/me HTTP/1.1\r\nBad Header\r\n\r\n`], 400],
      ['no Host header in HTTP/1.1', [`GET /v1/me HTTP/1.1\r\nConnection: close\r\n\r\n`], 400],
      ['bad percent-encoding', [`GET /api/v1/attempts/%E0%A4%A/finish HTTP/1.1${tail}`], 400],
      ['a 404', [`GET /nothing HTTP/1.1${tail}`], 404],
    ];
    for (const [what, parts, status] of cases) {
      const res = await rawRequest(s.origin, parts);
      assert.equal(res.status, status, `${what}: ${res.head.slice(0, 200)}`);
      for (const [name, value] of Object.entries(expected))
        assert.equal(res.headers[name], value, `${what}: ${name} in\n${res.head}`);
      assert.match(res.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/, `${what}: x-request-id`);
      const body = JSON.parse(res.body) as { code: string; message: string };
      assert.equal(typeof body.code, 'string', what);
      assert.equal(typeof body.message, 'string', what);
    }
  });

  it('names the field of an out-of-range date at attempt creation', async () => {
    const { clientId, clientSecret } = s.demo;
    const cases: [string, string][] = [
      ['"startedAt": 8640000000000000', 'startedAt'], // year 275760, the largest Date
      ['"startedAt": 253402300800000', 'startedAt'], // 10000-01-01
      ['"startedAt": -1', 'startedAt'],
      ['"startedAt": 1e400', 'startedAt'], // Infinity once parsed
      ['"startedAt": -1e400', 'startedAt'],
      ['"checks": {"passed": true, "statuses": {}, "completedAt": 8640000000000000}', 'checks/completedAt'],
      ['"checks": {"passed": true, "statuses": {}, "completedAt": 1e400}', 'checks/completedAt'],
    ];
    for (const [field, name] of cases) {
      const a = newAttempt(clientId, clientSecret, `t-${randomUUID()}`);
      const res = await fetch(`${s.origin}/api/v1/attempts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"clientId": ${JSON.stringify(a.clientId)}, "testAttemptId": ${JSON.stringify(a.testAttemptId)}, "hashedTestAttemptId": ${JSON.stringify(a.hashedTestAttemptId)}, ${field}}`,
      });
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(res.status, 400, `${field}: ${JSON.stringify(body)}`);
      assert.equal(body.code, 'invalid_request');
      assert.ok(body.message.includes(`body/${name}`), `${field}: ${body.message}`);
    }
    // the largest date the database holds is accepted
    const a = newAttempt(clientId, clientSecret);
    const ok = await call(s.origin, 'POST', '/api/v1/attempts', { body: { ...a, startedAt: 253402300799999 } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  it('answers an unknown path, and its preflight, with the same CORS headers as a known one', async () => {
    const known = await fetch(`${s.origin}/v1/me`);
    for (const path of ['/nothing', '/v2/installs', '/review/missing.js', '/favicon.ico']) {
      const res = await fetch(s.origin + path);
      assert.equal(res.status, 404, path);
      for (const h of CORS_HEADERS) assert.equal(res.headers.get(h), known.headers.get(h), `${path}: ${h}`);
      const preflight = await fetch(s.origin + path, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://lms.example.org',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'token',
        },
      });
      assert.equal(preflight.status, 204, `${path} preflight`);
      for (const h of CORS_HEADERS)
        assert.equal(preflight.headers.get(h), known.headers.get(h), `${path} preflight: ${h}`);
    }
  });
});
