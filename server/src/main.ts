#!/usr/bin/env node
/**
 * The reference server's entry: `proctor-elements-server` (the bin of this package, i.e.
 * `node server/dist/main.js`), and `npm start`'s quick start. Configured only by environment variables (the
 * README's "Deploying" table): PORT (8080), HOST (127.0.0.1), DATA_DIR (.data/pglite, PGlite's
 * folder), DATABASE_URL (PostgreSQL instead of PGlite), ADMIN_TOKEN (enables POST /v1/installs),
 * NODE_ENV (`production`: no demo), LOG_LEVEL (info), TRUST_PROXY, PUBLIC_ORIGIN, TLS_CERT_FILE and
 * TLS_KEY_FILE (HTTPS without a proxy), INGEST_RATE_PER_SECOND (20),
 * BODY_LIMIT_BYTES, PHOTO_LIMIT_BYTES, PAIRING_POLL_MS, PAIRING_CODES_PER_MINUTE (30), STATIC_ROOT (default: the installed
 * proctor-elements package's dist/ and this package's copy of the pages) and the quotas of security.ts.
 *
 * DATABASE_CONNECT_TIMEOUT_MS, DATABASE_QUERY_TIMEOUT_MS and DATABASE_START_TIMEOUT_SECONDS bound the
 * waits on PostgreSQL. A setting the server cannot run with stops the start with one JSON log line
 * naming the variable and what it allows (no stack trace) and exit status 1; an unreachable
 * database is retried with backoff for DATABASE_START_TIMEOUT_SECONDS (60) first.
 *
 * Without NODE_ENV=production it is the quick start: a demo install, exam, client and token are
 * seeded and printed, and /demo/* serves the demo exam page. With it: nothing is seeded or
 * printed, /demo/* is gone (but the phone page), and the first install comes from ADMIN_TOKEN.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { isConnectionError, openDatabase, type Database } from './db.js';
import { seedDemo } from './seed.js';
import { holdDataDir } from './lock.js';
import { limitsFromEnv } from './security.js';
import { SettingError, shown } from './settings.js';

/** An error's message, whatever was thrown (PGlite throws plain objects). */
const messageOf = (error: unknown): string =>
  error instanceof Error
    ? error.message
    : typeof error === 'object' && error && 'message' in error
      ? String(error.message)
      : (JSON.stringify(error) ?? String(error));

const env = process.env;
/** How long SIGTERM / SIGINT lets requests in flight finish before their connections are cut (ms). */
const SHUTDOWN_GRACE_MS = 10_000;
const production = env.NODE_ENV === 'production';

/** One JSON log line in pino's shape, for the start before the server's logger exists (errors on stderr). */
function logLine(level: number, msg: string, fields: Record<string, unknown> = {}) {
  (level >= 50 ? process.stderr : process.stdout).write(
    `${JSON.stringify({ level, time: Date.now(), msg, ...fields })}\n`,
  );
}

/** A whole number from `min` to `max` from the environment, or a startup error naming the variable. */
function integer(name: string, fallback?: number, min = 1, max = 999_999_999_999_999): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]{1,15}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new SettingError(name, `${name} must be a whole number from ${min} to ${max}, not ${shown(raw)}.`);
  return Number(raw);
}
/** Hours from the environment (decimals allowed, e.g. 0.5) as ms, or a startup error naming the variable. */
function hours(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback * 3_600_000;
  if (!/^[0-9]{1,6}(\.[0-9]{1,6})?$/.test(raw))
    throw new SettingError(name, `${name} must be a number of hours (e.g. 24 or 0.5; 0: never), not ${shown(raw)}.`);
  return Number(raw) * 3_600_000;
}
/**
 * TRUST_PROXY: `true`, `false`, a hop count (app.ts's `proxyTrust` makes it one Fastify 5 honours),
 * or addresses/subnets (comma-separated; CIDR or netmask, or `loopback`, `linklocal`, `uniquelocal`),
 * as proxy-addr takes them.
 */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^[0-9]{1,3}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((e) => e.trim());
  const valid = (entry: string) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
    const [address, range, ...rest] = entry.split('/');
    const family = isIP(address);
    if (!family || rest.length) return false;
    if (range === undefined) return true;
    return /^[0-9]{1,3}$/.test(range) ? Number(range) <= (family === 4 ? 32 : 128) : isIP(range) === family;
  };
  if (!entries.every(valid))
    throw new SettingError(
      'TRUST_PROXY',
      `TRUST_PROXY must be true, false, a hop count (e.g. 1), or the proxies' addresses or subnets separated by commas (e.g. 10.0.0.1,192.168.0.0/16,loopback), not ${shown(raw)}.`,
    );
  return entries.join(',');
}
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
function logLevel(raw: string | undefined) {
  if (raw === undefined || raw === '') return 'info';
  if (!LOG_LEVELS.includes(raw))
    throw new SettingError('LOG_LEVEL', `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${shown(raw)}.`);
  return raw;
}
/** DATABASE_URL with its password hidden, for log lines. */
function redacted(url: string) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not shown: not a URL)';
  }
}
/** `raw` as a URL, or undefined where it is none (the caller names the setting in its error). */
function parsedUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}
/** DATABASE_URL: a postgres:// (or postgresql://, socket:) URL; its value is never echoed (it may hold a password). */
function databaseUrl(raw: string | undefined) {
  if (!raw) return undefined;
  const url = parsedUrl(raw);
  if (!url || !['postgres:', 'postgresql:', 'socket:'].includes(url.protocol))
    throw new SettingError(
      'DATABASE_URL',
      'DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/database (the value is not shown: it may hold a password); unset it to use PGlite in DATA_DIR.',
    );
  return raw;
}

/**
 * What /dist/, /demo/ and /review/ serve: STATIC_ROOT's dist/, demo/ and review/ when set; else the
 * elements from the installed proctor-elements package and the pages from this package's copy
 * (dist/public, written by its build) or, run from source, from the repository.
 */
function staticFolders() {
  if (env.STATIC_ROOT) {
    const root = resolve(env.STATIC_ROOT);
    if (!existsSync(join(root, 'review', 'index.html')))
      throw new SettingError(
        'STATIC_ROOT',
        `STATIC_ROOT must be a folder holding dist/, demo/ and review/ (a checkout of proctor-elements); ${join(root, 'review', 'index.html')} is missing.`,
      );
    return {
      dist: join(root, 'dist'),
      demo: join(root, 'demo'),
      review: join(root, 'review'),
      examples: join(root, 'examples'),
    };
  }
  const library = dirname(realpathSync(createRequire(import.meta.url).resolve('proctor-elements/package.json')));
  const here = dirname(fileURLToPath(import.meta.url));
  const pages = [join(here, 'public'), join(here, '..', '..')].find((p) => existsSync(join(p, 'review', 'index.html')));
  if (!pages) throw new Error(`The reviewer dashboard's files are missing beside ${here}: build the server package.`);
  // the integration examples exist in a development checkout only (npm run examples)
  const examples = join(pages, 'examples');
  return {
    dist: join(library, 'dist'),
    demo: join(pages, 'demo'),
    review: join(pages, 'review'),
    ...(existsSync(join(examples, 'index.html')) ? { examples } : {}),
  };
}

/**
 * TLS_CERT_FILE + TLS_KEY_FILE (PEM): both or neither, readable, a certificate and the private key
 * that belongs to it (swapped files are named as such); else a startup error naming the variable.
 */
function tls() {
  const [certFile, keyFile] = [env.TLS_CERT_FILE, env.TLS_KEY_FILE];
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile)
    throw new SettingError(
      certFile ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE',
      'TLS_CERT_FILE and TLS_KEY_FILE must be set together (a PEM certificate chain and its private key), or neither.',
    );
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new SettingError(
        name,
        `${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): it must be a readable PEM file.`,
      );
    }
  };
  const [cert, key] = [read('TLS_CERT_FILE', certFile), read('TLS_KEY_FILE', keyFile)];
  const swapped = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(cert.toString('latin1'));
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new SettingError(
      'TLS_CERT_FILE',
      `TLS_CERT_FILE must be a PEM certificate (-----BEGIN CERTIFICATE-----); ${certFile} is not one${swapped ? ' but a private key: are TLS_CERT_FILE and TLS_KEY_FILE swapped?' : '.'}`,
    );
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new SettingError(
      'TLS_KEY_FILE',
      `TLS_KEY_FILE must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----); ${keyFile} is not one.`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey))
    throw new SettingError(
      'TLS_KEY_FILE',
      `TLS_KEY_FILE must be the private key of TLS_CERT_FILE's certificate; ${keyFile} is another key.`,
    );
  return { cert, key };
}
/** PUBLIC_ORIGIN: an http(s) origin (scheme, host, port; no path), or a startup error. */
function publicOrigin(raw: string | undefined) {
  if (!raw) return undefined;
  const url = parsedUrl(raw);
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== raw.replace(/\/$/, ''))
    throw new SettingError(
      'PUBLIC_ORIGIN',
      `PUBLIC_ORIGIN must be an origin such as https://proctor.example.org (no path), not ${shown(raw)}.`,
    );
  return url.origin;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Why a connection failed, in a few words (pg's errors for a refused connection may have no message). */
const reason = (error: unknown) => {
  const e = ((error as { cause?: unknown }).cause ?? error) as { code?: string; message?: string };
  return [e.code, e.message].filter(Boolean).join(': ') || 'no reason given';
};

/**
 * Opens the database; PostgreSQL that cannot be reached yet (starting beside us in compose, a
 * failover) is retried with backoff (0.5 s doubling to 10 s) for DATABASE_START_TIMEOUT_SECONDS. A
 * refusal that waiting cannot mend (a wrong password, no such database) stops the start at once.
 */
async function open(dataDir: string, url: string | undefined): Promise<Database> {
  const options = {
    connectTimeoutMs: integer('DATABASE_CONNECT_TIMEOUT_MS'),
    queryTimeoutMs: integer('DATABASE_QUERY_TIMEOUT_MS'),
  };
  const waitMs = integer('DATABASE_START_TIMEOUT_SECONDS', 60, 0, 86_400)! * 1000;
  const started = Date.now();
  for (let attempt = 1, delay = 500; ; attempt++, delay = Math.min(delay * 2, 10_000)) {
    try {
      return await openDatabase({ DATABASE_URL: url }, dataDir, options);
    } catch (error) {
      if (!url)
        throw new SettingError(
          'DATA_DIR',
          `DATA_DIR must be a folder PGlite can create or open (${dataDir}): ${messageOf(error)}. Set DATA_DIR to a writable folder, or DATABASE_URL to use PostgreSQL.`,
        );
      const where = redacted(url);
      if (!isConnectionError(error)) {
        const code = (error as { code?: string }).code;
        throw new SettingError(
          'DATABASE_URL',
          `PostgreSQL at ${where} refused the server: ${(error as Error).message}${code ? ` (SQLSTATE ${code})` : ''}. Check DATABASE_URL's user, password and database.`,
        );
      }
      const left = started + waitMs - Date.now();
      if (left <= 0)
        throw new SettingError(
          'DATABASE_URL',
          `PostgreSQL at DATABASE_URL (${where}) could not be reached within DATABASE_START_TIMEOUT_SECONDS (${waitMs / 1000} s; ${attempt} attempts): ${reason(error)}.`,
        );
      logLine(40, 'the database cannot be reached yet; retrying', {
        database: where,
        attempt,
        retryInMs: Math.min(delay, left),
        reason: reason(error),
      });
      await sleep(Math.min(delay, left));
    }
  }
}

async function start() {
  // every setting is checked before anything starts
  // a misspelt production (`prod`, `Production`) would seed the demo and print its secret
  if (env.NODE_ENV && !['production', 'development', 'test'].includes(env.NODE_ENV))
    throw new SettingError(
      'NODE_ENV',
      `NODE_ENV must be production (no demo), development or test, or unset (the quick start with its demo), not ${shown(env.NODE_ENV)}.`,
    );
  const port = integer('PORT', 8080, 1, 65_535)!;
  const host = env.HOST || '127.0.0.1';
  // a variable set but empty is unset, as for every setting (compose passes `${VAR:-}` through)
  const dataDir = resolve(env.DATA_DIR || '.data/pglite');
  const adminToken = env.ADMIN_TOKEN || undefined;
  if (production && adminToken && adminToken.length < 24)
    throw new SettingError(
      'ADMIN_TOKEN',
      'ADMIN_TOKEN must be at least 24 characters in production (e.g. openssl rand -hex 24).',
    );
  const https = tls();
  const origin = publicOrigin(env.PUBLIC_ORIGIN);
  const url = databaseUrl(env.DATABASE_URL);
  const settings = {
    ratePerSecond: integer('INGEST_RATE_PER_SECOND', 20),
    bodyLimit: integer('BODY_LIMIT_BYTES'),
    photoLimit: integer('PHOTO_LIMIT_BYTES'),
    trustProxy: trustProxy(env.TRUST_PROXY),
    logLevel: logLevel(env.LOG_LEVEL),
    limits: limitsFromEnv(env),
    pairing: { pollMs: integer('PAIRING_POLL_MS'), createPerMinute: integer('PAIRING_CODES_PER_MINUTE') },
    // hours without a word from an unfinished attempt's page before it is closed as abandoned (0: never)
    abandonAfterMs: hours('ABANDON_AFTER_HOURS', 24),
  };
  integer('DATABASE_CONNECT_TIMEOUT_MS');
  integer('DATABASE_QUERY_TIMEOUT_MS');
  integer('DATABASE_START_TIMEOUT_SECONDS', 60, 0, 86_400);
  const folders = staticFolders();

  let release: () => void = () => undefined;
  if (!url) {
    try {
      release = holdDataDir(dataDir);
    } catch (error) {
      throw new SettingError('DATA_DIR', `DATA_DIR (${dataDir}): ${messageOf(error)}`);
    }
  }
  const db = await open(dataDir, url);
  const demo = production ? undefined : await seedDemo(db);
  const app = await buildApp({
    db,
    staticFolders: folders,
    demo: !production,
    adminToken,
    https,
    publicOrigin: origin,
    ...settings,
  });
  try {
    await app.listen({ port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new SettingError(
        'PORT',
        `PORT ${port} is already in use on ${host}: choose another PORT, or stop what listens there.`,
      );
    if (code === 'EACCES')
      throw new SettingError(
        'PORT',
        `PORT ${port} needs privileges this process lacks: use a PORT from 1024 to 65535.`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      throw new SettingError(
        'HOST',
        `HOST must be an address of this machine (e.g. 127.0.0.1, or 0.0.0.0 for all), not ${shown(host)}.`,
      );
    throw error;
  }
  const listening = `${https ? 'https' : 'http'}://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  const address = origin ?? listening;
  const where = db.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDir}`;
  if (demo) {
    // the quick start's instructions, for a person at a terminal
    console.log(`proctor-elements reference server: ${address}/ (data: ${where})`);
    console.log(`  demo exam page   ${address}/`);
    console.log(`  reviewer         ${address}/review  (token below)`);
    console.log(`  examples         ${address}/examples/  (npm run examples builds them first)`);
    console.log(`  API (OpenAPI)    ${address}/openapi.json`);
    console.log(
      `${demo.created ? 'seeded' : 'demo'}: install ${demo.installSid}, exam ${demo.examSid}, client ${demo.clientId} (secret ${demo.clientSecret}), API token ${demo.token}`,
    );
  } else {
    const [leftover] = await db.query<{ client_id: string }>(
      "select client_id from clients where client_id = 'demo-client'",
    );
    if (leftover)
      app.log.warn(
        "this database holds the quick start's demo install (client demo-client and its token): remove it, or use a fresh database",
      );
    if (origin?.startsWith('http:') && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(origin))
      app.log.warn(
        { origin },
        'PUBLIC_ORIGIN is not https: phones open the camera only on https pages (the mobile check), and exam pages need https too',
      );
    app.log.info(
      {
        origin: address,
        listening,
        database: db.kind,
        admin: adminToken ? 'POST /v1/installs enabled' : 'disabled (no ADMIN_TOKEN)',
      },
      'proctor-elements server started (production: no demo)',
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing the requests in flight');
    // a connection a client keeps alive would hold the close open for as long as the client lives:
    // each is closed as soon as its request is answered, and whatever is left after
    // SHUTDOWN_GRACE_MS is cut (what was not acknowledged, a client sends again)
    const idle = setInterval(() => app.server.closeIdleConnections(), 100);
    const cut = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await app.close();
    clearInterval(idle);
    clearTimeout(cut);
    await db.close();
    release();
    app.log.info({ signal }, 'proctor-elements server stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

try {
  await start();
} catch (error) {
  // one JSON line, no stack trace: the variable to fix and what it allows, or what failed
  const e = error as { code?: unknown; message?: string };
  logLine(60, `the server cannot start: ${e.message ?? String(error)}`, {
    ...(error instanceof SettingError
      ? { variable: error.variable }
      : typeof e.code === 'string'
        ? { code: e.code }
        : {}),
  });
  process.exit(1);
}
