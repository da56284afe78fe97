// Package hygiene, run by `npm test` after the build: packs the package as npm would publish it,
// checks what the tarball holds (dist, types, assets, custom-elements.json, README, LICENSE, and
// nothing else), unpacks it into a throw-away project and bundles an app that imports it by name.
// The browser test test/package-packed.test.ts renders that app.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'pe-pack-'));
const fail = (message) => {
  console.error(`pack-check: ${message}`);
  process.exit(1);
};
try {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const [packed] = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  const files = packed.files.map((f) => f.path);
  const allowed = (p) =>
    p.startsWith('dist/') || ['README.md', 'LICENSE', 'custom-elements.json', 'package.json'].includes(p);
  const stray = files.filter((p) => !allowed(p) || p.endsWith('.map') || p.includes('node_modules/'));
  if (stray.length) fail(`the package holds files it should not: ${stray.slice(0, 10).join(', ')}`);
  const required = [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/define.js',
    'dist/react.js',
    'dist/react.d.ts',
    'dist/jsx.d.ts',
    'dist/vue.d.ts',
    'dist/locales/de.js',
    'dist/themes/dark.css',
    'dist/cdn/proctor-elements.js',
    'dist/cdn/autoproctor.js',
    'dist/assets/face-worker.js',
    'dist/assets/models/face_detection.tflite',
    'custom-elements.json',
    'README.md',
    'LICENSE',
  ];
  const missing = required.filter((p) => !files.includes(p));
  if (missing.length) fail(`the package lacks ${missing.join(', ')}`);

  // a fresh project that depends on the tarball
  const project = join(work, 'app');
  const target = join(project, 'node_modules', 'proctor-elements');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', target, '--strip-components=1']);
  writeFileSync(
    join(project, 'main.js'),
    `export { ApStatusBadge, STATUS_KINDS, describeStatus } from 'proctor-elements';\nimport 'proctor-elements/define.js';\n`,
  );
  const out = join(root, 'test/fixtures/generated/packed/app.js');
  await build({
    entryPoints: [join(project, 'main.js')],
    bundle: true,
    format: 'esm',
    outfile: out,
    logLevel: 'error',
    // the package's own dependencies (lit, …) as npm would have installed them beside it
    nodePaths: [join(root, 'node_modules')],
  });
  console.log(
    `pack-check: ${files.length} files, ${(packed.size / 1e6).toFixed(1)} MB packed (${(packed.unpackedSize / 1e6).toFixed(1)} MB unpacked); app bundled from the tarball`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
