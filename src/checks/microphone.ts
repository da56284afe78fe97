import { AudioLevelReader, toDb } from '../media/audio-level.js';
import { abortReason, delay, getUserMediaTyped, stopStream } from '../media/user-media.js';
import type { ProctorError } from '../errors.js';
import { failedFromError, finished } from './result.js';
import { RUN_OPTIONS, invalidOption, kinds, optionsFailure, type OptionKind } from './options.js';
import type { CheckOutcome, CheckRunOptions } from './types.js';

export interface MicrophoneCheckOptions extends CheckRunOptions {
  deviceId?: string;
  /** Longest listening time (ms). Default 5000. */
  listenMs?: number;
  /** Sound needed to pass (ms). Default 1500. */
  requiredMs?: number;
  /** A window louder than this (RMS, dBFS) is sound. Default -60. */
  soundDb?: number;
  /** Below this (peak, dBFS) the input is digital silence: muted or dead. Default -100. */
  silenceDb?: number;
  /** Pauses shorter than this still count as sound, as in speech (ms). Default 250. */
  hangoverMs?: number;
  /** Sampling interval (ms). Default 50. */
  sampleMs?: number;
  /**
   * Longest wait for the browser to open the microphone and to start audio (ms). Default 10000.
   * Beyond it the check fails with 4121 MEDIA_TIMEOUT or 4120 AUDIO_NOT_STARTED instead of waiting for ever.
   */
  startTimeoutMs?: number;
}

/** What `runMicrophoneCheck()` accepts, each option with its kind (a wrong one fails the check with 4107). */
export const MICROPHONE_OPTIONS = {
  ...RUN_OPTIONS,
  deviceId: kinds.string,
  listenMs: kinds.positiveMs,
  requiredMs: kinds.ms,
  soundDb: kinds.db,
  silenceDb: kinds.db,
  hangoverMs: kinds.ms,
  sampleMs: kinds.positiveMs,
  startTimeoutMs: kinds.positiveMs,
} satisfies Record<keyof MicrophoneCheckOptions, OptionKind>;

/**
 * The microphone must hear sound for `requiredMs` within `listenMs` (defaults 1500 and 5000): more
 * can never pass, and the candidate would be told to speak up. The INVALID_OPTION (4107) error for
 * such options (named under `path`), or undefined.
 */
export function unreachableRequiredMs(
  path: string,
  options: Pick<MicrophoneCheckOptions, 'requiredMs' | 'listenMs'> = {},
): ProctorError | undefined {
  const { requiredMs = 1500, listenMs = 5000 } = options;
  return requiredMs > listenMs
    ? invalidOption(
        `${path}.requiredMs (${requiredMs}) must be at most listenMs (${listenMs}): the check could never pass.`,
      )
    : undefined;
}

/**
 * Opens the microphone with echo cancellation, noise suppression and auto gain off and listens
 * until enough sound is heard (succeeded) or time runs out (failed: silent or too quiet).
 */
export async function runMicrophoneCheck(options: MicrophoneCheckOptions = {}): Promise<CheckOutcome> {
  const invalid = optionsFailure('microphone', 'runMicrophoneCheck', MICROPHONE_OPTIONS, options);
  if (invalid) return { result: invalid };
  options ??= {} as MicrophoneCheckOptions;
  // an abort before the start is the caller's answer at once (as fetch's), with no device asked for
  if (options.signal?.aborted) throw abortReason(options.signal);
  const unreachable = unreachableRequiredMs('runMicrophoneCheck options', options);
  if (unreachable) return { result: failedFromError('microphone', Date.now(), unreachable) };
  const {
    listenMs = 5000,
    requiredMs = 1500,
    soundDb = -60,
    silenceDb = -100,
    hangoverMs = 250,
    sampleMs = 50,
    startTimeoutMs = 10_000,
    signal,
    onProgress,
  } = options;
  const startedAt = Date.now();
  let stream: MediaStream | undefined;
  let reader: AudioLevelReader | undefined;
  try {
    stream = await getUserMediaTyped(
      {
        audio: {
          ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}),
          echoCancellation: false,
          noiseSuppression: false,
          autoGainControl: false,
        },
      },
      options.mediaDevices,
      startTimeoutMs,
    );
    const label = stream.getAudioTracks()[0]?.label ?? '';
    reader = new AudioLevelReader(stream);
    await reader.resume(startTimeoutMs);
    let heardMs = 0;
    let activeUntil = -Infinity;
    let peak = 0;
    let sumSquares = 0;
    let samples = 0;
    const t0 = performance.now();
    let last = t0;
    while (performance.now() - t0 < listenMs && heardMs < requiredMs) {
      await delay(sampleMs, signal);
      const now = performance.now();
      const level = reader.read();
      if (level.rmsDb > soundDb) {
        activeUntil = now + hangoverMs;
        // the mean level is of the sound heard: silence before the stream flows or between words does not lower it
        sumSquares += level.rms * level.rms;
        samples++;
      }
      if (now <= activeUntil) heardMs += now - last;
      last = now;
      peak = Math.max(peak, level.peak);
      onProgress?.({ fraction: Math.min(1, Math.max(heardMs / requiredMs, (now - t0) / listenMs)), level: level.rms });
    }
    const metrics = {
      peakDbfs: Math.round(toDb(peak) * 10) / 10,
      meanDbfs: Math.round(toDb(Math.sqrt(sumSquares / Math.max(1, samples))) * 10) / 10,
      clipped: peak >= 0.999,
      heardMs: Math.round(heardMs),
      device: label,
    };
    if (heardMs >= requiredMs)
      return {
        result: finished('microphone', startedAt, { ok: true, message: 'We can hear your microphone.', metrics }),
      };
    if (toDb(peak) <= silenceDb)
      return {
        result: finished('microphone', startedAt, {
          ok: false,
          reason: 'silent',
          message:
            'Your microphone sends no sound at all. Check that it is not muted (switch or system settings), or choose another microphone.',
          metrics,
        }),
      };
    return {
      result: finished('microphone', startedAt, {
        ok: false,
        reason: 'too_quiet',
        message:
          'We could barely hear your microphone. Speak up, move closer, or raise its input volume, then try again.',
        metrics,
      }),
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { result: failedFromError('microphone', startedAt, error) };
  } finally {
    reader?.close();
    stopStream(stream);
  }
}
