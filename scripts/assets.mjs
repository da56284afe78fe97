// Build step: writes dist/assets/ — the face model with TFLite metadata added, and the MediaPipe
// tasks-vision files we load at run time, with its usage-log upload disabled.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { addModelMetadata, buildImageMetadata, readImageMetadata } from './lib/tflite-metadata.mjs';

const require = createRequire(import.meta.url);
// Both packages keep their entry file at the package root (package.json is not exported).
const pkgDir = (name) => dirname(require.resolve(name));
const out = (p) => {
  const file = join('dist/assets', p);
  mkdirSync(dirname(file), { recursive: true });
  return file;
};

/**
 * The BlazeFace models @mediapipe/face_detection ships (Apache-2.0). tasks-vision 1.1.0 runs all
 * three once the metadata is added (it takes the anchors from the model's input size). We ship
 * `SHIPPED_FACE_MODEL`, chosen on the evaluation set (`npm run eval:faces`, README "Face detection").
 */
export const FACE_MODELS = {
  short: { file: 'face_detection_short_range.tflite', name: 'BlazeFace short range' },
  full: { file: 'face_detection_full_range.tflite', name: 'BlazeFace full range' },
  sparse: { file: 'face_detection_full_range_sparse.tflite', name: 'BlazeFace full range (sparse)' },
};
export const SHIPPED_FACE_MODEL = 'full';

/** A BlazeFace model from @mediapipe/face_detection, with the metadata tasks-vision requires. */
export function faceModel(kind = SHIPPED_FACE_MODEL) {
  const { file, name } = FACE_MODELS[kind];
  const model = new Uint8Array(readFileSync(join(pkgDir('@mediapipe/face_detection'), file)));
  const metadata = buildImageMetadata({
    name,
    description: `MediaPipe face detection (${name}), Apache-2.0; metadata added by proctor-elements.`,
    mean: [127.5],
    std: [127.5],
  });
  const result = addModelMetadata(model, metadata);
  const check = readImageMetadata(result);
  if (check?.processUnits[0]?.mean[0] !== 127.5) throw new Error('face model: metadata did not read back');
  return result;
}

/**
 * Writes the shipped face models to dist/assets/models/: full range for whole frames
 * (ASSET_PATHS.model) and short range for region passes around a followed face
 * (ASSET_PATHS.regionModel). Returns their bytes.
 */
export function writeFaceModel() {
  const result = faceModel();
  writeFileSync(out('models/face_detection.tflite'), result);
  const region = faceModel('short');
  writeFileSync(out('models/face_detection_short_range.tflite'), region);
  return result.length + region.length;
}

// tasks-vision 1.1.0 posts usage logs to a Google host every 60 s and on close(), through one small
// fetch wrapper class. We make that wrapper refuse any URL on that host (the logger then marks
// itself failed and stops its timer). The exact text is pinned with the package version; if it is
// not found exactly once, the build stops rather than ship a bundle that might phone home.
const SENDER = 'async send(t,e,r){';
const GUARD = 'if(/^https:\\/\\/[^/]*googleapis\\.com\\//.test(String(t.url))){r?.(403);return}';

export function copyMediapipe() {
  const dir = pkgDir('@mediapipe/tasks-vision');
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  if (version !== '1.1.0') throw new Error(`@mediapipe/tasks-vision ${version} installed; 1.1.0 is required`);
  const bundle = readFileSync(join(dir, 'vision_bundle.mjs'), 'utf8');
  const hits = bundle.split(SENDER).length - 1;
  if (hits !== 1 || !bundle.includes('odml.pa.googleapis.com'))
    throw new Error(`tasks-vision: expected one usage-log sender, found ${hits}; update scripts/assets.mjs`);
  writeFileSync(out('mediapipe/vision_bundle.mjs'), bundle.replace(SENDER, SENDER + GUARD));
  for (const f of [
    'vision_wasm_internal.js',
    'vision_wasm_internal.wasm',
    'vision_wasm_module_internal.js',
    'vision_wasm_module_internal.wasm',
  ])
    writeFileSync(out(`mediapipe/${f}`), readFileSync(join(dir, 'wasm', f)));
}

/**
 * qrcode-generator's ES module, for the classic-script build (`autoproctor.js`), which loads it
 * only when a mobile check runs (an IIFE cannot code-split; this keeps ~8 KB gzip out of it).
 */
export function copyQrEncoder() {
  writeFileSync(
    out('vendor/qrcode.mjs'),
    readFileSync(join(dirname(require.resolve('qrcode-generator')), 'qrcode.mjs')),
  );
}

/** The spoken-digit clips of the speakers check (made by scripts/make-digit-clips.sh, committed). */
export function copySpeech() {
  cpSync('assets/speech', 'dist/assets/speech', { recursive: true });
}
