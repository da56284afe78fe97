// What a deployment meets on its first day: router-level errors, security headers, structured logs
// with request ids (and values that cannot forge lines), failed-authentication limits, static
// paths confined to their folders, and the server without its demo (production).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { attemptHeaders, backend, call, newAttempt, startServer, type Harness } from './harness.js';

/** A raw HTTP request (fetch refuses some of what clients send). */
function raw(origin: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(`${origin}${path}`, { headers }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** A static root like the repository's, with a folder beside demo/ that must stay unreachable. */
function staticRoot() {
  const root = mkdtempSync(join(tmpdir(), 'ap-static-'));
  for (const dir of ['demo', 'demo-x', 'review', 'dist']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'demo', 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(join(root, 'demo', 'phone.html'), '<!doctype html><title>phone</title>');
  writeFileSync(join(root, 'demo', 'phone.js'), '// phone');
  writeFileSync(join(root, 'demo-x', 'secret.txt'), 'TOP-SECRET-CONTENT');
  writeFileSync(join(root, 'review', 'index.html'), '<!doctype html><title>review</title>');
  writeFileSync(join(root, 'dist', 'x.js'), '// x');
  return root;
}

describe(`hardening (${backend})`, () => {
  let s: Harness;
  let root: string;
  const log: string[] = [];
  before(async () => {
    root = staticRoot();
    s = await startServer({
      staticRoot: root,
      adminToken: 'admin-token',
      trustProxy: true,
      limits: { authFailuresPerMinute: 5 },
      logLevel: 'info',
      logStream: { write: (line: string) => void log.push(line) },
    });
  });
  after(async () => {
    await s.close();
    rmSync(root, { recursive: true, force: true });
  });

  // found by a new user: a phone dropping mid-upload was logged as "database unavailable" (a false
  // outage signal for whoever alerts on it), on PGlite too
  it('a client that closes the connection mid-body is no database fault', async () => {
    const before = log.length;
    const { port } = new URL(s.origin);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /api/v1/attempts HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"clientId":',
        );
        setTimeout(() => socket.destroy(), 200);
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const line = () => log.slice(before).find((l) => l.includes('closed the request'));
    for (let i = 0; i < 100 && !line(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(line(), 'the abort is logged as the client closing the request');
    assert.equal(
      log.slice(before).filter((l) => l.includes('database unavailable')).length,
      0,
      log.slice(before).join(''),
    );
    // the server and its database are fine
    assert.equal((await fetch(`${s.origin}/healthz`)).status, 200);
  });

  it('answers router-level errors (404, 414, 431, 413, bad encoding) as {code, message} with CORS', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      ['/api/v1/nothing', {}, 404, 'not_found'],
      ['/api/v1/pairings', { 'x-big': 'y'.repeat(20_000) }, 431, 'headers_too_large'],
      ['/api/v1/attempts/%E0%A4%A/finish', {}, 400, 'invalid_request'],
    ];
    for (const [path, headers, status, code] of cases) {
      const res = await raw(s.origin, path, headers);
      assert.equal(res.status, status, path.slice(0, 60));
      const body = JSON.parse(res.body) as { code: string; message: string };
      assert.equal(body.code, code);
      assert.equal(typeof body.message, 'string');
      assert.equal(res.headers['access-control-allow-origin'], '*', path.slice(0, 60));
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    }
    // a path parameter over MAX_PARAM_LENGTH: 414, with static files mounted (the GET falls through
    // to them) or not (the router refuses it)
    const long = await raw(s.origin, `/v1/installs/${'x'.repeat(5000)}/exams`);
    assert.equal(long.status, 414);
    assert.equal(long.headers['access-control-allow-origin'], '*');
    const bare = await startServer();
    try {
      const res = await raw(bare.origin, `/v1/installs/${'x'.repeat(5000)}/exams`);
      assert.equal(res.status, 414);
      assert.equal((JSON.parse(res.body) as { code: string }).code, 'uri_too_long');
      assert.equal(res.headers['access-control-allow-origin'], '*');
    } finally {
      await bare.close();
    }
    const big = await fetch(`${s.origin}/api/v1/pairings/abcdefgh/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'phone', message: { type: 'offer', sdp: 'x'.repeat(100_000) } }),
    });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { code: string }).code, 'payload_too_large');
    assert.equal(big.headers.get('access-control-allow-origin'), '*');
  });

  it('sends security headers: CSP (no framing of /review, the demo by its own site only), nosniff, referrer policy', async () => {
    const api = await fetch(`${s.origin}/v1/me`);
    assert.match(api.headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/);
    assert.equal(api.headers.get('referrer-policy'), 'no-referrer');
    const review = await fetch(`${s.origin}/review`);
    assert.equal(review.status, 200);
    const reviewCsp = review.headers.get('content-security-policy') ?? '';
    assert.match(reviewCsp, /frame-ancestors 'none'/);
    assert.match(reviewCsp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/); // no inline scripts
    assert.equal(review.headers.get('x-frame-options'), 'DENY');
    const demo = await fetch(`${s.origin}/`);
    assert.match(demo.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
    assert.equal(demo.headers.get('x-content-type-options'), 'nosniff');
  });

  it('confines static paths to their folders: /demo/..%2fdemo-x is not served', async () => {
    assert.equal((await fetch(`${s.origin}/demo/index.html`)).status, 200);
    for (const path of [
      '/demo/..%2fdemo-x/secret.txt',
      '/demo/..%2f..%2fetc%2fpasswd',
      '/demo/%2e%2e/demo-x/secret.txt',
      '/dist/..%2fdemo-x%2fsecret.txt',
      '/demo/phone.html%00.txt',
    ]) {
      const res = await raw(s.origin, path);
      // 404, or 400 for a NUL character in the path
      assert.ok([400, 404].includes(res.status), `${path}: ${res.status}`);
      assert.doesNotMatch(res.body, /TOP-SECRET/);
    }
  });

  it("serves the package's files (/dist/) with CORS: an exam site on another origin can use them as its script and asset base", async () => {
    // found by a new user: the classic script from the results server's /dist/ failed on another
    // origin (its lazy report part and worker are module loads, which need CORS)
    const res = await raw(s.origin, '/dist/x.js', { origin: 'https://exam.example' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    // pages stay without it
    const page = await raw(s.origin, '/review/index.html', { origin: 'https://exam.example' });
    assert.equal(page.headers['access-control-allow-origin'], undefined);
  });

  it('limits failed authentications per address (429 with Retry-After), other addresses unaffected', async () => {
    const attacker = { 'x-forwarded-for': '203.0.113.7' };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await call(s.origin, 'GET', '/v1/me', { token: `guess-${i}`, headers: attacker })).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.deepEqual(statuses.slice(5), [429, 429, 429]);
    const limited = await fetch(`${s.origin}/v1/me`, { headers: { token: 'guess-again', ...attacker } });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(((await limited.json()) as { code: string }).code, 'rate_limited');
    // a valid token from the same address is never refused (a class behind one NAT address)
    const valid = await call(s.origin, 'GET', '/v1/me', { token: s.demo.token, headers: attacker });
    assert.equal(valid.status, 200);
    // another candidate behind another address still gets in
    const other = await call(s.origin, 'GET', '/v1/me', {
      token: s.demo.token,
      headers: { 'x-forwarded-for': '198.51.100.2' },
    });
    assert.equal(other.status, 200);
  });

  it('never refuses valid credentials from an address that failed authentication 60+ times (campus NAT)', async () => {
    // default limits (60 a minute); the class and the guesser share one public address
    const nat = await startServer({ trustProxy: true });
    try {
      const campus = { 'x-forwarded-for': '192.0.2.44' };
      const bad: number[] = [];
      for (let i = 0; i < 65; i++)
        bad.push((await call(nat.origin, 'GET', '/v1/me', { token: `wrong-${i}`, headers: campus })).status);
      assert.deepEqual(bad.slice(0, 60), Array<number>(60).fill(401));
      assert.deepEqual(bad.slice(60), Array<number>(5).fill(429));
      // a forged ingest signature from there is refused too
      const record = (attemptId: string) => ({
        id: randomUUID(),
        attemptId,
        seq: 1,
        code: 5005,
        type: 'tab_switch',
        startedAt: Date.now(),
      });
      const forged = newAttempt('demo-client', 'not-the-secret');
      const refused = await call(nat.origin, 'POST', `/api/v1/attempts/${forged.testAttemptId}/evidence`, {
        headers: { ...attemptHeaders(forged), ...campus },
        body: { records: [record(forged.testAttemptId)] },
      });
      assert.equal(refused.status, 429);
      // a valid token and a correctly signed attempt with its evidence from the same address go through
      assert.equal((await call(nat.origin, 'GET', '/v1/me', { token: nat.demo.token, headers: campus })).status, 200);
      const attempt = newAttempt('demo-client', nat.demo.clientSecret);
      assert.equal(
        (await call(nat.origin, 'POST', '/api/v1/attempts', { body: attempt, headers: campus })).status,
        201,
      );
      const sent = await call(nat.origin, 'POST', `/api/v1/attempts/${attempt.testAttemptId}/evidence`, {
        headers: { ...attemptHeaders(attempt), ...campus },
        body: { records: [record(attempt.testAttemptId)] },
      });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      // and the bad ones keep getting 429
      assert.equal((await call(nat.origin, 'GET', '/v1/me', { token: 'wrong-again', headers: campus })).status, 429);
    } finally {
      await nat.close();
    }
  });

  it('logs structured JSON with the request id, and a value holding a newline cannot forge a line', async () => {
    const forged = 'Maths\n{"level":60,"msg":"FORGED"}';
    const install = await call<{ sid: string; token: string }>(s.origin, 'POST', '/v1/installs', {
      token: 'admin-token',
      body: { name: 'Logs' },
    });
    const exam = await call<{ sid: string }>(s.origin, 'POST', `/v1/installs/${install.body.sid}/exams`, {
      token: install.body.token,
      body: { name: forged, instructions: 'x' },
    });
    await call(s.origin, 'POST', `/v1/installs/${install.body.sid}/exams/${exam.body.sid}/sessions`, {
      token: install.body.token,
      body: { testAttemptId: 'log-1', email: 'ada@example.org' },
    });
    const res = await fetch(`${s.origin}/v1/exams/${exam.body.sid}/send_emails`, {
      method: 'POST',
      headers: { token: install.body.token },
    });
    assert.equal(res.status, 200);
    const id = res.headers.get('x-request-id');
    assert.ok(id);
    const lines = log.join('').split('\n').filter(Boolean);
    const parsed = lines.map(
      (l) => JSON.parse(l) as { msg?: string; reqId?: string; subject?: string; toDomain?: string },
    );
    assert.ok(!parsed.some((l) => l.msg === 'FORGED'), 'a forged line was written');
    const email = parsed.find((l) => l.msg === 'email suppressed (logging mailer)');
    assert.equal(email?.subject, `Your proctored exam: ${forged}`);
    // the mailer's line is the request's (its reqId), and names the recipient's domain only
    assert.equal(email?.reqId, id);
    assert.equal(email?.toDomain, 'example.org');
    assert.ok(!lines.some((l) => l.includes('ada@example.org')), 'the address was logged');
    // Fastify's request lines carry the id the response names
    assert.ok(parsed.some((l) => l.reqId === id && l.msg === 'request completed'));
  });

  it("answers its own request id, and logs a client's x-request-id apart, sanitized and cut to 100 characters", async () => {
    const before = log.length;
    const given = ['proxy-42', 'proxy-42', `evil"\u2028id ${'x'.repeat(300)}`];
    const answers = await Promise.all(
      given.map((id) =>
        fetch(`${s.origin}/v1/me`, { headers: { token: s.demo.token, 'x-request-id': encodeURI(id) } }),
      ),
    );
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    // ours, unique, never the client's
    assert.equal(new Set(ids).size, 3);
    for (const id of ids) assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    const lines = log
      .slice(before)
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { reqId?: string; clientRequestId?: string });
    for (const [i, id] of ids.entries()) {
      const mine = lines.filter((l) => l.reqId === id);
      assert.ok(mine.length > 0, `log lines of ${id}`);
      const client = mine[0].clientRequestId ?? '';
      if (i < 2) assert.equal(client, 'proxy-42');
      else {
        assert.equal(client.length, 100);
        assert.match(client, /^[\w.:/+=@-]+$/);
      }
    }
  });

  it("keeps the beacon's attempt HMAC (?hash=) out of the log", async () => {
    const before = log.length;
    await fetch(`${s.origin}/api/v1/attempts/t-1/status?clientId=demo-client&hash=SECRET-HMAC`, { method: 'PUT' });
    const text = log.slice(before).join('');
    assert.match(text, /hash=\[redacted\]/);
    assert.doesNotMatch(text, /SECRET-HMAC/);
  });
});

describe(`without the demo (production, ${backend})`, () => {
  let s: Harness;
  let root: string;
  before(async () => {
    root = staticRoot();
    s = await startServer({ staticRoot: root, demo: false });
  });
  after(async () => {
    await s.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves no demo page and no demo credentials, but the phone page and the dashboard', async () => {
    assert.equal((await fetch(`${s.origin}/demo/credentials`)).status, 404);
    assert.equal((await fetch(`${s.origin}/demo/index.html`)).status, 404);
    assert.equal((await fetch(`${s.origin}/demo/phone.html`)).status, 200);
    assert.equal((await fetch(`${s.origin}/demo/phone.js`)).status, 200);
    const home = await fetch(`${s.origin}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /review/);
  });
});

describe(`shutting down (${backend})`, () => {
  it('a request arriving while the server closes gets 503 shutting_down with Retry-After, CORS and the security headers', async () => {
    // found by a new user: Fastify's own 503 during close had neither, so a client could not tell
    // when to come back, and the answer escaped the headers every other answer carries
    const s = await startServer();
    const port = new URL(s.origin).port;
    const open = () =>
      new Promise<import('node:net').Socket>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
        socket.on('error', reject);
      });
    // a request still arriving holds the close open (an upload in flight) …
    const upload = await open();
    upload.write(
      'POST /api/v1/attempts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{',
    );
    // … and another client has begun its request when the close starts
    const late = await open();
    let answer = '';
    late.on('data', (d: Buffer) => (answer += d.toString()));
    const ended = new Promise((resolve) => late.on('close', resolve));
    late.write('GET /healthz HTTP/1.1\r\nHost: x\r\nOrigin: https://lms.example\r\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closed = s.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    late.write('\r\n');
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5000))]);
    upload.destroy();
    await closed;
    const [head, body] = answer.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 503 /, answer);
    const headers = Object.fromEntries(
      head
        .split('\r\n')
        .slice(1)
        .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    assert.ok(Number(headers['retry-after']) >= 1, head);
    assert.equal(headers['x-content-type-options'], 'nosniff', head);
    assert.ok(headers['content-security-policy'], head);
    assert.equal(headers['access-control-allow-origin'], '*', head);
    assert.equal(headers.connection, 'close', head);
    const parsed = JSON.parse(body) as { code: string; message: string };
    assert.equal(parsed.code, 'shutting_down');
    assert.match(parsed.message, /shutting down/);
  });
});
