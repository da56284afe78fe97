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
  /** Time spent in the model for this frame (in the worker when one is used). */
  inferenceMs: number;
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
  detect(frame: FrameSource): Promise<DetectionResult>;
  /** Releases the model and the worker. Later calls to `detect` reject with `DETECTOR_CLOSED`. */
  close(): void;
  /** Where the model runs. */
  readonly backend: 'worker' | 'main-thread';
  readonly assetBase: string;
  readonly minConfidence: number;
}
