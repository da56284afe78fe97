#!/usr/bin/env node
/**
 * The reference server's entry: `proctor-elements-server` (the bin of this package, i.e.
 * `node server/dist/main.js`), and `npm start`'s quick start. Configured only by environment variables (the
 * README's "Deploying" table): PORT (8080), HOST (127.0.0.1), DATA_DIR (.data/pglite, PGlite's
 * folder), DATABASE_URL (PostgreSQL instead of PGlite), ADMIN_TOKEN (enables POST /v1/installs),
 * NODE_ENV (`production`: no demo), LOG_LEVEL (info), TRUST_PROXY, PUBLIC_ORIGIN, TLS_CERT_FILE and
 * TLS_KEY_FILE (HTTPS without a proxy), INGEST_RATE_PER_SECOND (20),
 * BODY_LIMIT_BYTES, PHOTO_LIMIT_BYTES, PAIRING_POLL_MS, STATIC_ROOT (default: the installed
 * proctor-elements package's dist/ and this package's copy of the pages) and the quotas of security.ts.
 *
 * Without NODE_ENV=production it is the quick start: a demo install, exam, client and token are
 * seeded and printed, and /demo/* serves the demo exam page. With it: nothing is seeded or
 * printed, /demo/* is gone (but the phone page), and the first install comes from ADMIN_TOKEN.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { openDatabase } from './db.js';
import { seedDemo } from './seed.js';
import { holdDataDir } from './lock.js';
import { limitsFromEnv } from './security.js';

const env = process.env;
const production = env.NODE_ENV === 'production';

/** A positive integer from the environment, or a startup error naming the variable. */
function integer(name: string, fallback?: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]{1,15}$/.test(raw)) throw new Error(`${name} must be a whole number, not "${raw}".`);
  return Number(raw);
}
/** Hours from the environment (decimals allowed, e.g. 0.5) as ms, or a startup error naming the variable. */
function hours(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback * 3_600_000;
  if (!/^[0-9]{1,6}(\.[0-9]{1,6})?$/.test(raw))
    throw new Error(`${name} must be a number of hours (e.g. 24 or 0.5), not "${raw}".`);
  return Number(raw) * 3_600_000;
}
/** TRUST_PROXY: `true`, a hop count, or addresses/subnets (comma-separated), as Fastify's trustProxy. */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^[0-9]+$/.test(raw) ? Number(raw) : raw;
}

const port = integer('PORT', 8080)!;
const host = env.HOST ?? '127.0.0.1';
const dataDir = resolve(env.DATA_DIR ?? '.data/pglite');
const adminToken = env.ADMIN_TOKEN || undefined;
if (production && adminToken && adminToken.length < 24)
  throw new Error('ADMIN_TOKEN must be at least 24 characters in production.');

/**
 * What /dist/, /demo/ and /review/ serve: STATIC_ROOT's dist/, demo/ and review/ when set; else the
 * elements from the installed proctor-elements package and the pages from this package's copy
 * (dist/public, written by its build) or, run from source, from the repository.
 */
function staticFolders() {
  if (env.STATIC_ROOT) {
    const root = resolve(env.STATIC_ROOT);
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

/** TLS_CERT_FILE + TLS_KEY_FILE (PEM): both or neither; unreadable files are a startup error naming them. */
function tls() {
  const [certFile, keyFile] = [env.TLS_CERT_FILE, env.TLS_KEY_FILE];
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together.');
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`${name}: cannot read ${file} (${(error as Error).message}).`);
    }
  };
  return { cert: read('TLS_CERT_FILE', certFile), key: read('TLS_KEY_FILE', keyFile) };
}
/** PUBLIC_ORIGIN: an http(s) origin (scheme, host, port; no path), or a startup error. */
function publicOrigin(raw: string | undefined) {
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== raw.replace(/\/$/, ''))
    throw new Error(`PUBLIC_ORIGIN must be an origin such as https://proctor.example.org, not "${raw}".`);
  return url.origin;
}

const https = tls();
const origin = publicOrigin(env.PUBLIC_ORIGIN);
const release = env.DATABASE_URL ? () => undefined : holdDataDir(dataDir);
const db = await openDatabase(env, dataDir, {
  connectTimeoutMs: integer('DATABASE_CONNECT_TIMEOUT_MS'),
  queryTimeoutMs: integer('DATABASE_QUERY_TIMEOUT_MS'),
});
const demo = production ? undefined : await seedDemo(db);
const app = await buildApp({
  db,
  staticFolders: staticFolders(),
  demo: !production,
  ratePerSecond: integer('INGEST_RATE_PER_SECOND', 20),
  bodyLimit: integer('BODY_LIMIT_BYTES'),
  photoLimit: integer('PHOTO_LIMIT_BYTES'),
  adminToken,
  trustProxy: trustProxy(env.TRUST_PROXY),
  logLevel: env.LOG_LEVEL ?? 'info',
  limits: limitsFromEnv(env),
  pairing: { pollMs: integer('PAIRING_POLL_MS') },
  https,
  publicOrigin: origin,
  // hours without a word from an unfinished attempt's page before it is closed as abandoned (0: never)
  abandonAfterMs: hours('ABANDON_AFTER_HOURS', 24),
});
await app.listen({ port, host });
const listening = `${https ? 'https' : 'http'}://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
const shown = origin ?? listening;
const where = db.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDir}`;
if (demo) {
  // the quick start's instructions, for a person at a terminal
  console.log(`proctor-elements reference server: ${shown}/ (data: ${where})`);
  console.log(`  demo exam page   ${shown}/`);
  console.log(`  reviewer         ${shown}/review  (token below)`);
  console.log(`  examples         ${shown}/examples/  (npm run examples builds them first)`);
  console.log(`  API (OpenAPI)    ${shown}/openapi.json`);
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
      origin: shown,
      listening,
      database: db.kind,
      admin: adminToken ? 'POST /v1/installs enabled' : 'disabled (no ADMIN_TOKEN)',
    },
    'proctor-elements server started (production: no demo)',
  );
}

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await app.close();
  await db.close();
  release();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
