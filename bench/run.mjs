// npm run bench: prints one figure a line, `name: value unit`. Runs after `npm run build`.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const kb = (bytes) => (bytes / 1024).toFixed(1);
const figure = (name, value, unit) => console.log(`${name}: ${value} ${unit}`);

async function bundledSize(entry, external) {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    external,
    conditions: ['production'],
    logLevel: 'silent',
  });
  return gzipSync(r.outputFiles[0].contents, { level: 9 }).length;
}

// The package as a bundler would ship it: every tag defined, lit and MediaPipe left to the app.
figure(
  'bundle.library (define.js, lit external, min+gz)',
  kb(await bundledSize('dist/define.js', ['lit', 'lit/*', '@lit/*', '@mediapipe/*'])),
  'KB',
);
// ... and with lit bundled (what a page without lit pays), still without MediaPipe.
figure('bundle.library+lit (define.js, min+gz)', kb(await bundledSize('dist/define.js', ['@mediapipe/*'])), 'KB');
figure(
  'bundle.cdn (dist/cdn/proctor-elements.js, gz)',
  kb(gzipSync(readFileSync('dist/cdn/proctor-elements.js'), { level: 9 }).length),
  'KB',
);
