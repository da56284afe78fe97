import { ErrorCode, ProctorError } from '../errors.js';
import { BroadcastPairingTransport, type PairingTransport } from '../pairing/channel.js';
import { framesArrive } from '../pairing/frames.js';
import { abortReason } from '../media/user-media.js';
import { SecondCameraReceiver } from '../pairing/peer.js';
import { pairingLink } from './common.js';
import { failedFromError, finished } from './result.js';
import { RUN_OPTIONS, kinds, optionsFailure, type OptionKind } from './options.js';
import type { CheckFailureReason, CheckOutcome, CheckRunOptions } from './types.js';

/** The failure reason of each pairing error code. */
const REASONS: Partial<Record<number, CheckFailureReason>> = {
  [ErrorCode.PAIRING_TIMEOUT]: 'timeout',
  [ErrorCode.PHONE_CAMERA_DENIED]: 'camera_denied',
  [ErrorCode.PAIRING_FAILED]: 'connection_failed',
};

export interface MobileCheckOptions extends CheckRunOptions {
  /** The phone page. `{code}` in it is replaced by the pairing code; otherwise `?code=` is added. */
  pairingUrl?: string;
  /** Signalling; default: BroadcastChannel (same browser, e.g. a simulated phone in another tab). */
  transport?: PairingTransport;
  /** No video from a phone in this long fails the check (ms). Default 120 000. */
  timeoutMs?: number;
  /** Frames that must be presented before the check succeeds. Default 5. */
  minFrames?: number;
  rtcConfig?: RTCConfiguration;
  /** Shows the phone's camera; one is made off-screen when absent. */
  video?: HTMLVideoElement;
  /** Called once the code exists, to show the QR code and the link. */
  onPairing?: (pairing: { code: string; url: string }) => void;
}

export interface MobileCheckOutcome extends CheckOutcome {
  /** On success: the live connection to the phone (kept for monitoring as the second camera). */
  receiver?: SecondCameraReceiver;
}

/** What `runMobileCheck()` accepts, each option with its kind (a wrong one fails the check with 4107). */
export const MOBILE_OPTIONS = {
  ...RUN_OPTIONS,
  pairingUrl: kinds.string,
  transport: kinds.object,
  timeoutMs: kinds.positiveMs,
  minFrames: kinds.count,
  rtcConfig: kinds.plain,
  video: kinds.video,
  onPairing: kinds.function,
} satisfies Record<keyof MobileCheckOptions, OptionKind>;

/**
 * Makes a pairing code, waits for a phone to connect over WebRTC, and succeeds only once
 * `minFrames` video frames from it have been presented or decoded (a hidden exam page presents
 * none, and still passes). Fails with PAIRING_TIMEOUT,
 * PAIRING_FAILED (signalling or connection) or PHONE_CAMERA_DENIED.
 */
export async function runMobileCheck(options: MobileCheckOptions = {}): Promise<MobileCheckOutcome> {
  const invalid = optionsFailure('mobile', 'runMobileCheck', MOBILE_OPTIONS, options);
  if (invalid) return { result: invalid };
  options ??= {} as MobileCheckOptions;
  // an abort before the start is the caller's answer at once (as fetch's), with no device asked for
  if (options.signal?.aborted) throw abortReason(options.signal);
  const startedAt = Date.now();
  const { timeoutMs = 120_000, minFrames = 5, signal, onProgress } = options;
  const transport = options.transport ?? new BroadcastPairingTransport();
  let receiver: SecondCameraReceiver | undefined;
  try {
    if (!options.pairingUrl)
      throw new ProctorError(
        ErrorCode.INVALID_OPTION,
        'The mobile check needs a pairing-url (the phone page): the pairing-url of <ap-requirements-check>, or runMobileCheck options.pairingUrl.',
      );
    if (typeof RTCPeerConnection === 'undefined')
      throw new ProctorError(ErrorCode.INCOMPATIBLE_BROWSER, 'This browser has no WebRTC (RTCPeerConnection).');
    const code = await transport.create();
    const url = pairingLink(options.pairingUrl, code);
    receiver = new SecondCameraReceiver(transport.join(code, 'exam'), options.rtcConfig);
    options.onPairing?.({ code, url });
    onProgress?.({ fraction: 0, message: 'waiting' });
    const r = receiver;
    const video = options.video ?? document.createElement('video');
    const outcome = await new Promise<{ frames: number; width: number; height: number }>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new ProctorError(
              ErrorCode.PAIRING_TIMEOUT,
              `No phone sent video within ${Math.round(timeoutMs / 1000)} s. Open the link on your phone and allow its camera.`,
            ),
          ),
        timeoutMs,
      );
      const done = () => clearTimeout(timer);
      // (aborted while the pairing code was being made: no 'abort' event is to come)
      if (signal?.aborted) {
        done();
        reject(abortReason(signal));
        return;
      }
      signal?.addEventListener('abort', () => (done(), reject(abortReason(signal))), { once: true });
      r.addEventListener('camera-error', (e) => {
        const { name, message } = (e as CustomEvent<{ name: string; message: string }>).detail;
        done();
        reject(
          new ProctorError(ErrorCode.PHONE_CAMERA_DENIED, `The phone's camera could not be used (${name}): ${message}`),
        );
      });
      r.addEventListener('state', (e) => {
        const state = (e as CustomEvent<string>).detail;
        if (state === 'connecting') onProgress?.({ fraction: 0.4, message: 'connecting' });
        if (state === 'failed') {
          done();
          reject(new ProctorError(ErrorCode.PAIRING_FAILED, 'The connection to the phone failed.'));
        }
      });
      r.addEventListener('stream', (e) => {
        onProgress?.({ fraction: 0.7, message: 'receiving' });
        framesArrive((e as CustomEvent<MediaStream>).detail, video, minFrames, signal, () => r.videoStats()).then(
          (f) => (done(), resolve(f)),
          (error: unknown) => (done(), reject(error instanceof Error ? error : new Error(String(error)))),
        );
      });
    });
    const stats = await r.videoStats();
    onProgress?.({ fraction: 1 });
    return {
      result: finished('mobile', startedAt, {
        ok: true,
        message: `The phone's camera is connected (${outcome.width}×${outcome.height}).`,
        metrics: { width: outcome.width, height: outcome.height, framesDecoded: stats.framesDecoded, code },
      }),
      stream: r.stream,
      receiver: r,
    };
  } catch (error) {
    receiver?.close();
    if (signal?.aborted) throw error;
    const reason = (error instanceof ProctorError && REASONS[error.code]) || 'error';
    const failed = failedFromError('mobile', startedAt, error);
    return { result: { ...failed, reason } };
  }
}
