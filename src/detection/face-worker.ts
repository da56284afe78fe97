/// <reference lib="webworker" />
/**
 * The detection worker (built to assets/face-worker.js). Runs MediaPipe's FaceDetector on frames
 * transferred as ImageBitmaps or VideoFrames, and measures their statistics (dark, flat, frozen) when
 * asked. Only the asset base's origin may be fetched from this scope: a
 * second guard, after the build's patch, against MediaPipe's usage-log upload.
 */
import { ErrorCode, ProctorError, messageOf } from '../errors.js';
import {
  LazyRegionDetector,
  loadFaceDetector,
  runFaceDetector,
  runOnPixels,
  runOnRegion,
  type MediapipeFaceDetector,
} from './mediapipe.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { FLAT_SPREAD, FrameSamplers } from '../media/frame-stats.js';
import { BufferPool, FramePixels } from '../media/frame-pixels.js';

declare const self: DedicatedWorkerGlobalScope;

// MediaPipe's wasm writes progress notes ("INFO: Created TensorFlow Lite XNNPACK delegate …", "GL
// version …") to the console: loadFaceDetector() drops those (quietMediapipeNotes), so the
// integrator's console shows only real messages.

let detector: MediapipeFaceDetector | undefined;
/** The region model (`DetectOptions.region`), loaded on the first region asked for. */
let region: LazyRegionDetector | undefined;
let minConfidence = 0.6;
/** The frame statistics asked for beside detection, measured here so the page does no pixel work. */
const samplers = new FrameSamplers();
/** The frames' planes and conversions, reused from frame to frame (fresh memory costs more than the copy). */
const buffers = new BufferPool();

const reply = (message: FromWorker) => self.postMessage(message);
const fail = (error: unknown, id?: number) =>
  reply({
    type: 'error',
    id,
    code: error instanceof ProctorError ? error.code : ErrorCode.MODEL_LOAD_FAILED,
    message: messageOf(error),
  });

function allowOnly(origin: string) {
  const nativeFetch = self.fetch.bind(self);
  self.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), self.location.href);
    if (url.origin !== origin)
      return Promise.reject(new TypeError(`proctor-elements: request to ${url.origin} blocked (asset base only)`));
    return nativeFetch(input, init);
  };
}

self.onmessage = async ({ data }: MessageEvent<ToWorker>) => {
  switch (data.type) {
    case 'init':
      try {
        allowOnly(new URL(data.assetBase).origin);
        minConfidence = data.minConfidence;
        region = new LazyRegionDetector(data.assetBase, data.minConfidence, (e) =>
          reply({ type: 'warning', code: e.code, message: e.message }),
        );
        detector = await loadFaceDetector(data.assetBase, data.minConfidence);
        reply({ type: 'ready' });
      } catch (error) {
        fail(error);
      }
      break;
    case 'detect': {
      let frame: ImageBitmap | VideoFrame = data.frame;
      let pixels: FramePixels | undefined;
      try {
        if (!detector) throw new ProctorError(ErrorCode.DETECTOR_CLOSED, 'The detector is not ready.');
        // A VideoFrame's planes are read and converted here (FramePixels): converting it with
        // createImageBitmap goes through the page's GPU context in Chromium, a main-thread task for
        // every frame. A format FramePixels does not read is converted to an ImageBitmap.
        const t0 = performance.now();
        pixels = data.frame instanceof ImageBitmap ? undefined : await FramePixels.read(data.frame, buffers);
        let image: ImageBitmap | FramePixels;
        if (pixels) image = pixels;
        else {
          image = data.frame instanceof ImageBitmap ? data.frame : await createImageBitmap(data.frame);
          if (image !== data.frame) data.frame.close();
          frame = image;
        }
        const converted = performance.now();
        const stats = data.stats ? samplers.sample(image, data.stats) : undefined;
        const t1 = performance.now();
        // a frame of one flat colour holds no face (BlazeFace scores solid green as two faces)
        const small = data.region ? region?.get() : undefined;
        const result =
          stats && stats.spread < FLAT_SPREAD
            ? { faces: [], inferenceMs: 0 }
            : small && data.region
              ? await runOnRegion(small, image, image, data.region, minConfidence)
              : image instanceof FramePixels
                ? runOnPixels(detector, image, minConfidence)
                : runFaceDetector(detector, image, image.width, image.height, minConfidence);
        // the frame's conversion counts as time spent on faces (the statistics do not)
        if (result.inferenceMs > 0) result.inferenceMs = converted - t0 + performance.now() - t1;
        reply({ type: 'result', id: data.id, ...result, ...(stats ? { stats } : {}) });
      } catch (error) {
        fail(error, data.id);
      } finally {
        frame.close();
        pixels?.release();
      }
      break;
    }
    case 'close':
      detector?.close();
      detector = undefined;
      region?.close();
      region = undefined;
      reply({ type: 'closed' });
      self.close();
      break;
  }
};
