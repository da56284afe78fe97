// The server's start as an operator meets it: every setting it cannot run with stops it with exit
// status 1 and ONE JSON log line naming the variable and what it allows (no stack trace); an
// unreachable PostgreSQL is retried with backoff for DATABASE_START_TIMEOUT_SECONDS, and a
// database that comes up meanwhile is used; SIGTERM logs the shutdown. Real processes (main.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openPostgres } from '../src/db.js';
import { lockFileOf } from '../src/lock.js';
import { backend } from './harness.js';
import { Agent, request as httpRequest } from 'node:http';
import { freePort, sleep, spawnServer, waitFor } from './helpers/server-process.js';
import { selfSignedCertificate } from './helpers/tls.js';

interface Run {
  code: number | null;
  output: string;
}
/** Starts main.ts with only `env` (and PATH); `whileUp` runs once /healthz answers 200, then SIGTERM. */
async function run(
  env: Record<string, string>,
  whileUp?: (origin: string) => Promise<void>,
  onOutput?: (text: string) => void,
  cwd?: string,
): Promise<Run> {
  const server = await spawnServer({
    env: { NODE_ENV: 'production', DATA_DIR: join(tmpdir(), `ap-start-${randomBytes(4).toString('hex')}`), ...env },
    cwd,
    onOutput,
    ready: false,
  });
  if (whileUp) {
    const state = await waitFor(
      async () =>
        server.exitCode() !== null
          ? 'exited'
          : (await fetch(`${server.origin}/healthz`).catch(() => undefined))?.status === 200 && 'up',
      'the server did not start',
      { timeoutMs: 100_000, detail: server.output },
    ).catch((error: Error) => {
      server.child.kill('SIGKILL');
      throw error;
    });
    if (state === 'up')
      try {
        await whileUp(server.origin);
      } finally {
        await server.stop();
      }
  }
  return { code: await server.exited, output: server.output() };
}

/** The output's lines, each of which must be JSON. */
function jsonLines(output: string) {
  return output
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as { level: number; msg: string; variable?: string; signal?: string };
      } catch {
        throw new Error(`not a JSON line: ${l}`);
      }
    });
}

/** Exit status 1, one fatal JSON line naming `variable` and matching `allowed`, no stack trace. */
function assertStartupError(r: Run, variable: string, allowed: RegExp) {
  assert.equal(r.code, 1, r.output);
  assert.doesNotMatch(r.output, /\n\s+at /, 'a stack trace');
  const fatal = jsonLines(r.output).filter((l) => l.level >= 50);
  assert.equal(fatal.length, 1, r.output);
  assert.equal(fatal[0].variable, variable, r.output);
  assert.match(fatal[0].msg, new RegExp(variable));
  assert.match(fatal[0].msg, allowed);
}

describe('startup errors (main.ts)', () => {
  it('names the variable and what it allows, in one JSON line, for each bad setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-tls-'));
    try {
      const { cert, key } = selfSignedCertificate(dir);
      const cases: [Record<string, string>, string, RegExp][] = [
        [{ PHOTO_LIMIT_BYTES: '0' }, 'PHOTO_LIMIT_BYTES', /whole number from 1/],
        [{ BODY_LIMIT_BYTES: '2MB' }, 'BODY_LIMIT_BYTES', /whole number from 1/],
        [{ TRUST_PROXY: 'banana' }, 'TRUST_PROXY', /true, false, a hop count/],
        [{ TRUST_PROXY: '10.0.0.0/99' }, 'TRUST_PROXY', /subnets/],
        [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of fatal, error, warn, info, debug, trace, silent/],
        [{ PORT: '99999' }, 'PORT', /from 1 to 65535/],
        // found by a new user: a misspelt production seeded the demo and printed its secret
        [{ NODE_ENV: 'prod' }, 'NODE_ENV', /production \(no demo\), development or test/],
        [{ NODE_ENV: 'Production' }, 'NODE_ENV', /not "?Production/],
        [{ PHOTOS_PER_ATTEMPT: '-3' }, 'PHOTOS_PER_ATTEMPT', /positive whole number/],
        [{ TLS_CERT_FILE: key, TLS_KEY_FILE: cert }, 'TLS_CERT_FILE', /PEM certificate.*swapped/],
        [{ TLS_CERT_FILE: cert }, 'TLS_KEY_FILE', /set together/],
        [{ DATABASE_URL: 'banana' }, 'DATABASE_URL', /postgres:\/\/user:password@host:5432\/database/],
        [{ DATABASE_URL: 'mysql://u:hunter2@db/x' }, 'DATABASE_URL', /PostgreSQL URL/],
        [{ ABANDON_AFTER_HOURS: 'soon' }, 'ABANDON_AFTER_HOURS', /number of hours/],
        [{ PAIRING_CODES_PER_MINUTE: '0' }, 'PAIRING_CODES_PER_MINUTE', /whole number from 1/],
        // found by a new user: a file as DATA_DIR gave "[object Object]"; a STATIC_ROOT that does not
        // exist started a server answering 404 for every page
        [{ DATA_DIR: cert }, 'DATA_DIR', /a folder PGlite can create or open|DATA_DIR \(/],
        [{ DATA_DIR: '/proc/nope' }, 'DATA_DIR', /DATA_DIR/],
        [{ STATIC_ROOT: join(dir, 'nonexistent') }, 'STATIC_ROOT', /dist\/, demo\/ and review\//],
      ];
      const results = await Promise.all(cases.map(([env]) => run(env)));
      for (const [i, [env, variable, allowed]] of cases.entries()) {
        assertStartupError(results[i], variable, allowed);
        // a password in DATABASE_URL is never echoed
        if (env.DATABASE_URL) assert.doesNotMatch(results[i].output, /hunter2/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a variable set but empty as unset (its default), DATA_DIR included', async () => {
    // found by a new user: `DATA_DIR=` put the database in the current folder, not .data/pglite
    const cwd = mkdtempSync(join(tmpdir(), 'ap-cwd-'));
    try {
      const r = await run(
        { DATA_DIR: '', HOST: '', LOG_LEVEL: '', TRUST_PROXY: '', PUBLIC_ORIGIN: '', ABANDON_AFTER_HOURS: '' },
        async (origin) => assert.equal((await fetch(`${origin}/healthz`)).status, 200),
        undefined,
        cwd,
      );
      assert.equal(r.code, 0, r.output);
      assert.ok(existsSync(join(cwd, '.data', 'pglite', 'PG_VERSION')), 'the database is in .data/pglite');
      assert.ok(!existsSync(join(cwd, 'PG_VERSION')), 'the database is not in the current folder');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  // found by a new user: SIGTERM waited for as long as a client kept its connection alive (45 s
  // with a pairing long poll open), so `docker stop` would end in SIGKILL
  it('SIGTERM stops the server while a client keeps its connection alive, a long poll open', async () => {
    const dataDir = join(tmpdir(), `ap-stop-${randomBytes(4).toString('hex')}`);
    const server = await spawnServer({ env: { NODE_ENV: 'production', DATA_DIR: dataDir, PAIRING_POLL_MS: '60000' } });
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000 });
    try {
      const ask = (method: string, path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(`${server.origin}${path}`, { method, agent }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          });
          req.on('error', reject);
          req.end();
        });
      const created = await ask('POST', '/api/v1/pairings');
      assert.equal(created.status, 201, created.body);
      const { code } = JSON.parse(created.body) as { code: string };
      // the exam page's long poll, on a kept-alive connection
      const poll = ask('GET', `/api/v1/pairings/${code}/messages?for=exam`);
      await sleep(500);
      server.child.kill('SIGTERM');
      // the poll is answered (no message yet), not cut
      const answered = await poll;
      assert.equal(answered.status, 200, answered.body);
      assert.deepEqual(JSON.parse(answered.body), { messages: [] });
      // the process ends while this client is still alive with its connection pooled
      const code_ = await waitFor(() => server.exitCode() !== null && server.exitCode(), 'the server to exit', {
        timeoutMs: 40_000,
        detail: server.output,
      }).catch(() => 'still running');
      assert.equal(code_, 0, server.output());
      assert.match(server.output(), /proctor-elements server stopped/);
    } finally {
      agent.destroy();
      server.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // found by a new user: the image (DATA_DIR=/data, run as `node`) could not start on PGlite, its
  // lock being `/data.lock` in root-owned `/`. Root writes anywhere, so the server runs as `nobody`
  // (setpriv, which execs node itself: signals reach it) in a folder only DATA_DIR of which it owns.
  const root = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
  it(
    'starts on PGlite in a DATA_DIR whose parent folder it cannot write (the lock is inside DATA_DIR)',
    { skip: !root && 'needs root and setpriv to run the server as another user' },
    async () => {
      const parent = mkdtempSync(join(tmpdir(), 'ap-parent-')); // root's, 0700
      chmodSync(parent, 0o755);
      const dataDir = join(parent, 'data');
      mkdirSync(dataDir);
      chownSync(dataDir, 65534, 65534);
      const server = await spawnServer({
        env: { NODE_ENV: 'production', DATA_DIR: dataDir },
        prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'],
      }).catch((error: Error) => error);
      try {
        assert.ok(!(server instanceof Error), server instanceof Error ? server.message : '');
        assert.equal((await fetch(`${server.origin}/healthz`)).status, 200);
        assert.equal(readFileSync(lockFileOf(dataDir), 'utf8'), String(server.child.pid));
        assert.ok(existsSync(join(dataDir, 'PG_VERSION')), 'the database is in DATA_DIR');
        assert.deepEqual(readdirSync(parent), ['data'], 'nothing written beside DATA_DIR');
        assert.equal(await server.stop(), 0, server.output());
        assert.ok(!existsSync(lockFileOf(dataDir)), 'the lock is released at exit');
      } finally {
        if (!(server instanceof Error)) server.child.kill('SIGKILL');
        rmSync(parent, { recursive: true, force: true });
      }
    },
  );

  it('a second server on the same PGlite DATA_DIR stops at once, naming DATA_DIR and the holder', async () => {
    const dataDir = join(tmpdir(), `ap-lock-${randomBytes(4).toString('hex')}`);
    const first = await spawnServer({ env: { NODE_ENV: 'production', DATA_DIR: dataDir } });
    try {
      assertStartupError(
        await run({ DATA_DIR: dataDir }),
        'DATA_DIR',
        new RegExp(`in use by process ${first.child.pid}`),
      );
      // the lock of older versions, beside the folder, is honoured too
      await first.stop();
      // a live process: this test's
      writeFileSync(`${dataDir}.lock`, String(process.pid));
      assertStartupError(await run({ DATA_DIR: dataDir }), 'DATA_DIR', /in use by process/);
    } finally {
      first.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}.lock`, { force: true });
    }
  });

  // found by a new user: 30 pairing codes a minute per address was fixed, and a campus NAT puts a
  // whole exam hall on one address
  it('PAIRING_CODES_PER_MINUTE sets how many pairing codes one address may create per minute', async () => {
    const statuses: number[] = [];
    const r = await run({ PAIRING_CODES_PER_MINUTE: '32' }, async (origin) => {
      for (let i = 0; i < 33; i++) {
        const res = await fetch(`${origin}/api/v1/pairings`, { method: 'POST' });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    });
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(statuses, [...Array<number>(32).fill(201), 429]);
  });

  it('a port in use is named (PORT), in one JSON line', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      assertStartupError(await run({ PORT: String(port) }), 'PORT', /already in use/);
    } finally {
      blocker.close();
    }
  });
});

const onPostgres = backend === 'postgres';
describe(
  onPostgres
    ? 'startup on PostgreSQL: retries, refusals, shutdown (postgres)'
    : 'startup on PostgreSQL: retries, refusals, shutdown (needs TEST_BACKEND=postgres)',
  { skip: !onPostgres && 'needs a PostgreSQL server' },
  () => {
    const target = new URL(process.env.DATABASE_URL ?? 'postgres://localhost/x');

    it('stops at once, naming DATABASE_URL without its password, when PostgreSQL refuses the credentials', async () => {
      const wrong = new URL(target);
      wrong.password = 'not-the-password-x7';
      const r = await run({ DATABASE_URL: wrong.toString(), DATABASE_START_TIMEOUT_SECONDS: '60' });
      assertStartupError(r, 'DATABASE_URL', /password authentication failed|SQLSTATE 28P01/);
      assert.doesNotMatch(r.output, /not-the-password-x7/);
    });

    it('retries an unreachable database with backoff for DATABASE_START_TIMEOUT_SECONDS, then stops with one line', async () => {
      const gone = new URL(target);
      gone.port = String(await freePort()); // nothing listens there
      const r = await run({ DATABASE_URL: gone.toString(), DATABASE_START_TIMEOUT_SECONDS: '2' });
      assertStartupError(r, 'DATABASE_URL', /could not be reached within DATABASE_START_TIMEOUT_SECONDS \(2 s/);
      const retries = jsonLines(r.output).filter((l) => l.msg.includes('retrying'));
      assert.ok(retries.length >= 2, r.output);
    });

    it('uses a database that comes up while it retries, and logs its shutdown on SIGTERM', async () => {
      // PostgreSQL "starts" once the server has found it unreachable: a TCP forwarder to it begins
      // listening when the server logs its first retry
      const port = await freePort();
      const sockets: Socket[] = [];
      const forwarder = createServer((down) => {
        const up = connect(Number(target.port || 5432), target.hostname);
        sockets.push(down, up);
        down.pipe(up).pipe(down);
        down.on('error', () => up.destroy());
        up.on('error', () => down.destroy());
      });
      let up = false;
      const comeUp = (output: string) => {
        if (up || !output.includes('retrying')) return;
        up = true;
        forwarder.listen(port, '127.0.0.1');
      };
      const schema = `test_${randomBytes(6).toString('hex')}`;
      const via = new URL(target);
      via.hostname = '127.0.0.1';
      via.port = String(port);
      via.searchParams.set('options', `-c search_path=${schema}`);
      const own = await openPostgres(target.toString(), { schema, dropSchemaOnClose: true, max: 2 });
      try {
        let served = false;
        const r = await run(
          {
            DATABASE_URL: via.toString(),
            DATABASE_START_TIMEOUT_SECONDS: '60',
            PUBLIC_ORIGIN: 'https://proctor.example.org',
          },
          async (origin) => {
            const res = await fetch(`${origin}/healthz`);
            served = res.status === 200;
            // PUBLIC_ORIGIN is https: browsers are told to keep to HTTPS
            assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000');
          },
          comeUp,
        );
        assert.ok(served, r.output);
        assert.equal(r.code, 0, r.output);
        const lines = jsonLines(r.output);
        assert.ok(
          lines.some((l) => l.msg.includes('retrying')),
          'it waited for the database',
        );
        assert.ok(
          lines.some((l) => l.signal === 'SIGTERM' && /shutting down/.test(l.msg)),
          r.output,
        );
        assert.ok(
          lines.some((l) => l.signal === 'SIGTERM' && /stopped/.test(l.msg)),
          r.output,
        );
      } finally {
        for (const s of sockets) s.destroy();
        forwarder.close();
        await own.close();
      }
    });
  },
);
