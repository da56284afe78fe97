import { createFaceDetector } from '../detection/face-detector.js';
import { FaceTracks } from '../detection/tracking.js';
import type { FaceDetectorHandle } from '../detection/types.js';
import { VideoFrameCounter } from '../media/frame-counter.js';
import { FLAT_SPREAD, FrameSampler, type FrameStats } from '../media/frame-stats.js';
import { DEFAULT_TUNING } from '../monitoring/options.js';
import { abortReason, delay, getUserMediaTyped, stopStream } from '../media/user-media.js';
import { ErrorCode, ProctorError } from '../errors.js';
import { VIRTUAL_CAMERA_PATTERN } from './common.js';
import { failedFromError, finished } from './result.js';
import { RUN_OPTIONS, kinds, optionsFailure, type OptionKind } from './options.js';
import type { CheckOutcome, CheckRunOptions } from './types.js';

export interface WebcamCheckOptions extends CheckRunOptions {
  deviceId?: string;
  /** Use this camera stream instead of opening one (it is kept, not stopped). */
  stream?: MediaStream;
  /** Shows the camera (preview); one is made off-screen when absent. */
  video?: HTMLVideoElement;
  minWidth?: number;
  minHeight?: number;
  /**
   * How long frames are sampled (ms). Default 3000. Time while the page is hidden does not count
   * (the check waits for the candidate to come back), and at least 3 frames are sampled.
   */
  durationMs?: number;
  /** Sampling interval (ms). Default 250. */
  sampleMs?: number;
  /** A frame darker than this mean luma (0–255) in which no face is found, or of one flat colour (a cover, a blank picture), is black; faces found in a picture this dark fail it as `too_dark`. Default 20. */
  blackLuma?: number;
  /**
   * A picture changing less than this (mean |Δluma|, 0–255) between samples has not changed.
   * Default 0.25. The camera is frozen when new frames keep coming without a change for more than
   * `maxBadFraction` of the new frames sampled (at least 2; `metrics.frozenFrames`, the longest such
   * run), when no new frame comes for more than `maxBadFraction` of `durationMs` (three looks or
   * more in a row; `metrics.stalledMs`, the longest such time: a camera that stops, or sends under
   * one frame a second), or when it sends no new frame at all (`metrics.newFrames` 0; no picture
   * within 10 s too). A sample that finds no new frame (a camera slower than `sampleMs`, a busy
   * machine) is not judged as unchanged, a changed picture is a new frame whatever the browser's
   * frame count says, and a change seen in any sample ends a run: a frame counted before it is
   * drawn is no frozen one.
   */
  frozenChange?: number;
  /** More black frames than this fraction of samples (or frozen ones: `frozenChange`) fails the check. Default 1/3. */
  maxBadFraction?: number;
  /** Require exactly one face (default true). */
  requireFace?: boolean;
  /** Fraction of sampled frames that must show exactly one face. Default 0.5. */
  faceFraction?: number;
  /**
   * A face is found when it scores at least this (0–1); once found it is followed down to
   * `keepConfidence`. Defaults: monitoring's (`DEFAULT_TUNING`, chosen on the evaluation set).
   */
  minConfidence?: number;
  keepConfidence?: number;
  /**
   * A camera still adjusting (dark or one flat colour) is given up to this long (ms) before frames
   * are judged. Default 3000.
   */
  settleMs?: number;
  /** With no face found, a picture darker than this mean luma (0–255) is "too dark". Default 60. */
  darkLuma?: number;
  /** A face narrower than this fraction of the frame width is "too far". Default 0.09 (~58 px at 640). */
  minFaceWidth?: number;
  /** A face detector to use; otherwise one is created (and closed) with `assetBase`. */
  detector?: FaceDetectorHandle;
  assetBase?: string | URL;
}

/** How long a camera may take to show its first picture (ms): USB cameras take 1–3 s to start. */
const FIRST_FRAME_MS = 10_000;
/** Fewest samples judged: a check that took fewer (a machine too busy to sample) goes on longer. */
const MIN_SAMPLES = 3;

const ended = (track: MediaStreamTrack) => track.readyState === 'ended';
/** The camera's track ended (unplugged, taken by another app, a stream already stopped): 4109. */
const cameraStopped = () =>
  new ProctorError(
    ErrorCode.DEVICE_LOST,
    'Your camera stopped. Reconnect it or close other apps that use it, then try again.',
  );

/** Plays the stream in the video; false when no picture came within `FIRST_FRAME_MS`. */
async function playing(video: HTMLVideoElement, stream: MediaStream, signal?: AbortSignal): Promise<boolean> {
  video.muted = true;
  video.playsInline = true;
  if (video.srcObject !== stream) video.srcObject = stream;
  // play() waits for a first frame in some engines (WebKit): a camera that sends none would hang it
  const end = performance.now() + FIRST_FRAME_MS;
  await Promise.race([video.play(), delay(FIRST_FRAME_MS, signal)]);
  while (video.readyState < 2) {
    if (performance.now() > end) return false;
    await delay(20, signal);
  }
  return true;
}

/** What `runWebcamCheck()` accepts, each option with its kind (a wrong one fails the check with 4107). */
export const WEBCAM_OPTIONS = {
  ...RUN_OPTIONS,
  deviceId: kinds.string,
  stream: kinds.stream,
  video: kinds.video,
  minWidth: kinds.count,
  minHeight: kinds.count,
  durationMs: kinds.positiveMs,
  sampleMs: kinds.positiveMs,
  blackLuma: kinds.luma,
  frozenChange: kinds.luma,
  maxBadFraction: kinds.fraction,
  requireFace: kinds.boolean,
  faceFraction: kinds.fraction,
  minConfidence: kinds.fraction,
  keepConfidence: kinds.fraction,
  settleMs: kinds.ms,
  darkLuma: kinds.luma,
  minFaceWidth: kinds.fraction,
  detector: kinds.detector,
  assetBase: kinds.url,
} satisfies Record<keyof WebcamCheckOptions, OptionKind>;

/**
 * Opens the camera, checks its resolution, gives a camera that is still adjusting (dark or one flat
 * colour) up to `settleMs`, samples frames for ~3 s and fails when too many are black or frozen, or
 * (unless disabled) when most frames do not show exactly one face (followed across frames as
 * monitoring does). A failure for want of a face says what stands in the way when it can tell —
 * `face_cut_off`, `too_far`, `backlit`, `too_dark` — with the measurement in `metrics`.
 * Keeps the stream on success (for the preview and monitoring); stops it on failure. A `stream`
 * without a video track fails with `reason: 'error'` and code 4107 (INVALID_OPTION); a camera whose
 * track has ended, before or during the check, with code 4109 (DEVICE_LOST).
 */
export async function runWebcamCheck(options: WebcamCheckOptions = {}): Promise<CheckOutcome> {
  const invalid = optionsFailure('webcam', 'runWebcamCheck', WEBCAM_OPTIONS, options);
  if (invalid) return { result: invalid };
  options ??= {} as WebcamCheckOptions;
  // an abort before the start is the caller's answer at once (as fetch's), with no device asked for
  if (options.signal?.aborted) throw abortReason(options.signal);
  const {
    minWidth = 640,
    minHeight = 480,
    durationMs = 3000,
    sampleMs = 250,
    blackLuma = 20,
    frozenChange = 0.25,
    maxBadFraction = 1 / 3,
    requireFace = true,
    faceFraction = 0.5,
    minConfidence = DEFAULT_TUNING.minConfidence,
    settleMs = 3000,
    darkLuma = 60,
    minFaceWidth = 0.09,
    signal,
    onProgress,
  } = options;
  const keepConfidence = Math.min(minConfidence, options.keepConfidence ?? DEFAULT_TUNING.keepConfidence);
  const startedAt = Date.now();
  const ownStream = !options.stream;
  let stream = options.stream;
  let detector = options.detector;
  const ownDetector = !detector && requireFace;
  let keep = false;
  let detectorReady: Promise<FaceDetectorHandle> | undefined;
  // a second read of the camera's last frame (a camera slower than sampleMs, a busy machine) is
  // not a frozen picture: only new frames that do not change the picture are, and a camera that
  // sends none
  const frames = new VideoFrameCounter();
  try {
    detectorReady = ownDetector
      ? createFaceDetector({ assetBase: options.assetBase, minConfidence: keepConfidence, signal })
      : undefined;
    detectorReady?.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
    stream ??= await getUserMediaTyped(
      {
        video: {
          ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}),
          width: { ideal: 1280 },
          height: { ideal: 720 },
        },
      },
      options.mediaDevices,
    );
    const track = stream.getVideoTracks?.()[0];
    if (!track) throw new ProctorError(ErrorCode.INVALID_OPTION, 'stream must be a MediaStream with a video track.');
    if (ended(track)) throw cameraStopped();
    const settings = track.getSettings();
    const label = track.label;
    const warnings = VIRTUAL_CAMERA_PATTERN.test(label) ? [`The camera "${label}" looks like a virtual camera.`] : [];
    const video = options.video ?? document.createElement('video');
    const shows = await playing(video, stream, signal);
    const width = settings.width ?? video.videoWidth;
    const height = settings.height ?? video.videoHeight;
    const base = { width, height, device: label, virtualCamera: warnings.length > 0 };
    // (a camera that sent no picture has no size yet: frozen below)
    if (shows && (width < minWidth || height < minHeight))
      return {
        result: finished('webcam', startedAt, {
          ok: false,
          reason: 'resolution',
          message: `Your camera gives ${width}×${height}; at least ${minWidth}×${minHeight} is needed. Choose another camera.`,
          metrics: base,
          warnings,
        }),
      };
    if (detectorReady) detector = await detectorReady;

    const sampler = new FrameSampler();
    // a camera still adjusting (dark or one flat colour while exposure settles) is given time first
    const settleStart = performance.now();
    // (a camera that sent no picture is not sampled: frozen below)
    while (shows) {
      const stats = sampler.sample(video);
      frames.fresh(video);
      if (stats.luma >= blackLuma && stats.spread >= FLAT_SPREAD) break;
      if (performance.now() - settleStart >= settleMs) break;
      await delay(sampleMs, signal);
    }
    const settledMs = Math.round(performance.now() - settleStart);

    const tracks = new FaceTracks({ birthScore: minConfidence, keepScore: keepConfidence, lostMs: 4 * sampleMs + 500 });
    const frameW = video.videoWidth || width;
    const frameH = video.videoHeight || height;
    let samples = 0;
    let black = 0;
    /** New frames since the picture last changed, and the longest such run. */
    let still = 0;
    let frozen = 0;
    /** Samples that found a new frame (all of them where the browser cannot tell). */
    let freshSamples = 0;
    /** The longest time between new frames seen (ms). */
    let stalled = 0;
    let lastNewAt = 0;
    let stallLooks = 0;
    let lumaSum = 0;
    const faces = { none: 0, one: 0, many: 0 };
    const faceWidths: number[] = [];
    let cutOff = 0;
    /** Frames whose one face touches the frame's edge (found, but partly out of the picture). */
    let oneCutOff = 0;
    let small = 0;
    let centerLuma = 0;
    let borderLuma = 0;
    const t0 = (lastNewAt = performance.now());
    /** Time the page was hidden (ms): it does not count towards `durationMs`. */
    let pausedMs = 0;
    while (shows && (performance.now() - t0 - pausedMs < durationMs || samples < MIN_SAMPLES)) {
      // a hidden page is not shown frames (requestVideoFrameCallback does not run; Firefox shows
      // none): the check waits for the candidate to come back, and judges what it sees then
      if (document.hidden) {
        const from = performance.now();
        await delay(sampleMs, signal);
        const away = performance.now() - from;
        pausedMs += away;
        // the time away is not the camera's: a gap between new frames is counted without it, not
        // cut in two (helper-58: a camera sending a picture every 2 s passed after a tab switch)
        lastNewAt += away;
        continue;
      }
      const at = performance.now();
      const counted = frames.fresh(video);
      const stats: FrameStats = sampler.sample(video);
      // a changed picture is a new frame whatever the counter says (it counts a frame before it is
      // drawn, or not at all where the callback does not run: a video not shown, WebKit)
      const fresh = counted || (stats.change ?? 0) >= frozenChange;
      samples++;
      if (fresh) {
        freshSamples++;
        lastNewAt = at;
        stallLooks = 0;
        // no new frame in three looks or more in a row (one late look is a busy machine)
      } else if (++stallLooks >= 3) stalled = Math.max(stalled, at - lastNewAt);
      lumaSum += stats.luma;
      centerLuma += sampler.regionLuma(0.3, 0.2, 0.7, 0.8) ?? stats.luma;
      borderLuma +=
        ((sampler.regionLuma(0, 0, 1, 0.2) ?? 0) +
          (sampler.regionLuma(0, 0, 0.2, 1) ?? 0) +
          (sampler.regionLuma(0.8, 0, 1, 1) ?? 0)) /
        3;
      const flat = stats.spread < FLAT_SPREAD;
      const dark = stats.luma < blackLuma;
      // no frozen test on a picture too dark or flat to tell one frame from the next
      if (!flat && !dark) {
        if (stats.change === undefined || stats.change >= frozenChange) still = 0;
        else if (fresh) frozen = Math.max(frozen, ++still);
      }
      let faceSeen = false;
      if (detector) {
        // a frame of one flat colour holds no face (BlazeFace scores solid green as two)
        const found = flat ? [] : (await detector.detect(video)).faces;
        const seen = tracks.update(found, at);
        faceSeen = seen.length > 0;
        const edge = 0.01 * frameW;
        const touches = (b: (typeof seen)[number]['box']) =>
          b.x <= edge || b.y <= edge || b.x + b.width >= frameW - edge || b.y + b.height >= frameH - edge;
        for (const t of seen) {
          if (touches(t.box)) cutOff++;
          if (t.box.width < minFaceWidth * frameW) small++;
        }
        if (seen.length === 0) faces.none++;
        else if (seen.length === 1) {
          faces.one++;
          faceWidths.push(seen[0].box.width);
          if (touches(seen[0].box)) oneCutOff++;
        } else faces.many++;
      }
      // black, or one flat colour (a lens cover, a camera sending a blank picture): no picture at
      // all; a dark frame in which a face is found is a picture, too dark (helper-58: luma 19.5,
      // the face in 11 frames of 11, was "black … remove any cover")
      if (flat || (dark && !faceSeen)) black++;
      onProgress?.({ fraction: Math.min(1, (performance.now() - t0 - pausedMs) / durationMs) });
      await delay(sampleMs, signal);
    }
    /** Time the check looked at the camera (ms), the time away not counted. */
    const shownMs = performance.now() - t0 - pausedMs;
    const round = (x: number) => Math.round(x * 10) / 10;
    const faceWidth = faceWidths.sort((a, b) => a - b)[Math.floor(faceWidths.length / 2)];
    const metrics = {
      ...base,
      samples,
      settledMs,
      blackFrames: black,
      frozenFrames: frozen,
      newFrames: freshSamples,
      stalledMs: Math.round(stalled),
      noFaceFrames: faces.none,
      oneFaceFrames: faces.one,
      multipleFaceFrames: faces.many,
      luma: round(lumaSum / Math.max(1, samples)),
      centerLuma: round(centerLuma / Math.max(1, samples)),
      borderLuma: round(borderLuma / Math.max(1, samples)),
      cutOffFrames: oneCutOff,
      ...(faceWidth !== undefined
        ? { faceWidth: Math.round(faceWidth), faceWidthFraction: Math.round((1000 * faceWidth) / frameW) / 1000 }
        : {}),
    };
    type Reason =
      'black' | 'frozen' | 'no_face' | 'multiple_faces' | 'too_dark' | 'too_far' | 'face_cut_off' | 'backlit';
    const fail = (reason: Reason, message: string) => ({
      result: finished('webcam', startedAt, { ok: false, reason, message, metrics, warnings }),
    });
    // a camera that stopped during the check shows black or still frames: not what to fix
    if (ended(track)) return { result: failedFromError('webcam', startedAt, cameraStopped(), metrics) };
    if (black > samples * maxBadFraction)
      return fail(
        'black',
        'Your camera shows a black or blank picture. Remove any cover, turn on the light, or choose another camera.',
      );
    if (
      !shows ||
      (frozen > 1 && frozen > freshSamples * maxBadFraction) ||
      stalled > durationMs * maxBadFraction ||
      !freshSamples ||
      // under one new picture a second, whether or not a tab switch cut its gaps short (helper-58:
      // one new picture in 8 looks over 3 s passed, each gap under a third of the check)
      freshSamples < Math.floor(shownMs / 1000) - 1
    )
      return fail('frozen', 'Your camera picture is frozen. Close other apps that use it, or reconnect it.');
    // faces found in a picture darker than a camera's black: too dark for a reviewer's photos
    if (requireFace && metrics.luma < blackLuma)
      return fail(
        'too_dark',
        `Your picture is too dark (brightness ${Math.round(metrics.luma)} of 255; ${darkLuma} is needed). Turn on a light in front of you.`,
      );
    const minPx = Math.round(minFaceWidth * frameW);
    if (requireFace && faces.one < samples * faceFraction) {
      if (faces.many > 0 && faces.many >= faces.none)
        return fail(
          'multiple_faces',
          'More than one person is visible. Make sure you are alone in front of the camera.',
        );
      // no face: say what stands in the way, with the measurement behind it
      if (cutOff > 0)
        return fail(
          'face_cut_off',
          'Your face is partly out of the picture. Move so that your whole face is in the middle of the picture.',
        );
      if (small > 0)
        return fail('too_far', `You are too far from the camera (your face is under ${minPx} px wide). Move closer.`);
      if (metrics.borderLuma > 160 && metrics.centerLuma < 0.6 * metrics.borderLuma)
        return fail(
          'backlit',
          `There is strong light behind you (brightness ${Math.round(metrics.borderLuma)} around you, ${Math.round(metrics.centerLuma)} where you sit). Close the blind or turn so the light falls on your face.`,
        );
      if (metrics.luma < darkLuma)
        return fail(
          'too_dark',
          `Your picture is too dark to see your face (brightness ${Math.round(metrics.luma)} of 255; ${darkLuma} is needed). Turn on a light in front of you.`,
        );
      return fail(
        'no_face',
        'We cannot see your face. Sit in front of the camera, face it, and make sure your face is well lit.',
      );
    }
    // a face found but cut by the frame's edge in most frames: monitoring finds such a face only
    // now and then (the eval: 33–67 % of faces a third out of the picture), so the candidate is
    // asked to move into the middle rather than let through
    if (requireFace && oneCutOff > faces.one / 2)
      return fail(
        'face_cut_off',
        'Your face is partly out of the picture. Move so that your whole face is in the middle of the picture.',
      );
    if (requireFace && faceWidth !== undefined && faceWidth < minPx)
      return fail(
        'too_far',
        `You are too far from the camera (your face is ${Math.round(faceWidth)} px wide; ${minPx} px is needed). Move closer.`,
      );
    keep = true;
    return {
      result: finished('webcam', startedAt, { ok: true, message: 'Your camera works.', metrics, warnings }),
      stream,
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { result: failedFromError('webcam', startedAt, error) };
  } finally {
    // every exit path closes the detector this check started, even one still loading (no worker
    // is left behind by a failed try)
    if (ownDetector)
      void detectorReady?.then(
        (d) => d.close(),
        () => undefined,
      );
    frames.stop();
    if (!keep && ownStream) stopStream(stream);
  }
}
