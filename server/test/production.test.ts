// `npm start`'s entry as a deployment runs it: NODE_ENV=production seeds no demo, serves no
// /demo/*, prints no secret, and the first install comes from ADMIN_TOKEN; without it, the quick
// start still seeds and prints the demo. A real process on a real port, on PGlite in a temporary
// folder (or on PostgreSQL in a throw-away schema).
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openPostgres } from '../src/db.js';
import { backend, call } from './harness.js';
import { schemaUrl, spawnServer, waitFor } from './helpers/server-process.js';
import { selfSignedCertificate } from './helpers/tls.js';

async function run(env: Record<string, string>, check: (origin: string, output: () => string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'ap-prod-'));
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const url = process.env.DATABASE_URL;
  const db =
    backend === 'postgres' && url ? await openPostgres(url, { schema, dropSchemaOnClose: true, max: 2 }) : undefined;
  try {
    const server = await spawnServer({
      env: { DATA_DIR: join(dir, 'pglite'), ...(db ? { DATABASE_URL: schemaUrl(url!, schema) } : {}), ...env },
    });
    try {
      await check(server.origin, server.output);
    } finally {
      await server.stop();
    }
  } finally {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A start that must fail: its exit code and output. */
async function failedStart(env: Record<string, string>) {
  const server = await spawnServer({
    env: { NODE_ENV: 'production', DATA_DIR: join(tmpdir(), `ap-${randomBytes(4).toString('hex')}`), ...env },
    ready: false,
  });
  return { code: await server.exited, output: server.output() };
}

describe(`npm start's entry (${backend})`, () => {
  it('NODE_ENV=production: no demo seeded, served or printed; the first install from ADMIN_TOKEN', async () => {
    const adminToken = randomBytes(24).toString('hex');
    await run({ NODE_ENV: 'production', ADMIN_TOKEN: adminToken }, async (origin, output) => {
      assert.equal((await fetch(`${origin}/demo/credentials`)).status, 404);
      assert.equal((await fetch(`${origin}/demo/index.html`)).status, 404);
      assert.equal((await fetch(`${origin}/demo/phone.html`)).status, 200); // the mobile check's phone page
      assert.equal((await fetch(`${origin}/examples/html/`)).status, 404); // the examples go with the demo
      const install = await call<{ sid: string; token: string }>(origin, 'POST', '/v1/installs', {
        token: adminToken,
        body: { name: 'University' },
      });
      assert.equal(install.status, 201);
      const me = await call<{ installSid: string }>(origin, 'GET', '/v1/me', { token: install.body.token });
      assert.equal(me.body.installSid, install.body.sid);
      assert.equal((await call(origin, 'POST', '/v1/installs', { token: 'wrong', body: { name: 'x' } })).status, 403);
      // nothing secret printed: JSON log lines only, none naming the demo
      const lines = output().split('\n').filter(Boolean);
      assert.ok(lines.length > 0);
      for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
      assert.doesNotMatch(output(), /demo-client|secret|API token/);
      assert.ok(!output().includes(adminToken));
      assert.ok(!output().includes(install.body.token));
    });
  });

  it('refuses a short ADMIN_TOKEN in production, naming it', async () => {
    const { code, output } = await failedStart({ ADMIN_TOKEN: 'short' });
    assert.notEqual(code, 0);
    assert.match(output, /ADMIN_TOKEN must be at least 24 characters/);
  });

  it('without NODE_ENV=production: the quick start seeds and prints the demo', async () => {
    await run({}, async (origin, output) => {
      assert.match(output(), /seeded: install AI[0-9a-f]+, exam EX[0-9a-f]+, client demo-client/);
      const credentials = await fetch(`${origin}/demo/credentials`);
      assert.equal(credentials.status, 200);
      assert.equal(((await credentials.json()) as { clientId: string }).clientId, 'demo-client');
      // npm run examples: the examples, their scripts (no inline script: the pages' CSP) and the speed test
      assert.match(output(), /examples {2,}http:\/\/[^ ]+\/examples\//);
      for (const page of ['/examples/', '/examples/html/', '/examples/react/', '/examples/vue/']) {
        const res = await fetch(`${origin}${page}`);
        assert.equal(res.status, 200, page);
        assert.match(res.headers.get('content-type') ?? '', /text\/html/);
        assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
        assert.doesNotMatch(await res.text(), /<script type="module">/, `${page} has an inline script`);
      }
      assert.equal((await fetch(`${origin}/examples/html/app.js`)).status, 200);
      assert.equal((await fetch(`${origin}/examples/build.mjs/../../package.json`)).status, 404);
      assert.equal((await fetch(`${origin}/api/bandwidth/download?bytes=10`)).status, 200);
    });
  });

  it('PUBLIC_ORIGIN names the server in the OpenAPI document; a malformed one stops the start, naming it', async () => {
    await run({ NODE_ENV: 'production', PUBLIC_ORIGIN: 'https://proctor.example.org' }, async (origin) => {
      const doc = await call<{ servers: { url: string }[] }>(origin, 'GET', '/openapi.json');
      assert.deepEqual(
        doc.body.servers.map((s) => s.url),
        ['https://proctor.example.org'],
      );
    });
    for (const [env, message] of [
      [{ PUBLIC_ORIGIN: 'proctor.example.org/exams' }, /PUBLIC_ORIGIN must be an origin/],
      [{ TLS_CERT_FILE: '/nonexistent/cert.pem' }, /TLS_CERT_FILE and TLS_KEY_FILE must be set together/],
      [
        { TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem' },
        /TLS_CERT_FILE: cannot read \/nonexistent\/cert.pem/,
      ],
    ] as const) {
      const { code, output } = await failedStart(env);
      assert.notEqual(code, 0);
      assert.match(output, message);
    }
  });

  it('TLS_CERT_FILE and TLS_KEY_FILE: serves HTTPS (the phone page needs it) without a proxy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-tls-'));
    try {
      const { cert, key } = selfSignedCertificate(dir);
      const ca = readFileSync(cert);
      // ready: false, since the harness probes /healthz over plain HTTP
      const server = await spawnServer({
        env: { NODE_ENV: 'production', DATA_DIR: join(dir, 'pglite'), TLS_CERT_FILE: cert, TLS_KEY_FILE: key },
        ready: false,
      });
      const { port } = server;
      const get = (path: string) =>
        new Promise<{ status: number; body: string; csp?: string }>((resolve, reject) => {
          const req = httpsGet(`https://127.0.0.1:${port}${path}`, { ca }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body, csp: String(res.headers['content-security-policy']) }),
            );
          });
          req.on('error', reject);
        });
      try {
        await waitFor(
          async () => {
            if (server.exitCode() !== null) throw new Error(`the server exited: ${server.output()}`);
            return (await get('/healthz').catch(() => undefined))?.status === 200;
          },
          'the HTTPS server did not answer /healthz',
          { detail: server.output },
        );
        const phone = await get('/demo/phone.html');
        assert.equal(phone.status, 200);
        assert.match(phone.body, /<ap-mobile-camera/);
        assert.match(phone.csp ?? '', /script-src 'self'/);
        // the image's health check (the Dockerfile's HEALTHCHECK command) passes over HTTPS here,
        // and fails where the server is not (TLS given, another port)
        const healthcheck = (env: NodeJS.ProcessEnv) =>
          spawnSync(process.execPath, ['--import', 'tsx', 'server/src/healthcheck.ts'], {
            env: { ...process.env, ...env },
            timeout: 20000,
          }).status;
        assert.match(
          readFileSync('Dockerfile', 'utf8'),
          /HEALTHCHECK[^\n]*\n\s*CMD \["node", "node_modules\/proctor-elements-server\/dist\/healthcheck\.js"\]/,
        );
        assert.equal(healthcheck({ PORT: String(port), TLS_CERT_FILE: cert }), 0);
        assert.equal(healthcheck({ PORT: String(port), TLS_CERT_FILE: '' }), 1);
        // plain HTTP on the same port is not served
        assert.equal(
          await fetch(`http://127.0.0.1:${port}/healthz`).then(
            () => 'answered',
            () => 'refused',
          ),
          'refused',
        );
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
