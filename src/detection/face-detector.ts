/**
 * `createFaceDetector()`: BlazeFace (MediaPipe tasks-vision) in a module Web Worker, or on the main
 * thread where workers or OffscreenCanvas are missing or where the worker cannot detect (no usable
 * WebGL in workers: WebKit). Where neither can, it rejects with INCOMPATIBLE_BROWSER (4001). Nothing is
 * fetched until it is called.
 */
import { ErrorCode, ProctorError, messageOf, withTimeout } from '../errors.js';
import { ASSET_LOAD_TIMEOUT_MS, ASSET_PATHS, getAssetBase, normalizeAssetBase } from './assets.js';
import {
  LazyRegionDetector,
  clipRegion,
  loadFaceDetector,
  regionUnavailableWarning,
  runFaceDetector,
  runOnRegion,
} from './mediapipe.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { FLAT_SPREAD, FrameSamplers, type FrameStatsRequest } from '../media/frame-stats.js';
import type {
  DetectOptions,
  DetectionResult,
  FaceDetectorHandle,
  FaceDetectorOptions,
  FrameSource,
  Region,
} from './types.js';

/**
 * One frame's threshold: the score at which monitoring starts following a face (`tuning.minConfidence`),
 * chosen on the evaluation set (`npm run eval:faces`; README "Face detection").
 */
export const DEFAULT_MIN_CONFIDENCE = 0.5;
const DEFAULT_DETECT_TIMEOUT_MS = 10_000;

interface Size {
  width: number;
  height: number;
}

/**
 * What runs the model; `prepare` captures the frame at `detect()` time. `run` also measures the
 * frame's statistics when asked, beside the model (in the worker, or on the page for the fallback).
 */
interface Backend<P> {
  readonly kind: 'worker' | 'main-thread';
  prepare(frame: FrameSource): Promise<P>;
  run(prepared: P, size: Size, stats?: FrameStatsRequest, region?: Region): Promise<DetectionResult>;
  release(prepared: P): void;
  dispose(): void;
}

const invalidFrame = (why: string) => new ProctorError(ErrorCode.INVALID_FRAME, `Cannot detect faces: ${why}.`);

/** The frame's pixel size; throws INVALID_FRAME for zero-sized, detached, unloaded or unknown frames. */
export function frameSize(frame: FrameSource): Size {
  let size: Size;
  if (typeof HTMLVideoElement !== 'undefined' && frame instanceof HTMLVideoElement) {
    if (frame.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) throw invalidFrame('the video has no frame yet');
    size = { width: frame.videoWidth, height: frame.videoHeight };
  } else if (typeof HTMLImageElement !== 'undefined' && frame instanceof HTMLImageElement) {
    if (!frame.complete) throw invalidFrame('the image has not loaded');
    size = { width: frame.naturalWidth, height: frame.naturalHeight };
  } else if (typeof ImageData !== 'undefined' && frame instanceof ImageData) {
    if (frame.data.length === 0) throw invalidFrame('the ImageData buffer is detached');
    size = { width: frame.width, height: frame.height };
  } else if (typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame) {
    size = { width: frame.displayWidth, height: frame.displayHeight };
  } else if (
    (typeof ImageBitmap !== 'undefined' && frame instanceof ImageBitmap) ||
    (typeof HTMLCanvasElement !== 'undefined' && frame instanceof HTMLCanvasElement) ||
    (typeof OffscreenCanvas !== 'undefined' && frame instanceof OffscreenCanvas)
  ) {
    size = { width: frame.width, height: frame.height };
  } else {
    throw invalidFrame('the frame is not an ImageBitmap, video, canvas, image, ImageData or VideoFrame');
  }
  if (!size.width || !size.height) throw invalidFrame('the frame is zero-sized or detached');
  return size;
}

/** A module worker for `url`; cross-origin asset hosts go through a same-origin blob that imports it. */
function moduleWorker(url: string): Worker {
  if (new URL(url).origin === location.origin) return new Worker(url, { type: 'module', name: 'ap-face-detector' });
  const shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' }));
  const worker = new Worker(shim, { type: 'module', name: 'ap-face-detector' });
  setTimeout(() => URL.revokeObjectURL(shim), 60_000);
  return worker;
}

async function startWorker(
  assetBase: string,
  minConfidence: number,
  loadTimeoutMs: number,
  signal?: AbortSignal,
): Promise<Backend<ImageBitmap | VideoFrame>> {
  const url = new URL(ASSET_PATHS.worker, assetBase).href;
  const pending = new Map<number, { resolve: (r: DetectionResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let worker: Worker;
  try {
    worker = moduleWorker(url);
  } catch (error) {
    throw new ProctorError(ErrorCode.WORKER_FAILED, `The detection worker could not start: ${messageOf(error)}`);
  }
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  let settleReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
  worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
    if (data.type === 'ready') settleReady?.resolve();
    else if (data.type === 'result') {
      pending.get(data.id)?.resolve({
        faces: data.faces,
        inferenceMs: data.inferenceMs,
        ...(data.stats ? { stats: data.stats } : {}),
        ...(data.region ? { region: data.region } : {}),
      });
      pending.delete(data.id);
    } else if (data.type === 'error') {
      const error = new ProctorError(data.code as ProctorError['code'], data.message);
      if (data.id === undefined) settleReady?.reject(error);
      else {
        pending.get(data.id)?.reject(error);
        pending.delete(data.id);
      }
    } else if (data.type === 'warning') console.warn(regionUnavailableWarning(data.code, data.message));
    else if (data.type === 'closed') worker.terminate();
  };
  worker.onerror = (event) => {
    event.preventDefault();
    // A module worker whose script is missing reports a bare error event: ask the server which it was.
    void fetch(url, { method: 'HEAD' })
      .then((r) => r.ok)
      .catch(() => false)
      .then((ok) => {
        const error = ok
          ? new ProctorError(
              ErrorCode.WORKER_FAILED,
              `The detection worker failed: ${event.message || 'unknown error'}`,
            )
          : new ProctorError(ErrorCode.ASSET_UNREACHABLE, `The detection worker could not be fetched from ${url}.`);
        settleReady?.reject(error);
        failAll(error);
      });
  };

  const onAbort = () => settleReady?.reject(signal?.reason instanceof Error ? signal.reason : new Error('Aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    worker.postMessage({ type: 'init', assetBase, minConfidence } satisfies ToWorker);
    await withTimeout(
      ready,
      loadTimeoutMs,
      ErrorCode.DETECTOR_TIMEOUT,
      `The face detector did not start within ${loadTimeoutMs} ms (assets at ${assetBase}).`,
    );
  } catch (error) {
    worker.terminate();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }

  return {
    kind: 'worker',
    prepare: async (frame) => {
      try {
        // A VideoFrame of a <video> wraps the decoded frame without a pixel copy on this thread, and
        // a caller's VideoFrame is cloned (the caller keeps and closes its own): the worker converts
        // it, as it converts monitoring's frames. Everything else is copied into an ImageBitmap we
        // can transfer.
        if (typeof VideoFrame !== 'undefined') {
          if (frame instanceof HTMLVideoElement) return new VideoFrame(frame);
          if (frame instanceof VideoFrame) return frame.clone();
        }
        return await createImageBitmap(frame);
      } catch (error) {
        throw invalidFrame(messageOf(error));
      }
    },
    run: (frame, _size, stats, region) =>
      new Promise<DetectionResult>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'detect', id, frame, stats, ...(region ? { region } : {}) } satisfies ToWorker, [
          frame as Transferable,
        ]);
      }),
    release: (frame) => frame.close(),
    dispose: () => {
      failAll(new ProctorError(ErrorCode.DETECTOR_CLOSED, 'The face detector was closed.'));
      worker.postMessage({ type: 'close' } satisfies ToWorker);
      setTimeout(() => worker.terminate(), 2000);
    },
  };
}

async function startMainThread(
  assetBase: string,
  minConfidence: number,
  loadTimeoutMs: number,
  signal?: AbortSignal,
): Promise<Backend<FrameSource>> {
  const loading = loadFaceDetector(assetBase, minConfidence);
  const aborted = new Promise<never>((_, reject) => {
    signal?.addEventListener('abort', () =>
      reject(signal.reason instanceof Error ? signal.reason : new Error('Aborted')),
    );
  });
  const detector = await withTimeout(
    Promise.race([loading, aborted]),
    loadTimeoutMs,
    ErrorCode.DETECTOR_TIMEOUT,
    `The face detector did not start within ${loadTimeoutMs} ms (assets at ${assetBase}).`,
  ).catch((error: unknown) => {
    void loading.then((d) => d.close()).catch(() => undefined);
    throw error;
  });
  const samplers = new FrameSamplers();
  // the region model (DetectOptions.region), loaded on the first region asked for, as in the worker
  const region = new LazyRegionDetector(assetBase, minConfidence, (e) =>
    console.warn(regionUnavailableWarning(e.code, e.message)),
  );
  return {
    kind: 'main-thread',
    prepare: (frame) => Promise.resolve(frame),
    run: async (frame, size, request, wanted) => {
      const stats = request ? samplers.sample(frame, request) : undefined;
      // a frame of one flat colour holds no face (BlazeFace scores solid green as two): as in the worker
      if (stats && stats.spread < FLAT_SPREAD) return { faces: [], inferenceMs: 0, stats };
      const small = wanted ? region.get() : undefined;
      const result =
        small && wanted
          ? await runOnRegion(small, frame, size, wanted, minConfidence)
          : runFaceDetector(detector, frame, size.width, size.height, minConfidence);
      return stats ? { ...result, stats } : result;
    },
    release: () => undefined,
    dispose: () => {
      detector.close();
      region.close();
    },
  };
}

interface Job<P> {
  prepared: P;
  size: Size;
  stats?: FrameStatsRequest;
  region?: Region;
  resolve: (r: DetectionResult) => void;
  reject: (e: unknown) => void;
}

/** Keeps at most one frame in flight and one waiting; a newer frame replaces the waiting one. */
class DetectorHandle<P> implements FaceDetectorHandle {
  private busy = false;
  private waiting?: Job<P>;
  private closed = false;

  constructor(
    private readonly impl: Backend<P>,
    readonly assetBase: string,
    readonly minConfidence: number,
    private readonly detectTimeoutMs: number,
  ) {}

  get backend() {
    return this.impl.kind;
  }

  async detect(frame: FrameSource, options: DetectOptions = {}): Promise<DetectionResult> {
    if (this.closed) throw this.closedError();
    const size = frameSize(frame);
    // a region that misses the frame is the caller's mistake: said before any work
    // (null, as JavaScript callers write "none", is no region)
    const region = options.region == null ? undefined : clipRegion(options.region, size);
    const prepared = await this.impl.prepare(frame);
    if (this.closed) {
      this.impl.release(prepared);
      throw this.closedError();
    }
    return new Promise<DetectionResult>((resolve, reject) => {
      const job = { prepared, size, stats: options.stats, region, resolve, reject };
      if (!this.busy) return void this.run(job);
      if (this.waiting) {
        this.impl.release(this.waiting.prepared);
        this.waiting.reject(new ProctorError(ErrorCode.FRAME_DROPPED, 'The frame was replaced by a newer one.'));
      }
      this.waiting = job;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.waiting) {
      this.impl.release(this.waiting.prepared);
      this.waiting.reject(this.closedError());
      this.waiting = undefined;
    }
    this.impl.dispose();
  }

  private async run(job: Job<P>) {
    this.busy = true;
    try {
      job.resolve(
        await withTimeout(
          this.impl.run(job.prepared, job.size, job.stats, job.region),
          this.detectTimeoutMs,
          ErrorCode.DETECTOR_TIMEOUT,
          `Face detection took longer than ${this.detectTimeoutMs} ms.`,
        ),
      );
    } catch (error) {
      job.reject(error);
    } finally {
      this.busy = false;
      const next = this.waiting;
      this.waiting = undefined;
      if (next) void this.run(next);
    }
  }

  private closedError() {
    return new ProctorError(ErrorCode.DETECTOR_CLOSED, 'The face detector was used after close().');
  }
}

/** Starts a face detector; see {@link FaceDetectorOptions}. Rejects with a {@link ProctorError}. */
export async function createFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetectorHandle> {
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  if (typeof minConfidence !== 'number' || !(minConfidence >= 0 && minConfidence <= 1))
    throw new ProctorError(
      ErrorCode.INVALID_OPTION,
      `minConfidence must be a number from 0 to 1, got ${String(minConfidence)}.`,
    );
  let assetBase: string;
  try {
    assetBase = normalizeAssetBase(options.assetBase ?? getAssetBase());
  } catch {
    throw new ProctorError(ErrorCode.INVALID_OPTION, `assetBase is not a valid URL: ${String(options.assetBase)}.`);
  }
  options.signal?.throwIfAborted();
  const loadTimeoutMs = options.loadTimeoutMs ?? ASSET_LOAD_TIMEOUT_MS;
  const detectTimeoutMs = options.detectTimeoutMs ?? DEFAULT_DETECT_TIMEOUT_MS;
  const canUseWorker =
    typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined' && typeof createImageBitmap === 'function';
  let workerError: ProctorError | undefined;
  if ((options.worker ?? true) && canUseWorker) {
    const backend = await startWorker(assetBase, minConfidence, loadTimeoutMs, options.signal);
    // MediaPipe loads in a worker without WebGL (WebKit turns it off there) and fails only on the
    // first frame: one blank frame tells, and the main thread takes over
    workerError = await probe(backend, detectTimeoutMs);
    if (!workerError) return new DetectorHandle(backend, assetBase, minConfidence, detectTimeoutMs);
    backend.dispose();
    options.signal?.throwIfAborted();
  }
  const backend = await startMainThread(assetBase, minConfidence, loadTimeoutMs, options.signal);
  const mainError = await probe(backend, detectTimeoutMs);
  if (mainError) {
    backend.dispose();
    throw workerError && mainError.code === ErrorCode.INCOMPATIBLE_BROWSER
      ? new ProctorError(
          ErrorCode.INCOMPATIBLE_BROWSER,
          'Face detection cannot run in this browser: MediaPipe needs WebGL, and it has no usable WebGL, neither in workers nor on the page.',
          { cause: mainError },
        )
      : mainError;
  }
  return new DetectorHandle(backend, assetBase, minConfidence, detectTimeoutMs);
}

/**
 * Detects faces in one small blank frame; resolves to the error when that fails (a timeout counts:
 * a model that cannot answer one frame in `timeoutMs` cannot proctor), undefined when it works.
 */
async function probe<P>(backend: Backend<P>, timeoutMs: number): Promise<ProctorError | undefined> {
  const size = { width: 64, height: 64 };
  const canvas =
    typeof document !== 'undefined' ? document.createElement('canvas') : new OffscreenCanvas(size.width, size.height);
  Object.assign(canvas, size);
  const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (context) {
    context.fillStyle = '#808080';
    context.fillRect(0, 0, size.width, size.height);
  }
  try {
    const prepared = await backend.prepare(canvas);
    await withTimeout(
      backend.run(prepared, size),
      timeoutMs,
      ErrorCode.DETECTOR_TIMEOUT,
      `The face detector did not answer a first frame within ${timeoutMs} ms.`,
    );
    return undefined;
  } catch (error) {
    return error instanceof ProctorError ? error : new ProctorError(ErrorCode.MODEL_LOAD_FAILED, messageOf(error));
  }
}
