import type { FrameStats, FrameStatsRequest } from '../media/frame-stats.js';

/** A detected face, in pixels of the input frame. */
export interface Face {
  /** Detector confidence, 0–1. */
  score: number;
  box: { x: number; y: number; width: number; height: number };
  /** Six BlazeFace keypoints: right eye, left eye, nose tip, mouth, right ear tragion, left ear tragion. */
  keypoints: { x: number; y: number }[];
}

/** A rectangle in pixels of the frame. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectionResult {
  faces: Face[];
  /**
   * Time spent on faces for this frame (in the worker when one is used), ms: the model, and
   * converting the frame for it (in the worker: a camera frame's pixels; for a region pass also
   * cutting the region out); 0 when the model was not asked.
   */
  inferenceMs: number;
  /**
   * Present when only this region of the frame was searched ({@link DetectOptions.region}); absent
   * when the whole frame was (also when a region was asked for but the region model was not loaded
   * yet: the whole frame was searched instead).
   */
  region?: Region;
  /**
   * The frame's picture statistics, when {@link DetectOptions.stats} asked for them and the frame
   * could be read. A frame of one flat colour (`spread` < `FLAT_SPREAD`) is not given to the model:
   * it holds no face (`faces` is empty; BlazeFace scores a solid green frame as two faces).
   */
  stats?: FrameStats;
}

export interface DetectOptions {
  /**
   * Also measure the frame's statistics (mean luma, spread, change against the last frame of the
   * same `key`; `FrameSampler`), where the model runs: in the worker when there is one, so the page's
   * main thread does no pixel work; on the page in the main-thread fallback, with the same results.
   */
  stats?: FrameStatsRequest;
  /**
   * Search only this region of the frame (pixels; clipped to the frame), with BlazeFace short range
   * on the region scaled to its 128×128 input: ~2.5× cheaper than the whole frame with the full-range
   * model, and as sure for a face that fills a good part of the region (≥ about a quarter of its
   * width). Monitoring uses it between whole-frame searches to follow one known face
   * (`FaceTracks.nextRegion`). The region model loads on the first such request, which is answered
   * from the whole frame meanwhile. Faces come back in pixels of the whole frame.
   */
  region?: Region;
}

/** Anything a frame can be taken from. */
export type FrameSource =
  ImageBitmap | HTMLVideoElement | HTMLCanvasElement | HTMLImageElement | OffscreenCanvas | ImageData | VideoFrame;

export interface FaceDetectorOptions {
  /** Where `face-worker.js`, `mediapipe/` and `models/` are served; defaults to the package's own `assets/`. */
  assetBase?: string | URL;
  /** Faces scoring below this are ignored. Default 0.5 (`DEFAULT_MIN_CONFIDENCE`). */
  minConfidence?: number;
  /**
   * Run the model in a module Web Worker (default true); falls back to the main thread where workers
   * are unsupported or cannot detect (no WebGL in workers, as in WebKit).
   */
  worker?: boolean;
  /** Cancels creation. */
  signal?: AbortSignal;
  /** Longest wait for the detector to start (ms). Default 30 000. */
  loadTimeoutMs?: number;
  /** Longest wait for one detection (ms). Default 10 000. */
  detectTimeoutMs?: number;
}

export interface FaceDetectorHandle {
  /** Detects faces in one frame. At most one frame is in flight; a newer frame replaces a waiting one. */
  detect(frame: FrameSource, options?: DetectOptions): Promise<DetectionResult>;
  /** Releases the model and the worker. Later calls to `detect` reject with `DETECTOR_CLOSED`. */
  close(): void;
  /** Where the model runs. */
  readonly backend: 'worker' | 'main-thread';
  readonly assetBase: string;
  readonly minConfidence: number;
}
