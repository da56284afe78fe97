import type { CheckName, CheckStatus } from '../statuses.js';

// the check names are a vocabulary shared with the results server: they live in statuses.ts
export { CHECK_NAMES, type CheckName } from '../statuses.js';

/** Why a check failed, for code that reacts to it (the message is for people). */
export type CheckFailureReason =
  | 'error'
  | 'silent'
  | 'too_quiet'
  | 'wrong_code'
  | 'unreachable'
  | 'slow'
  | 'resolution'
  | 'black'
  | 'frozen'
  | 'no_face'
  | 'multiple_faces'
  /** Webcam: no face found in a picture too dark to see one (metrics.luma). */
  | 'too_dark'
  /** Webcam: the face is too small in the picture (metrics.faceWidth, px). */
  | 'too_far'
  /** Webcam: a face was seen only cut off at the picture's edge. */
  | 'face_cut_off'
  /** Webcam: no face found against a bright background (metrics.centerLuma, metrics.borderLuma). */
  | 'backlit'
  | 'not_entire_screen'
  | 'timeout'
  | 'connection_failed'
  | 'camera_denied'
  | 'multiple_monitors'
  | 'unavailable';

/** The outcome (or current state) of one requirements check. */
export interface CheckResult {
  readonly name: CheckName;
  readonly status: CheckStatus;
  /** Epoch ms; absent while `not_started`. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Numeric error code (DESIGN.md section 4) when the check failed for a known reason. */
  readonly code?: number;
  readonly reason?: CheckFailureReason;
  readonly message: string;
  readonly metrics: Readonly<Record<string, number | string | boolean>>;
  /** Things worth a reviewer's attention that do not fail the check (e.g. a virtual camera). */
  readonly warnings?: readonly string[];
}

/** Progress a running check reports (for progress bars and live meters). */
export interface CheckProgress {
  /** 0–1. */
  readonly fraction: number;
  readonly message?: string;
  /** Live input level 0–1 (microphone meter). */
  readonly level?: number;
}

/** What every check service accepts. */
export interface CheckRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: CheckProgress) => void;
  /** Injected for tests and non-window contexts; defaults to `navigator.mediaDevices`. */
  mediaDevices?: MediaDevices;
}

/** A finished check plus any stream it keeps for monitoring (camera, screen). */
export interface CheckOutcome {
  result: CheckResult;
  stream?: MediaStream;
}
