/** `npm start`: the reference server on localhost (PORT, default 8080; HOST; DATA_DIR; INGEST_RATE_PER_SECOND). */
import { resolve } from 'node:path';
import { buildApp } from './app.js';
import { openPglite } from './db.js';
import { seedDemo } from './seed.js';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(process.env.DATA_DIR ?? '.data/pglite');

const db = await openPglite(dataDir);
const demo = await seedDemo(db);
const app = await buildApp({
  db,
  staticRoot: resolve('.'),
  ratePerSecond: Number(process.env.INGEST_RATE_PER_SECOND ?? 20),
});
await app.listen({ port, host });
const origin = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
console.log(`proctor-elements reference server: ${origin}/ (data in ${dataDir})`);
console.log(
  `demo install ${demo.installSid}, exam ${demo.examSid}, client ${demo.clientId} (secret ${demo.clientSecret}), API token ${demo.token}`,
);

const shutdown = async () => {
  await app.close();
  await db.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
