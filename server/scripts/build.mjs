// npm run build -w server: the server compiled to server/dist (tsc), with the pages it serves
// copied beside it into server/dist/public: the reviewer dashboard (review/), the phone page of the
// mobile check and the quick start's demo exam page (demo/). The elements themselves (/dist/) are
// served from the installed proctor-elements package. Needs the library built first (npm run build
// at the root): the server imports proctor-elements/vocabulary from its dist.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const server = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(server, '..');
const t0 = performance.now();
if (!existsSync(join(repo, 'dist/vocabulary.js')))
  throw new Error('server build: dist/vocabulary.js is missing: run `npm run build` (the library) first.');
rmSync(join(server, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(server, 'tsconfig.build.json')], { stdio: 'inherit' });
// every page file of review/ and demo/ (not their type-checking helpers)
const page = (file) => !file.endsWith('.d.ts') && !file.endsWith('tsconfig.json');
for (const folder of ['review', 'demo'])
  cpSync(join(repo, folder), join(server, 'dist/public', folder), { recursive: true, filter: page });
console.log(`server build: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
