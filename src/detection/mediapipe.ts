/**
 * Loads MediaPipe tasks-vision's FaceDetector from the asset base and runs it on one image. Shared
 * by the worker and the main-thread fallback; imports nothing of MediaPipe at module load.
 */
import type * as Vision from '@mediapipe/tasks-vision';
import { ErrorCode, ProctorError, messageOf } from '../errors.js';
import { ASSET_PATHS } from './assets.js';
import type { DetectionResult, Region } from './types.js';
// a type only: the frame reader is the worker's, and stays out of the page's bundle
import type { FramePixels } from '../media/frame-pixels.js';

export type MediapipeFaceDetector = Vision.FaceDetector;

async function reachable(url: string): Promise<boolean> {
  const res = await fetch(url, { method: 'HEAD' }).catch(() => undefined);
  return !!res?.ok;
}

const unreachable = (what: string, url: string, detail: string) =>
  new ProctorError(ErrorCode.ASSET_UNREACHABLE, `${what} could not be fetched from ${url} (${detail}).`);

/**
 * MediaPipe's wasm writes its progress notes to the console on every detector creation (glog lines
 * such as `I0000 00:00:… gl_context.cc] GL version: 3.0 …`, `W0000 … Feedback manager requires a
 * model with a single signature…`, `INFO: Created TensorFlow Lite XNNPACK delegate for CPU.`, and
 * "OpenGL error checking is disabled", "Graph finished closing successfully."), through console.log,
 * info, warn or error. They are notes
 * for MediaPipe's developers, not the integrator's: this drops exactly those lines (once per scope;
 * other console output passes unchanged).
 */
export const MEDIAPIPE_NOTE =
  /^(?:INFO: |[IWE]\d{4} |GL version|OpenGL error checking|Feedback manager|Graph (?:successfully|finished))/;
let quieted = false;
export function quietMediapipeNotes(): void {
  if (quieted) return;
  quieted = true;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && MEDIAPIPE_NOTE.test(args[0])) return;
      original(...args);
    };
  }
}

/**
 * Creates a FaceDetector for the model at `modelPath` (under the asset base; default the shipped
 * full-range model), telling an unreachable asset (4100) from a model that fails (4101).
 */
export async function loadFaceDetector(
  assetBase: string,
  minConfidence: number,
  modelPath: string = ASSET_PATHS.model,
): Promise<MediapipeFaceDetector> {
  quietMediapipeNotes();
  const visionUrl = new URL(ASSET_PATHS.vision, assetBase).href;
  let vision: typeof Vision;
  try {
    vision = (await import(/* @vite-ignore */ visionUrl)) as typeof Vision;
  } catch (error) {
    throw unreachable('MediaPipe tasks-vision', visionUrl, messageOf(error));
  }

  const modelUrl = new URL(modelPath, assetBase).href;
  const response = await fetch(modelUrl).catch((error: unknown) => {
    throw unreachable('The face model', modelUrl, messageOf(error));
  });
  if (!response.ok) throw unreachable('The face model', modelUrl, `HTTP ${response.status}`);
  const model = new Uint8Array(await response.arrayBuffer());

  const wasmDir = new URL(ASSET_PATHS.wasmDir, assetBase).href;
  // In a module worker the loader must be the ES-module build ("ModuleFactory not set" otherwise);
  // on the main thread tasks-vision injects the classic build with a <script> tag.
  const inWorker = typeof document === 'undefined';
  const fileset = await vision.FilesetResolver.forVisionTasks(wasmDir, inWorker);
  try {
    // tasks-vision takes the wasm's factory from `self.ModuleFactory`, set by its loader script,
    // and clears it after each task it creates. In a module worker the loader is imported, and a
    // second import of the same module does not run it again: a second detector (the region model)
    // would fail with "ModuleFactory not set". The loader also exports the factory: set it here.
    if (inWorker) {
      const scope = self as unknown as { ModuleFactory?: unknown };
      scope.ModuleFactory ??= (
        (await import(/* @vite-ignore */ fileset.wasmLoaderPath)) as { default: unknown }
      ).default;
    }
    return await vision.FaceDetector.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
      runningMode: 'IMAGE',
      minDetectionConfidence: minConfidence,
    });
  } catch (error) {
    for (const url of [fileset.wasmLoaderPath, fileset.wasmBinaryPath])
      if (!(await reachable(url))) throw unreachable('MediaPipe wasm', url, messageOf(error));
    throw new ProctorError(ErrorCode.MODEL_LOAD_FAILED, `The face model failed to load: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/**
 * Whether this scope can make a WebGL context at all, on the kind of canvas MediaPipe draws on
 * (an OffscreenCanvas where there is one). False in a browser with WebGL switched off or a GPU
 * driver on its blocklist; true in WebKitGTK here, whose context MediaPipe still cannot use.
 */
function webglContextAvailable(): boolean {
  try {
    const canvas =
      typeof OffscreenCanvas === 'function'
        ? new OffscreenCanvas(1, 1)
        : typeof document === 'object'
          ? document.createElement('canvas')
          : undefined;
    return !!canvas && !!(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}

/**
 * What a failed `detect()` means, as a {@link ProctorError}: MediaPipe converts every frame with WebGL
 * (also with the CPU delegate), so where it gets no usable WebGL context each detection throws a raw
 * TypeError, worded by the engine: about `GLctx` (WebKit's workers; WebKitGTK here, whose
 * OffscreenCanvas has no usable WebGL on the page either) or "reading 'activeTexture'" (Chromium
 * with WebGL switched off). Either, or a scope that cannot make a WebGL context at all, is
 * INCOMPATIBLE_BROWSER (4001). Anything else MediaPipe throws is MODEL_LOAD_FAILED (4101).
 */
export function detectionError(error: unknown): ProctorError {
  if (error instanceof ProctorError) return error;
  const raw = messageOf(error);
  if (/GLctx|WebGL|webgl/.test(raw) || !webglContextAvailable())
    return new ProctorError(
      ErrorCode.INCOMPATIBLE_BROWSER,
      // the engine's own words (`GLctx` is undefined…) stay in `cause`: the message is the candidate's
      `Face detection cannot run here: MediaPipe needs WebGL, and this browser has no usable WebGL${typeof document === 'undefined' ? ' in workers' : ''}.`,
      { cause: error },
    );
  return new ProctorError(ErrorCode.MODEL_LOAD_FAILED, `Face detection failed in MediaPipe: ${raw}`, { cause: error });
}

/**
 * The region model (`DetectOptions.region`: BlazeFace short range), loaded on the first region
 * asked for, in the worker or on the page. `get()` is the detector once it is loaded, undefined
 * meanwhile (and for good when it fails to load: every frame is then searched whole, as before
 * region passes existed, and `onUnavailable` hears why once). `close()` also closes one that
 * finishes loading afterwards.
 */
export class LazyRegionDetector {
  private detector?: MediapipeFaceDetector;
  private loading?: Promise<void>;
  private closed = false;

  constructor(
    private readonly assetBase: string,
    private readonly minConfidence: number,
    private readonly onUnavailable?: (error: ProctorError) => void,
  ) {}

  get(): MediapipeFaceDetector | undefined {
    this.loading ??= loadFaceDetector(this.assetBase, this.minConfidence, ASSET_PATHS.regionModel).then(
      (d) => (this.closed ? d.close() : void (this.detector = d)),
      (error: unknown) => {
        if (this.closed) return;
        const e =
          error instanceof ProctorError
            ? error
            : new ProctorError(ErrorCode.MODEL_LOAD_FAILED, messageOf(error), { cause: error });
        this.onUnavailable?.(e);
      },
    );
    return this.detector;
  }

  close(): void {
    this.closed = true;
    this.detector?.close();
    this.detector = undefined;
  }
}

/**
 * What the page says, once, when the region model cannot be loaded: detection goes on (every frame
 * searched whole) but costs more, and the asset host is missing a file an integrator should copy.
 */
export function regionUnavailableWarning(code: number, message: string): string {
  return `proctor-elements: face detection searches every frame whole, about 2.5× the CPU a frame, because the region model is unavailable (${code}): ${message} Copy the whole assets/ folder to the asset base.`;
}

/** The region model's input side (BlazeFace short range: 128×128). */
const REGION_INPUT = 128;

/**
 * Runs the (region) detector on one region of `image` (frame pixels, clipped to the frame): the
 * region is cut out and scaled to the model's input, off MediaPipe's WebGL path (by area averaging
 * for {@link FramePixels}, by `createImageBitmap` otherwise); faces come back in pixels of the whole
 * frame. `inferenceMs` includes the cut.
 * @throws ProctorError INVALID_OPTION for a region outside the frame or not a finite rectangle.
 */
export async function runOnRegion(
  detector: MediapipeFaceDetector,
  image: ImageBitmapSource | FramePixels,
  size: { width: number; height: number },
  region: Region,
  minConfidence: number,
): Promise<DetectionResult & { region: Region }> {
  const r = clipRegion(region, size);
  const t0 = performance.now();
  const scale = REGION_INPUT / Math.max(r.width, r.height);
  const width = Math.max(1, Math.round(r.width * scale));
  const height = Math.max(1, Math.round(r.height * scale));
  const cut = isFramePixels(image)
    ? image.toImageData(r, width, height)
    : await createImageBitmap(image, r.x, r.y, r.width, r.height, {
        resizeWidth: width,
        resizeHeight: height,
        resizeQuality: 'medium',
      });
  try {
    const { faces } = runFaceDetector(detector, cut, width, height, minConfidence);
    const back = (p: { x: number; y: number }) => ({ x: r.x + p.x / scale, y: r.y + p.y / scale });
    return {
      faces: faces.map((f) => ({
        score: f.score,
        box: { ...back(f.box), width: f.box.width / scale, height: f.box.height / scale },
        keypoints: f.keypoints.map(back),
      })),
      inferenceMs: performance.now() - t0,
      region: r,
    };
  } finally {
    if (cut instanceof ImageBitmap) cut.close();
  }
}

/** Whether `image` is a {@link FramePixels} (told by its method: the class is not imported here). */
export function isFramePixels(image: unknown): image is FramePixels {
  return typeof (image as Partial<FramePixels> | null)?.toImageData === 'function';
}

/**
 * Runs the whole-frame detector on a camera frame read by {@link FramePixels}; faces in pixels of the
 * frame. `inferenceMs` includes the conversion.
 */
export function runOnPixels(
  detector: MediapipeFaceDetector,
  pixels: FramePixels,
  minConfidence: number,
): DetectionResult {
  // at the frame's own size: a frame halved first (2×2 means) lowered the scores of 30–40 px faces
  // under the birth threshold (the full-range model shrinks the frame to 192×192 itself)
  const t0 = performance.now();
  const image = pixels.toImageData();
  const { faces } = runFaceDetector(detector, image, pixels.width, pixels.height, minConfidence);
  return { faces, inferenceMs: performance.now() - t0 };
}

/** The region in whole pixels inside the frame; INVALID_OPTION when nothing of it is. */
export function clipRegion(region: Region, size: { width: number; height: number }): Region {
  const { x, y, width, height } = region ?? {};
  const fields = { x, y, width, height };
  const bad = Object.entries(fields).find(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad)
    throw new ProctorError(
      ErrorCode.INVALID_OPTION,
      `region must be { x, y, width, height }, finite numbers in pixels of the frame; its ${bad[0]} is ${String(bad[1])}.`,
    );
  if (width <= 0 || height <= 0)
    throw new ProctorError(
      ErrorCode.INVALID_OPTION,
      `region must have a positive width and height in pixels, got ${width}×${height}.`,
    );
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(size.width, Math.round(x + width));
  const y1 = Math.min(size.height, Math.round(y + height));
  if (x1 - x0 < 1 || y1 - y0 < 1)
    throw new ProctorError(
      ErrorCode.INVALID_OPTION,
      `region ${JSON.stringify(region)} lies outside the ${size.width}×${size.height} frame.`,
    );
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Runs the detector on one image and converts MediaPipe's output to pixels of the input. */
export function runFaceDetector(
  detector: MediapipeFaceDetector,
  image: Vision.ImageSource,
  width: number,
  height: number,
  minConfidence: number,
): DetectionResult {
  const t0 = performance.now();
  let detections: Vision.Detection[];
  try {
    ({ detections } = detector.detect(image));
  } catch (error) {
    throw detectionError(error);
  }
  const inferenceMs = performance.now() - t0;
  const faces = detections
    .map((d) => ({
      score: d.categories[0]?.score ?? 0,
      box: {
        x: d.boundingBox?.originX ?? 0,
        y: d.boundingBox?.originY ?? 0,
        width: d.boundingBox?.width ?? 0,
        height: d.boundingBox?.height ?? 0,
      },
      keypoints: d.keypoints.map((k) => ({ x: k.x * width, y: k.y * height })),
    }))
    .filter((f) => f.score >= minConfidence);
  return { faces, inferenceMs };
}
