// npm run build: library + CDN bundles, declarations, assets, custom-elements.json.
import { cpSync, rmSync } from 'node:fs';
import { bin, run } from './run.mjs';
import { copyMediapipe, copyQrEncoder, copySpeech, writeFaceModel } from './assets.mjs';

const t0 = performance.now();
rmSync('dist', { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.json', '--emitDeclarationOnly']);
run(bin('rollup'), ['-c', '--silent']);
writeFaceModel();
copyMediapipe();
copySpeech();
copyQrEncoder();
cpSync('src/themes', 'dist/themes', { recursive: true });
run(bin('cem'), ['analyze', '--litelement', '--quiet']);
console.log(`build: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
