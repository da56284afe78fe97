/**
 * Where run-time assets (the detection worker, MediaPipe's script and wasm, the face model) are
 * served. By default the package's own `assets/` folder next to its modules, so serving `dist/` just
 * works; integrators who host the files elsewhere call `setAssetBase()` or pass `assetBase`.
 */
import { baseUrl } from '../url.js';

let assetBaseOverride: string | undefined;

/** An absolute URL ending in `/`. */
export const normalizeAssetBase = baseUrl;

/** Sets the asset base for every detector created afterwards without an explicit `assetBase`. */
export function setAssetBase(base: string | URL | undefined): void {
  assetBaseOverride = base === undefined ? undefined : normalizeAssetBase(base);
}

/** The asset base in force: `setAssetBase()`'s, else the package's `assets/` folder. */
export function getAssetBase(): string {
  // dist/detection/assets.js and dist/cdn/proctor-elements.js both sit one level below dist/.
  return assetBaseOverride ?? new URL('../assets/', import.meta.url).href;
}

/**
 * The longest wait, in ms, for one asset host answer before it counts as unreachable (4100, and
 * 4018 for the classic script's `apLibLoadingFailed`): a host that accepts the connection and never
 * answers (a stalled proxy, a captive portal) must not leave the page waiting for ever.
 */
export const ASSET_LOAD_TIMEOUT_MS = 30_000;

export const ASSET_PATHS = {
  worker: 'face-worker.js',
  /** The audio tracker's AudioWorklet module (VoiceActivity off the main thread). */
  audioWorklet: 'voice-activity-worklet.js',
  vision: 'mediapipe/vision_bundle.mjs',
  wasmDir: 'mediapipe',
  /** BlazeFace full range: every whole-frame search. */
  model: 'models/face_detection.tflite',
  /** BlazeFace short range: region passes around a followed face (`DetectOptions.region`). */
  regionModel: 'models/face_detection_short_range.tflite',
} as const;
