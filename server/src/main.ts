/**
 * `npm start`: the reference server. Environment: PORT (8080), HOST (127.0.0.1), DATA_DIR
 * (.data/pglite, PGlite's folder), DATABASE_URL (PostgreSQL instead of PGlite), ADMIN_TOKEN
 * (enables POST /v1/installs), INGEST_RATE_PER_SECOND (20).
 */
import { resolve } from 'node:path';
import { buildApp } from './app.js';
import { openDatabase } from './db.js';
import { seedDemo } from './seed.js';
import { holdDataDir } from './lock.js';
import { LoggingMailer } from './mailer.js';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(process.env.DATA_DIR ?? '.data/pglite');

const release = process.env.DATABASE_URL ? () => undefined : holdDataDir(dataDir);
const db = await openDatabase(process.env, dataDir);
const demo = await seedDemo(db);
const app = await buildApp({
  db,
  staticRoot: resolve('.'),
  ratePerSecond: Number(process.env.INGEST_RATE_PER_SECOND ?? 20),
  adminToken: process.env.ADMIN_TOKEN || undefined,
  mailer: new LoggingMailer(), // one log line per email, nothing sent
});
await app.listen({ port, host });
const origin = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
const where = db.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDir}`;
console.log(`proctor-elements reference server: ${origin}/ (data: ${where})`);
console.log(`  demo exam page   ${origin}/`);
console.log(`  reviewer         ${origin}/review  (token below)`);
console.log(`  API (OpenAPI)    ${origin}/openapi.json`);
console.log(
  `${demo.created ? 'seeded' : 'demo'}: install ${demo.installSid}, exam ${demo.examSid}, client ${demo.clientId} (secret ${demo.clientSecret}), API token ${demo.token}`,
);

const shutdown = async () => {
  await app.close();
  await db.close();
  release();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
