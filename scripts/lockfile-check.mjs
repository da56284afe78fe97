// `npm test`'s first check: fails when `npm install` would change package-lock.json (a lockfile out
// of sync with package.json, or missing entries such as other platforms' optional packages, makes
// `npm ci` fail on a fresh clone). It runs `npm install --package-lock-only --ignore-scripts` on a
// copy of the manifests in a temporary folder and compares the lockfile it writes byte for byte.
// --prefer-offline: npm's cache answers when it can (an in-sync lockfile needs no registry at all,
// under a second); the registry is asked only for what a changed manifest needs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const files = ['package.json', 'package-lock.json', '.npmrc'];
// workspaces: their package.json files take part in the lockfile too (plain folder names only)
for (const ws of manifest.workspaces ?? []) files.push(join(ws, 'package.json'));
const dir = mkdtempSync(join(tmpdir(), 'lockfile-check-'));
try {
  for (const file of files) {
    if (!existsSync(file)) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(file, join(dir, file));
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(
    npm,
    ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
    { cwd: dir, encoding: 'utf8' },
  );
  if (run.status !== 0) {
    console.error(`lockfile-check: npm install --package-lock-only failed:\n${run.stderr}`);
    process.exit(1);
  }
  const before = readFileSync('package-lock.json', 'utf8');
  const after = readFileSync(join(dir, 'package-lock.json'), 'utf8');
  if (before !== after) {
    const a = before.split('\n');
    const b = after.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]);
    console.error(
      `lockfile-check: \`npm install\` would change package-lock.json (${a.length} → ${b.length} lines; first difference at line ${line + 1}:\n` +
        `  - ${a[line]}\n  + ${b[line]}\n` +
        'Run `npm install`, check the change and commit package-lock.json, so `npm ci` works on a fresh clone.',
    );
    process.exit(1);
  }
  // CI runs `npm install` before `npm test` (.ci/run), which may already have rewritten the
  // lockfile: there the committed one must also be the one on disk
  if (process.env.CI) {
    const diff = spawnSync('git', ['diff', '--quiet', 'HEAD', '--', 'package-lock.json']);
    if (diff.status === 1) {
      console.error(
        'lockfile-check: package-lock.json differs from the committed one (did `npm install` rewrite it?). Commit the lockfile `npm install` writes.',
      );
      process.exit(1);
    }
  }
  console.log('lockfile-check: package-lock.json is what `npm install` writes.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
