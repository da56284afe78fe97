import { createFaceDetector } from '../detection/face-detector.js';
import type { FaceDetectorHandle } from '../detection/types.js';
import { FrameSampler } from '../media/frame-stats.js';
import { delay, getUserMediaTyped, stopStream } from '../media/user-media.js';
import { failedFromError, finished } from './result.js';
import type { CheckOutcome, CheckRunOptions } from './types.js';

export interface WebcamCheckOptions extends CheckRunOptions {
  deviceId?: string;
  /** Use this camera stream instead of opening one (it is kept, not stopped). */
  stream?: MediaStream;
  /** Shows the camera (preview); one is made off-screen when absent. */
  video?: HTMLVideoElement;
  minWidth?: number;
  minHeight?: number;
  /** How long frames are sampled (ms). Default 3000. */
  durationMs?: number;
  /** Sampling interval (ms). Default 250. */
  sampleMs?: number;
  /** A frame darker than this mean luma (0–255) is black. Default 20. */
  blackLuma?: number;
  /** A frame changing less than this (mean |Δluma|, 0–255) from the last is frozen. Default 0.25. */
  frozenChange?: number;
  /** More black or frozen frames than this fraction fails the check. Default 1/3. */
  maxBadFraction?: number;
  /** Require exactly one face (default true). */
  requireFace?: boolean;
  /** Fraction of sampled frames that must show exactly one face. Default 0.5. */
  faceFraction?: number;
  /** A face detector to use; otherwise one is created (and closed) with `assetBase`. */
  detector?: FaceDetectorHandle;
  assetBase?: string | URL;
}

/** Camera labels of known virtual cameras (screen or video injection). */
export const VIRTUAL_CAMERA_PATTERN =
  /\b(obs|manycam|snap camera|xsplit|virtual|droidcam|splitcam|e2esoft|vcam|camtwist|mmhmm|chromacam|youcam|iriun|epoccam|nvidia broadcast)\b/i;

async function playing(video: HTMLVideoElement, stream: MediaStream) {
  video.muted = true;
  video.playsInline = true;
  if (video.srcObject !== stream) video.srcObject = stream;
  await video.play();
  while (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) await delay(20);
}

/**
 * Opens the camera, checks its resolution, samples frames for ~3 s and fails when too many are
 * black or frozen, or (unless disabled) when most frames do not show exactly one face.
 * Keeps the stream on success (for the preview and monitoring); stops it on failure.
 */
export async function runWebcamCheck(options: WebcamCheckOptions = {}): Promise<CheckOutcome> {
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
    signal,
    onProgress,
  } = options;
  const startedAt = Date.now();
  const ownStream = !options.stream;
  let stream = options.stream;
  let detector = options.detector;
  const ownDetector = !detector && requireFace;
  let keep = false;
  let detectorReady: Promise<FaceDetectorHandle> | undefined;
  try {
    detectorReady = ownDetector ? createFaceDetector({ assetBase: options.assetBase, signal }) : undefined;
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
    const track = stream.getVideoTracks()[0];
    const settings = track.getSettings();
    const label = track.label;
    const warnings = VIRTUAL_CAMERA_PATTERN.test(label) ? [`The camera "${label}" looks like a virtual camera.`] : [];
    const video = options.video ?? document.createElement('video');
    await playing(video, stream);
    const width = settings.width ?? video.videoWidth;
    const height = settings.height ?? video.videoHeight;
    const base = { width, height, device: label, virtualCamera: warnings.length > 0 };
    if (width < minWidth || height < minHeight)
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
    let samples = 0;
    let black = 0;
    let frozen = 0;
    const faces = { none: 0, one: 0, many: 0 };
    const t0 = performance.now();
    while (performance.now() - t0 < durationMs) {
      const stats = sampler.sample(video);
      samples++;
      if (stats.luma < blackLuma) black++;
      else if (stats.change !== undefined && stats.change < frozenChange) frozen++;
      if (detector) {
        const n = (await detector.detect(video)).faces.length;
        if (n === 0) faces.none++;
        else if (n === 1) faces.one++;
        else faces.many++;
      }
      onProgress?.({ fraction: Math.min(1, (performance.now() - t0) / durationMs) });
      await delay(sampleMs, signal);
    }
    const metrics = {
      ...base,
      samples,
      blackFrames: black,
      frozenFrames: frozen,
      noFaceFrames: faces.none,
      oneFaceFrames: faces.one,
      multipleFaceFrames: faces.many,
    };
    const fail = (reason: 'black' | 'frozen' | 'no_face' | 'multiple_faces', message: string) => ({
      result: finished('webcam', startedAt, { ok: false, reason, message, metrics, warnings }),
    });
    if (black > samples * maxBadFraction)
      return fail(
        'black',
        'Your camera shows a black picture. Remove any cover, turn on the light, or choose another camera.',
      );
    if (frozen > samples * maxBadFraction)
      return fail('frozen', 'Your camera picture is frozen. Close other apps that use it, or reconnect it.');
    if (requireFace && faces.one < samples * faceFraction) {
      if (faces.many >= faces.none)
        return fail(
          'multiple_faces',
          'More than one person is visible. Make sure you are alone in front of the camera.',
        );
      return fail(
        'no_face',
        'We cannot see your face. Sit in front of the camera, face it, and make sure your face is well lit.',
      );
    }
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
    if (!keep && ownStream) stopStream(stream);
  }
}
