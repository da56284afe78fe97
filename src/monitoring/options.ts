/** Monitoring options (AutoProctor's tracking keys plus our tuning) and their validation. */
import { ErrorCode, ProctorError } from '../errors.js';

export interface TrackingOptions {
  /** Someone talking (5111) and other sustained sound above the background (5004). */
  audio?: boolean;
  /** No face (5001) and more than one person (5002). */
  numHumans?: boolean;
  /** Leaving the page (5005) and returning (5006). */
  tabSwitch?: boolean;
  /** More than one monitor (5007). */
  detectMultipleScreens?: boolean;
  /** Ask for full screen and record leaving it (5009, AutoProctor's code). */
  forceFullScreen?: boolean;
  /** Photos at random times (5003). */
  photosAtRandom?: boolean;
  numPhotosAtRandom?: number;
  /** The phone paired by the mobile check as a second camera (setup's `secondCamera`); its loss is 5104. */
  auxiliaryDevice?: boolean;
  /** Show the camera preview. */
  showCamPreview?: boolean;
}

export const DEFAULT_TRACKING: Required<TrackingOptions> = {
  audio: true,
  numHumans: true,
  tabSwitch: true,
  detectMultipleScreens: true,
  forceFullScreen: false,
  photosAtRandom: false,
  numPhotosAtRandom: 3,
  auxiliaryDevice: false,
  showCamPreview: true,
};

/** Timings and thresholds of the trackers; every value is in ms unless named otherwise. */
export interface MonitorTuning {
  /** Face detection rate (frames per second). */
  detectionFps: number;
  /** A face missing this long is "no face". */
  noFaceMs: number;
  /** Two or more faces this long is "more than one person". */
  multipleFacesMs: number;
  /** The situation must be back to normal this long before a violation ends. */
  recoverMs: number;
  /**
   * A face is first seen (its track is born) when it scores at least this (0–1). Chosen on the
   * evaluation set (`npm run eval:faces`, README "Face detection"): above every score the negatives
   * reach, below the dim, grey and far faces.
   */
  minConfidence: number;
  /** A face already followed stays followed while it scores at least this (0–1, ≤ minConfidence). */
  keepConfidence: number;
  /**
   * While exactly one face is followed, the whole frame is searched (BlazeFace full range) at least
   * this often; the frames between are searched only around that face (BlazeFace short range on a
   * square 3 face widths wide: ~2.5× cheaper a frame). Anything uncertain (no face, a second face,
   * a miss, another sure face in the region) searches the whole frame at once. 0: every frame
   * whole; at most 5 000 (INVALID_OPTION above: a second person could go unseen that long).
   */
  fullFrameMs: number;
  /**
   * A camera that has just started (or been re-acquired) is not judged for this long, unless a face
   * shows sooner: exposure settles, the first frames are often dark or one flat colour.
   */
  settleMs: number;
  /** The picture unchanged (the webcam check's frozen test) this long is "camera frozen" (5105). */
  frozenMs: number;
  /** Sound heard before anything is classified (the background's first estimate). */
  audioLearnMs: number;
  /**
   * The background is a low percentile (10th) of the level over this sliding window: speech (with
   * its pauses) does not raise it, a fan that stays on becomes the background once it fills ~90 % of it.
   */
  audioBackgroundMs: number;
  /** How far above the background (dB) a frame must be to count as sound. */
  audioMarginDb: number;
  /** Never call anything below this level (dBFS) sound, however quiet the room. */
  audioFloorDb: number;
  /** Sound must go on this long to count (a cough, a door does not). */
  audioSustainMs: number;
  /** Hangover: pauses shorter than this do not end it (pauses in speech); this much quiet ends it. */
  audioReleaseMs: number;
  /** Blur shorter than this is ignored (permission prompts, notifications). */
  tabSwitchGraceMs: number;
  /**
   * Out of full screen shorter than this is shown but not recorded: the browser itself drops full
   * screen for the page's own alert()/confirm() and for permission prompts (counted from when the
   * page runs again, i.e. after the dialog closed), and the candidate needs a moment to click back.
   */
  fullscreenGraceMs: number;
  /** The expected exam length, to spread random photos over it. */
  examDurationMs: number;
  /**
   * Largest photo (bytes of JPEG). Photos travel on their own request, so this is about evidence
   * quality and upload size, not a transport limit (the reference server takes up to 512 KiB).
   */
  photoMaxBytes: number;
  /** How long `stop()` waits for delivery before it resolves with what is still pending. */
  deliveryTimeoutMs: number;
  /** How often tracks are checked for having ended. */
  deviceCheckMs: number;
  /** The phone's connection down this long is "second camera lost". */
  secondCameraLossMs: number;
  /** Pause between attempts to get a lost camera or microphone back. */
  reacquireMs: number;
  /** Longest wait for the browser to start audio processing (AudioContext) → 4120 AUDIO_NOT_STARTED. */
  audioStartMs: number;
  /** Longest wait for the camera or microphone to open, or the camera video to play → 4121 MEDIA_TIMEOUT. */
  mediaTimeoutMs: number;
}

export const DEFAULT_TUNING: MonitorTuning = {
  detectionFps: 4,
  noFaceMs: 3000,
  multipleFacesMs: 1000,
  recoverMs: 600,
  minConfidence: 0.5,
  keepConfidence: 0.35,
  fullFrameMs: 1000,
  settleMs: 3000,
  frozenMs: 5000,
  audioLearnMs: 2000,
  audioBackgroundMs: 30_000,
  audioMarginDb: 15,
  audioFloorDb: -65,
  audioSustainMs: 1500,
  audioReleaseMs: 700,
  tabSwitchGraceMs: 1000,
  fullscreenGraceMs: 4000,
  examDurationMs: 60 * 60 * 1000,
  photoMaxBytes: 250_000,
  deliveryTimeoutMs: 15_000,
  deviceCheckMs: 1000,
  secondCameraLossMs: 3000,
  reacquireMs: 2000,
  audioStartMs: 10_000,
  mediaTimeoutMs: 30_000,
};

const invalid = (message: string) => new ProctorError(ErrorCode.INVALID_OPTION, message);

/** The longest `tuning.fullFrameMs`: a second person may go unseen this long (ms). */
export const MAX_FULL_FRAME_MS = 5000;

/** Checks tracking options: unknown keys and wrong types throw INVALID_OPTION naming the option. */
export function validateTracking(input: unknown, name = 'trackingOptions'): Required<TrackingOptions> {
  if (input === undefined || input === null) return { ...DEFAULT_TRACKING };
  if (Array.isArray(input)) {
    // `track: ['audio', 'numHumans']` or "audio,numHumans": only these on
    const keys = input as unknown[];
    const result = Object.fromEntries(Object.keys(DEFAULT_TRACKING).map((k) => [k, false])) as Record<string, unknown>;
    result.numPhotosAtRandom = DEFAULT_TRACKING.numPhotosAtRandom;
    for (const k of keys) {
      if (typeof k !== 'string' || !(k in DEFAULT_TRACKING) || k === 'numPhotosAtRandom')
        throw invalid(
          `${name}: "${String(k)}" is not a tracking option (known: ${Object.keys(DEFAULT_TRACKING).join(', ')}).`,
        );
      result[k] = true;
    }
    return result as Required<TrackingOptions>;
  }
  if (typeof input !== 'object') throw invalid(`${name} must be an object, got ${typeof input}.`);
  const result: Record<string, unknown> = { ...DEFAULT_TRACKING };
  for (const [key, value] of Object.entries(input)) {
    if (!(key in DEFAULT_TRACKING))
      throw invalid(`${name}.${key} is not a tracking option (known: ${Object.keys(DEFAULT_TRACKING).join(', ')}).`);
    if (key === 'numPhotosAtRandom') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100)
        throw invalid(`${name}.numPhotosAtRandom must be a whole number from 1 to 100, got ${JSON.stringify(value)}.`);
    } else if (typeof value !== 'boolean') {
      throw invalid(`${name}.${key} must be true or false, got ${JSON.stringify(value)}.`);
    }
    result[key] = value;
  }
  return result as Required<TrackingOptions>;
}

/** Checks tuning overrides: known keys, finite non-negative numbers (minConfidence 0–1). */
export function validateTuning(input: unknown): MonitorTuning {
  if (input === undefined || input === null) return { ...DEFAULT_TUNING };
  if (typeof input !== 'object') throw invalid(`tuning must be an object, got ${typeof input}.`);
  const result: Record<string, number> = { ...DEFAULT_TUNING };
  for (const [key, value] of Object.entries(input)) {
    if (!(key in DEFAULT_TUNING))
      throw invalid(`tuning.${key} is not a tuning option (known: ${Object.keys(DEFAULT_TUNING).join(', ')}).`);
    const negativeOk = key === 'audioFloorDb';
    if (typeof value !== 'number' || !Number.isFinite(value) || (!negativeOk && value < 0))
      throw invalid(
        `tuning.${key} must be a ${negativeOk ? '' : 'non-negative '}number, got ${JSON.stringify(value)}.`,
      );
    if ((key === 'minConfidence' || key === 'keepConfidence') && value > 1)
      throw invalid(`tuning.${key} must be from 0 to 1, got ${value}.`);
    if (key === 'fullFrameMs' && value > MAX_FULL_FRAME_MS)
      throw invalid(
        `tuning.fullFrameMs must be 0 (every frame whole) or at most ${MAX_FULL_FRAME_MS} ms (how long a second person may go unseen), got ${value}.`,
      );
    if (key === 'detectionFps' && (value <= 0 || value > 30))
      throw invalid(`tuning.detectionFps must be above 0 and at most 30, got ${value}.`);
    result[key] = value;
  }
  if (result.keepConfidence > result.minConfidence) result.keepConfidence = result.minConfidence;
  return result as unknown as MonitorTuning;
}

/** A followed face unseen this long (ms) is gone: three frames at the detection rate, at least 1 s. */
export const faceLostMs = (tuning: Pick<MonitorTuning, 'detectionFps'>): number =>
  Math.max(1000, 3000 / tuning.detectionFps);
