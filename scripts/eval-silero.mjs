// The audio evaluation's comparison: Silero VAD v5 (the model shipped inside @ricky0123/vad-web, run
// by onnxruntime-web's wasm in Node) over the scenes written by
// `npm run eval -- --write-scenes DIR`, with the same sustain (1.5 s) and hangover (0.7 s) as the
// signal-level tracker. Not a dependency of the package: install them for the run only,
//   npm install --no-save @ricky0123/vad-web@0.0.31
//   node scripts/eval-silero.mjs DIR [seconds of each noise scene, default 60] [speech scenes, default 4]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
let ort;
let modelPath;
try {
  ort = await import('onnxruntime-web');
  modelPath = join(require.resolve('@ricky0123/vad-web/package.json'), '..', 'dist', 'silero_vad_v5.onnx');
} catch {
  console.error(
    'eval-silero: @ricky0123/vad-web is not installed: run `npm install --no-save @ricky0123/vad-web@0.0.31` first.',
  );
  process.exit(1);
}
ort.env.wasm.numThreads = 1;
const [dir, noiseSecondsArg = '60', speechLimitArg = '4'] = process.argv.slice(2);
const session = await ort.InferenceSession.create(readFileSync(modelPath));
const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
const scenes = JSON.parse(readFileSync(join(dir, 'scenes.json'), 'utf8'));
const readWav = (f) => {
  const b = readFileSync(f).subarray(44);
  const x = new Float32Array(b.length / 2);
  for (let i = 0; i < x.length; i++) x[i] = b.readInt16LE(i * 2) / 32768;
  return x;
};
let cpu = 0;
let audio = 0;
async function classify(x) {
  let state = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
  const found = [];
  let seg;
  const t0 = performance.now();
  for (let i = 0; i + 512 <= x.length; i += 512) {
    const at = ((i + 512) / 16000) * 1000;
    const r = await session.run({ input: new ort.Tensor('float32', x.slice(i, i + 512), [1, 512]), state, sr });
    state = r.stateN;
    const speech = r.output.data[0] > 0.5;
    if (seg && !speech && at - seg.last > 700) {
      if (seg.on) found.push({ start: seg.start, end: seg.last });
      seg = undefined;
    }
    if (speech) {
      seg ??= { start: at, last: at, on: false };
      seg.last = at;
      if (seg.last - seg.start >= 1500) seg.on = true;
    }
  }
  if (seg?.on) found.push({ start: seg.start, end: seg.last });
  cpu += performance.now() - t0;
  audio += (x.length / 16000) * 1000;
  return found;
}
let fa = 0;
let noiseS = 0;
let seg = 0;
let caught = 0;
let speechScenes = 0;
for (const s of scenes) {
  let x = readWav(join(dir, s.file));
  if (s.kind === 'noise') {
    x = x.subarray(0, Number(noiseSecondsArg) * 16000);
    const f = await classify(x);
    fa += f.length;
    noiseS += x.length / 16000;
    console.log(`${s.name}: ${f.length} alarm(s)`);
  } else if (s.kind === 'speech' && speechScenes++ < Number(speechLimitArg)) {
    const f = await classify(x);
    const long = s.segments.filter(([a, b]) => b - a > 2000);
    const hit = long.filter(([a, b]) => f.some((g) => g.start < b && g.end > a));
    seg += long.length;
    caught += hit.length;
    console.log(`${s.name}: ${hit.length}/${long.length}`);
  } else if (s.kind === 'music') {
    const f = await classify(x);
    console.log(`${s.name}: ${f.length} alarm(s)`);
  }
}
console.log(
  `silero v5: false alarms ${fa} in ${(noiseS / 60).toFixed(0)} min = ${((fa / noiseS) * 3600).toFixed(2)}/h; speech caught ${caught}/${seg}; CPU ${((cpu / audio) * 1000).toFixed(1)} ms per s of audio`,
);
