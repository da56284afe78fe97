// The deployable server, as the Docker image runs it (issue 18): builds the server package, packs it
// beside the library's tarball, installs both with `npm install --omit=dev` into a throw-away
// folder (runtime dependencies only, no development tool), then starts
// `node node_modules/proctor-elements-server/dist/main.js` with NODE_ENV=production, once on PGlite
// and once on PostgreSQL (DATABASE_URL, in a throw-away schema; skipped with a note when unset),
// and checks what an operator sees: /healthz, the pages, no demo, no secret in the log, the first
// install from ADMIN_TOKEN and an authenticated API round trip (evidence in, the session out).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Development tools that must not reach a production install. */
const DEV_ONLY = [
  'typescript',
  'tsx',
  'vite',
  'storybook',
  'eslint',
  'rollup',
  'esbuild',
  'react',
  'vue',
  'playwright-core',
];

/** A free loopback port. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Packs the server workspace into `work`; answers the tarball's path. */
export function packServer(root, work, fail) {
  execFileSync(npm, ['run', 'build', '-w', 'server'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const [packed] = JSON.parse(
    execFileSync(npm, ['pack', '-w', 'server', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  const files = packed.files.map((f) => f.path);
  const stray = files.filter((p) => !(p.startsWith('dist/') || p === 'package.json') || p.endsWith('.map'));
  if (stray.length) fail(`the server package holds files it should not: ${stray.slice(0, 10).join(', ')}`);
  const required = [
    'dist/main.js',
    'dist/cli.js',
    'dist/app.js',
    'dist/app.d.ts',
    'dist/public/review/index.html',
    'dist/public/demo/phone.html',
    'dist/public/demo/phone.js',
  ];
  const missing = required.filter((p) => !files.includes(p));
  if (missing.length) fail(`the server package lacks ${missing.join(', ')}`);
  return { tarball: join(work, packed.filename), files: files.length, size: packed.size };
}

/** `npm install --omit=dev` of the two tarballs into `dir`, as the image's runtime stage does. */
export function installTarballs(dir, tarballs, fail) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, name: 'deploy' }));
  execFileSync(
    npm,
    // the Dockerfile's flags (and --prefer-offline: npm's cache answers when it can)
    [
      'install',
      '--omit=dev',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...tarballs,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // every package npm placed (nested ones too), from its record of the install
  const lock = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8'));
  const installed = Object.keys(lock.packages).filter((p) => p.includes('node_modules/'));
  const dev = DEV_ONLY.filter((p) => existsSync(join(dir, 'node_modules', p)));
  if (dev.length) fail(`a production install pulls development tools: ${dev.join(', ')}`);
  return installed.length;
}

/** Starts the installed server as the image does; answers its origin, output and a stop function. */
async function start(dir, env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['node_modules/proctor-elements-server/dist/main.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    return exited;
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${output}`);
    if ((await fetch(`${origin}/healthz`).catch(() => undefined))?.ok) break;
    if (i > 240) {
      await stop();
      throw new Error(`the server did not answer /healthz within a minute: ${output}`);
    }
    await sleep(250);
  }
  return { origin, output: () => output, stop };
}

async function json(origin, method, path, { token, body, headers } = {}) {
  const res = await fetch(origin + path, {
    method,
    headers: {
      ...(token ? { token } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** The checks of one production start (`label`: PGlite or PostgreSQL); throws on the first failure (the server is stopped). */
export async function checkProduction(dir, label, env) {
  const adminToken = randomBytes(24).toString('hex');
  const server = await start(dir, { ...env, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'info' });
  const expect = (cond, what) => {
    if (!cond) throw new Error(`pack-check: ${label}: ${what}\n--- server output ---\n${server.output()}`);
  };
  try {
    const health = await json(server.origin, 'GET', '/healthz');
    expect(health.status === 200 && health.body.status === 'ok', `/healthz answered ${health.status}`);
    // the image's HEALTHCHECK command, from the installed package
    const check = spawnSync(process.execPath, ['node_modules/proctor-elements-server/dist/healthcheck.js'], {
      cwd: dir,
      env: { PATH: process.env.PATH, PORT: new URL(server.origin).port },
      timeout: 20000,
    });
    expect(check.status === 0, `dist/healthcheck.js exited ${check.status}: ${check.stderr}`);
    expect(
      health.body.database === (env.DATABASE_URL ? 'postgres' : 'pglite'),
      `/healthz names ${health.body.database}`,
    );
    // the pages: the reviewer dashboard, the phone page and the elements from the installed library
    for (const [path, type] of [
      ['/review', 'text/html'],
      ['/demo/phone.html', 'text/html'],
      ['/dist/cdn/proctor-elements.js', 'text/javascript'],
      ['/dist/assets/face-worker.js', 'text/javascript'],
    ]) {
      const res = await fetch(server.origin + path);
      await res.arrayBuffer();
      expect(res.status === 200 && res.headers.get('content-type')?.startsWith(type), `${path}: ${res.status}`);
    }
    // production: no demo
    for (const path of ['/demo/index.html', '/demo/credentials'])
      expect((await json(server.origin, 'GET', path)).status === 404, `${path} is served in production`);
    // the first install from ADMIN_TOKEN, then an exam page's attempt and a reviewer's read
    expect((await json(server.origin, 'POST', '/v1/installs', { body: { name: 'x' } })).status === 401, 'no token');
    const install = await json(server.origin, 'POST', '/v1/installs', {
      token: adminToken,
      body: { name: 'Pack-check university' },
    });
    expect(install.status === 201 && install.body.token, `POST /v1/installs: ${install.status}`);
    const { sid, token } = install.body;
    const me = await json(server.origin, 'GET', '/v1/me', { token });
    expect(me.status === 200 && me.body.installSid === sid, `GET /v1/me: ${me.status}`);
    const exam = await json(server.origin, 'POST', `/v1/installs/${sid}/exams`, {
      token,
      body: { name: 'Pack check', instructions: 'Closed book.' },
    });
    expect(exam.status === 201, `POST exams: ${exam.status} ${JSON.stringify(exam.body)}`);
    const examSid = exam.body.sid ?? exam.body.examSid;
    const client = await json(server.origin, 'POST', `/v1/installs/${sid}/clients`, { token, body: { examSid } });
    expect(client.status === 201, `POST clients: ${client.status}`);
    const { clientId, clientSecret } = client.body;
    const testAttemptId = `pack-${randomUUID()}`;
    const hash = createHmac('sha256', clientSecret).update(testAttemptId).digest('base64');
    const headers = { 'x-ap-client-id': clientId, 'x-ap-attempt-hash': hash };
    const attempt = await json(server.origin, 'POST', '/api/v1/attempts', {
      headers,
      body: { clientId, testAttemptId, hashedTestAttemptId: hash },
    });
    expect(attempt.status === 201, `POST attempts: ${attempt.status} ${JSON.stringify(attempt.body)}`);
    const record = {
      id: randomUUID(),
      attemptId: testAttemptId,
      seq: 1,
      code: 5005,
      type: 'tab_switch',
      startedAt: Date.now(),
      durationMs: 1500,
    };
    const sent = await json(server.origin, 'POST', `/api/v1/attempts/${testAttemptId}/evidence`, {
      headers,
      body: { records: [record] },
    });
    expect(sent.status < 300, `POST evidence: ${sent.status} ${JSON.stringify(sent.body)}`);
    const sessions = await json(server.origin, 'GET', `/v1/installs/${sid}/exams/${examSid}/sessions`, { token });
    expect(sessions.status === 200 && sessions.body.total === 1, `GET sessions: ${JSON.stringify(sessions.body)}`);
    const sessionSid = sessions.body.results[0].sid ?? sessions.body.results[0].sessionSid;
    const events = await json(
      server.origin,
      'GET',
      `/v1/installs/${sid}/exams/${examSid}/sessions/${sessionSid}/events`,
      { token },
    );
    expect(
      events.status === 200 && events.body.total === 1 && JSON.stringify(events.body.results).includes('5005'),
      `GET events: ${events.status} ${JSON.stringify(events.body)}`,
    );
    // nothing secret in the log: neither the admin token nor the install's token
    expect(!server.output().includes(adminToken) && !server.output().includes(token), 'a token reached the log');
    expect(!/demo-client|seeded/.test(server.output()), 'the demo was seeded in production');
    const code = await server.stop();
    expect(code === 0, `SIGTERM: exit ${code}`);
  } finally {
    await server.stop();
  }
}
