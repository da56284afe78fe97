// The server's API tests: always against PGlite (in memory); again against PostgreSQL when
// DATABASE_URL is set (each test file in its own throw-away schema).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const files = readdirSync('server/test')
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => `server/test/${f}`);
const runs = [{ TEST_BACKEND: 'pglite' }];
if (process.env.DATABASE_URL) runs.push({ TEST_BACKEND: 'postgres' });
else console.log('test:server: DATABASE_URL is not set, so the PostgreSQL run is skipped (PGlite only).');
for (const env of runs) {
  console.log(`test:server: ${env.TEST_BACKEND}`);
  const r = spawnSync(
    process.execPath,
    ['--conditions=proctor-elements-source', '--import', 'tsx', '--test', '--test-concurrency=1', ...files],
    {
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}
