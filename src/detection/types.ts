import type { FrameStats, FrameStatsRequest } from '../media/frame-stats.js';

/** A detected face, in pixels of the input frame. */
export interface Face {
  /** Detector confidence, 0–1. */
  score: number;
  box: { x: number; y: number; width: number; height: number };
  /** Six BlazeFace keypoints: right eye, left eye, nose tip, mouth, right ear tragion, left ear tragion. */
  keypoints: { x: number; y: number }[];
}

export interface DetectionResult {
  faces: Face[];
  /** Time spent in the model for this frame (in the worker when one is used); 0 when it was not asked. */
  inferenceMs: number;
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
