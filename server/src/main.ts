/**
 * The reference server's entry (`npm start`). Configured only by environment variables (the
 * README's "Deploying" table): PORT (8080), HOST (127.0.0.1), DATA_DIR (.data/pglite, PGlite's
 * folder), DATABASE_URL (PostgreSQL instead of PGlite), ADMIN_TOKEN (enables POST /v1/installs),
 * NODE_ENV (`production`: no demo), LOG_LEVEL (info), TRUST_PROXY, INGEST_RATE_PER_SECOND (20),
 * BODY_LIMIT_BYTES, PHOTO_LIMIT_BYTES, PAIRING_POLL_MS, STATIC_ROOT and the quotas of security.ts.
 *
 * Without NODE_ENV=production it is the quick start: a demo install, exam, client and token are
 * seeded and printed, and /demo/* serves the demo exam page. With it: nothing is seeded or
 * printed, /demo/* is gone (but the phone page), and the first install comes from ADMIN_TOKEN.
 */
import { resolve } from 'node:path';
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

const release = env.DATABASE_URL ? () => undefined : holdDataDir(dataDir);
const db = await openDatabase(env, dataDir);
const demo = production ? undefined : await seedDemo(db);
const app = await buildApp({
  db,
  staticRoot: resolve(env.STATIC_ROOT ?? '.'),
  demo: !production,
  ratePerSecond: integer('INGEST_RATE_PER_SECOND', 20),
  bodyLimit: integer('BODY_LIMIT_BYTES'),
  photoLimit: integer('PHOTO_LIMIT_BYTES'),
  adminToken,
  trustProxy: trustProxy(env.TRUST_PROXY),
  logLevel: env.LOG_LEVEL ?? 'info',
  limits: limitsFromEnv(env),
  pairing: { pollMs: integer('PAIRING_POLL_MS') },
});
await app.listen({ port, host });
const origin = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
const where = db.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDir}`;
if (demo) {
  // the quick start's instructions, for a person at a terminal
  console.log(`proctor-elements reference server: ${origin}/ (data: ${where})`);
  console.log(`  demo exam page   ${origin}/`);
  console.log(`  reviewer         ${origin}/review  (token below)`);
  console.log(`  examples         ${origin}/examples/  (npm run examples builds them first)`);
  console.log(`  API (OpenAPI)    ${origin}/openapi.json`);
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
  app.log.info(
    { origin, database: db.kind, admin: adminToken ? 'POST /v1/installs enabled' : 'disabled (no ADMIN_TOKEN)' },
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
