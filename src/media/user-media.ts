/**
 * getUserMedia / getDisplayMedia with failures turned into {@link ProctorError}s carrying
 * AutoProctor's codes and a message that tells the candidate what to do.
 */
import { ErrorCode, ProctorError, messageOf, withTimeout, type ErrorCodeValue } from '../errors.js';

export type MediaKind = 'camera' | 'microphone' | 'camera+microphone';

const CODES: Record<MediaKind, { blocked: ErrorCodeValue; missing: ErrorCodeValue; busy: ErrorCodeValue }> = {
  camera: { blocked: ErrorCode.CAMERA_BLOCKED, missing: ErrorCode.NO_CAMERA, busy: ErrorCode.VIDEO_NOT_READABLE },
  microphone: {
    blocked: ErrorCode.MICROPHONE_BLOCKED,
    missing: ErrorCode.NO_MICROPHONE,
    busy: ErrorCode.AUDIO_NOT_READABLE,
  },
  'camera+microphone': {
    blocked: ErrorCode.CAMERA_AND_MICROPHONE_BLOCKED,
    missing: ErrorCode.NO_CAMERA,
    busy: ErrorCode.VIDEO_NOT_READABLE,
  },
};

const NAMES: Record<MediaKind, string> = {
  camera: 'camera',
  microphone: 'microphone',
  'camera+microphone': 'camera and microphone',
};

/** Maps a getUserMedia failure to our codes and a candidate-facing message. */
export function userMediaError(error: unknown, kind: MediaKind): ProctorError {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const what = NAMES[kind];
  const codes = CODES[kind];
  switch (name) {
    case 'NotAllowedError':
      return new ProctorError(
        codes.blocked,
        `Access to your ${what} is blocked. Allow it in the browser's address bar (or site settings) and try again.`,
        { cause: error },
      );
    case 'SecurityError':
      return new ProctorError(
        ErrorCode.PERMISSION_DECLINED,
        `The ${what} cannot be used on this page (it must be served over https).`,
        { cause: error },
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new ProctorError(codes.missing, `No ${what} was found. Connect one and try again.`, { cause: error });
    case 'NotReadableError':
      return new ProctorError(
        codes.busy,
        `Your ${what} is in use by another application or could not be started. Close other apps that use it and try again.`,
        { cause: error },
      );
    case 'AbortError':
      return new ProctorError(
        ErrorCode.HARDWARE_ERROR,
        `Your ${what} stopped unexpectedly. Reconnect it and try again.`,
        {
          cause: error,
        },
      );
    default:
      return new ProctorError(ErrorCode.HARDWARE_ERROR, `Your ${what} could not be started: ${messageOf(error)}`, {
        cause: error,
      });
  }
}

/** The MediaDevices to use, or a typed error saying why there are none. */
export function requireMediaDevices(mediaDevices: MediaDevices | undefined = globalThis.navigator?.mediaDevices) {
  if (typeof mediaDevices?.getUserMedia === 'function') return mediaDevices;
  if (typeof isSecureContext !== 'undefined' && !isSecureContext)
    throw new ProctorError(
      ErrorCode.PERMISSION_DECLINED,
      'Camera, microphone and screen cannot be used on this page because it is not served over https.',
    );
  throw new ProctorError(
    ErrorCode.INCOMPATIBLE_BROWSER,
    'This browser cannot use a camera or microphone. Use a current Chrome, Edge, Firefox or Safari.',
  );
}

/**
 * getUserMedia with typed errors. With `timeoutMs`, a request the browser leaves unanswered that long
 * (a device that never opens, a prompt nobody answers) rejects with {@link ErrorCode.MEDIA_TIMEOUT};
 * a stream that still arrives later is stopped at once.
 */
export async function getUserMediaTyped(
  constraints: MediaStreamConstraints,
  mediaDevices?: MediaDevices,
  timeoutMs?: number,
): Promise<MediaStream> {
  const devices = requireMediaDevices(mediaDevices);
  const kind: MediaKind =
    constraints.video && constraints.audio ? 'camera+microphone' : constraints.video ? 'camera' : 'microphone';
  const request = devices.getUserMedia(constraints).catch((error: unknown) => {
    throw userMediaError(error, kind);
  });
  if (timeoutMs === undefined) return request;
  let late = false;
  void request.then((stream) => late && stopStream(stream)).catch(() => undefined);
  return withTimeout(
    request,
    timeoutMs,
    ErrorCode.MEDIA_TIMEOUT,
    `Your ${NAMES[kind]} did not start within ${Math.round(timeoutMs / 1000)} s. Check that it is connected and not in use, answer the browser's permission prompt, then try again.`,
  ).catch((error: unknown) => {
    late = true;
    throw error;
  });
}

/** Stops every track of a stream (no-op for undefined). */
export function stopStream(stream: MediaStream | undefined | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const abortReason = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError');
