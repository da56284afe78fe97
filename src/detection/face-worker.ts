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
  runOnRegion,
  type MediapipeFaceDetector,
} from './mediapipe.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { FLAT_SPREAD, FrameSamplers } from '../media/frame-stats.js';

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
        region = new LazyRegionDetector(data.assetBase, data.minConfidence);
        detector = await loadFaceDetector(data.assetBase, data.minConfidence);
        reply({ type: 'ready' });
      } catch (error) {
        fail(error);
      }
      break;
    case 'detect': {
      let frame: ImageBitmap | VideoFrame = data.frame;
      try {
        if (!detector) throw new ProctorError(ErrorCode.DETECTOR_CLOSED, 'The detector is not ready.');
        // MediaPipe ingests an ImageBitmap faster than a VideoFrame (~9 vs ~13 ms a 640×480 frame
        // here), so a VideoFrame is converted first: still off the page's main thread.
        const bitmap = data.frame instanceof ImageBitmap ? data.frame : await createImageBitmap(data.frame);
        if (bitmap !== data.frame) data.frame.close();
        frame = bitmap;
        const stats = data.stats ? samplers.sample(bitmap, data.stats) : undefined;
        // a frame of one flat colour holds no face (BlazeFace scores solid green as two faces)
        const small = data.region ? region?.get() : undefined;
        const result =
          stats && stats.spread < FLAT_SPREAD
            ? { faces: [], inferenceMs: 0 }
            : small && data.region
              ? await runOnRegion(small, bitmap, bitmap, data.region, minConfidence)
              : runFaceDetector(detector, bitmap, bitmap.width, bitmap.height, minConfidence);
        reply({ type: 'result', id: data.id, ...result, ...(stats ? { stats } : {}) });
      } catch (error) {
        fail(error, data.id);
      } finally {
        frame.close();
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
