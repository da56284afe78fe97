/**
 * Numeric error codes. 4001–4018 are AutoProctor's published scheme (so integrations can migrate);
 * 4100 and up are proctor-elements' own. Where AutoProctor has a code for one of ours, the
 * AutoProctor-facing events carry theirs as `errorCode` (see `autoProctorErrorCode`).
 */
export const ErrorCode = {
  INCOMPATIBLE_BROWSER: 4001,
  CAMERA_BLOCKED: 4002,
  MICROPHONE_BLOCKED: 4003,
  PERMISSION_DECLINED: 4004,
  HARDWARE_ERROR: 4005,
  CAMERA_AND_MICROPHONE_BLOCKED: 4006,
  AUDIO_NOT_READABLE: 4007,
  VIDEO_NOT_READABLE: 4008,
  NO_MICROPHONE: 4009,
  NO_CAMERA: 4010,
  SCREEN_SHARE_DENIED: 4011,
  SCREEN_SHARE_OS_ERROR: 4012,
  NO_SCREEN_SOURCE: 4013,
  NOT_ENTIRE_SCREEN: 4014,
  MULTIPLE_MONITORS: 4015,
  /** The browser is too old: an API the monitor needs is missing (a newer version has it). */
  BROWSER_OUTDATED: 4016,
  /** This browser or device is not allowed for this test (e.g. a phone or tablet with `forceDesktop`). */
  BROWSER_NOT_ALLOWED: 4017,
  /** Necessary files failed to load (AutoProctor's code for our 4100 and the classic script's load failure). */
  FILES_FAILED_TO_LOAD: 4018,
  /** An asset (MediaPipe script or wasm, the face model, the worker) could not be fetched. */
  ASSET_UNREACHABLE: 4100,
  /** The face model was fetched but MediaPipe could not load it. */
  MODEL_LOAD_FAILED: 4101,
  /** The face detector was used after `close()`. */
  DETECTOR_CLOSED: 4102,
  /** A frame was zero-sized, detached, not loaded yet, or of an unsupported type. */
  INVALID_FRAME: 4103,
  /** A wait (detector start, a detection) took longer than its timeout. */
  DETECTOR_TIMEOUT: 4104,
  /** A frame waiting for the detector was replaced by a newer one (at most one waits). */
  FRAME_DROPPED: 4105,
  /** The detection worker crashed or could not start. */
  WORKER_FAILED: 4106,
  /** An option or argument has the wrong type or value; the message names it. */
  INVALID_OPTION: 4107,
  /** The bandwidth test endpoint (or the results server) could not be reached. */
  BANDWIDTH_UNREACHABLE: 4108,
  /** A camera, microphone or screen share stopped during the exam (the monitor tries to get it back). */
  DEVICE_LOST: 4109,
  /** A lifecycle call in the wrong state: start() before setup(), after destroy(), or again after stop(). */
  INVALID_STATE: 4110,
  /** The results server could not be reached; evidence waits in the outbox and is retried. */
  RESULTS_UNREACHABLE: 4111,
  /** No phone paired and sent video within the mobile check's timeout. */
  PAIRING_TIMEOUT: 4112,
  /** Pairing failed: the signalling channel is unreachable, or the WebRTC connection failed. */
  PAIRING_FAILED: 4113,
  /** The phone's camera was denied or is missing (reported by the phone page). */
  PHONE_CAMERA_DENIED: 4114,
  /**
   * The results server refused a request for good (a 4xx other than 401/403/408/429): the message
   * names the server's `code`. The refused record or photo is kept on the device and set aside;
   * everything else keeps flowing.
   */
  RESULTS_REJECTED: 4115,
  /** The results server refused the attempt's credentials (HTTP 401/403): nothing can be delivered. */
  RESULTS_FORBIDDEN: 4116,
  /**
   * Evidence cannot be saved on this device (storage full, IndexedDB missing or blocked): it is kept
   * in memory and sent directly, so it survives as long as the page stays open.
   */
  STORAGE_UNAVAILABLE: 4117,
  /**
   * No report for the attempt: this device's outbox does not hold it, and the results server (the
   * `endpoint`) has no such attempt, or no endpoint was given (`AutoProctor.getReport()` / `showReport()`).
   */
  REPORT_NOT_FOUND: 4118,
  /**
   * The browser did not start audio processing in time: no user activation yet (autoplay policy:
   * call start() from a click), or no audio device for the AudioContext.
   */
  AUDIO_NOT_STARTED: 4120,
  /** The browser did not answer a media request in time (a camera or microphone that never opens, video that never plays). */
  MEDIA_TIMEOUT: 4121,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error with one of the {@link ErrorCode} numbers and a message meant for a developer. */
export class ProctorError extends Error {
  override readonly name = 'ProctorError';
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** A plain `{code, message}` object, as events and the wire carry it. */
  toJSON(): { code: number; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** `error.message` of anything thrown. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Rejects with a {@link ErrorCode.DETECTOR_TIMEOUT}-style error when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, code: ErrorCodeValue, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProctorError(code, message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
