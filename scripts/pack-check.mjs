// Package hygiene, run by `npm test` after the build: packs the package as npm would publish it,
// checks what the tarball holds (dist, types, assets, custom-elements.json, README, LICENSE, and
// nothing else), unpacks it into a throw-away project and bundles an app that imports it by name.
// The browser test test/package-packed.test.ts renders that app. Then `proctor-elements/vocabulary`
// is imported from the tarball in plain Node (no DOM globals, no lit to resolve), and the server
// package is packed, installed beside it with `npm install --omit=dev` and started as its image
// does, with NODE_ENV=production on PGlite and on PostgreSQL (scripts/lib/server-pack.mjs).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import pg from 'pg';
import { checkProduction, installTarballs, packServer } from './lib/server-pack.mjs';

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
    'dist/vocabulary.js',
    'dist/vocabulary.d.ts',
    'dist/jsx.d.ts',
    'dist/vue.d.ts',
    'dist/locales/de.js',
    'dist/themes/dark.css',
    'dist/cdn/proctor-elements.js',
    'dist/cdn/autoproctor.js',
    'dist/assets/face-worker.js',
    'dist/assets/voice-activity-worklet.js',
    'dist/assets/models/face_detection.tflite',
    'dist/assets/models/face_detection_short_range.tflite',
    // the classic script's lazy parts (rollup.config.mjs, LAZY_PARTS)
    'dist/assets/vendor/qrcode.mjs',
    'dist/assets/report/ap-report.mjs',
    'dist/assets/phone/ap-mobile-camera.mjs',
    'dist/assets/checks/ap-requirements-check.mjs',
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

  // the vocabularies in plain Node: no window/document/customElements, and nothing beside the
  // package to import from (lit is not installed in this project: importing it would fail)
  const vocabulary = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const dom = ['window', 'document', 'HTMLElement', 'customElements'].filter((g) => g in globalThis);
       if (dom.length) throw new Error('DOM globals before the import: ' + dom);
       const v = await import('proctor-elements/vocabulary');
       const score = v.computeTrustScore([{ id: 'a', attemptId: 't', seq: 1, code: v.EvidenceCode.tab_switch, type: 'tab_switch', startedAt: 0, durationMs: 0 }]);
       console.log(JSON.stringify({ tabSwitch: v.EvidenceCode.tab_switch, threshold: v.REVIEW_THRESHOLD, score: score.trustScore, sessions: v.SESSION_STATUSES.length }));`,
    ],
    { cwd: project, encoding: 'utf8' },
  );
  const v = JSON.parse(vocabulary);
  if (v.tabSwitch !== 5005 || v.threshold !== 85 || !(v.score < 100) || !v.sessions)
    fail(`proctor-elements/vocabulary in plain Node answered ${vocabulary}`);
  console.log(`pack-check: proctor-elements/vocabulary imports in plain Node (${vocabulary.trim()})`);

  // the deployable server from its own package, as the Docker image runs it
  const t0 = performance.now();
  const server = packServer(root, work, fail);
  const deploy = join(work, 'deploy');
  const count = installTarballs(deploy, [join(work, packed.filename), server.tarball], fail);
  console.log(
    `pack-check: server package ${server.files} files, ${(server.size / 1e3).toFixed(0)} kB; npm install --omit=dev: ${count} packages`,
  );
  await checkProduction(deploy, 'PGlite', { DATA_DIR: join(work, 'pglite') });
  console.log('pack-check: the installed server runs with NODE_ENV=production on PGlite');
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = `pack_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema ${schema}`);
      const scoped = new URL(url);
      scoped.searchParams.set('options', `-c search_path=${schema}`);
      await checkProduction(deploy, 'PostgreSQL', { DATABASE_URL: scoped.toString() });
      console.log('pack-check: the installed server runs with NODE_ENV=production on PostgreSQL');
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  } else console.log('pack-check: DATABASE_URL is not set, so the server is not started on PostgreSQL here');
  console.log(`pack-check: server checks took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
