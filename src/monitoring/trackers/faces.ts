import { detectionError } from '../../detection/mediapipe.js';
import { ErrorCode, ProctorError } from '../../errors.js';
import { FacePresence, type PresenceEvent } from '../../detection/tracking.js';
import type { Face, Region } from '../../detection/types.js';
import { VideoFrameCounter } from '../../media/frame-counter.js';
import { FLAT_SPREAD, type FrameStats } from '../../media/frame-stats.js';
import { faceLostMs } from '../options.js';
import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

/** A camera whose picture is darker than this mean luma (0–255, the webcam check's black) is still adjusting. */
const SETTLED_LUMA = 20;
/** Detection errors that are no result rather than a failure: no frame yet, a replaced frame, stopping. */
const PASSING = new Set<number>([ErrorCode.INVALID_FRAME, ErrorCode.FRAME_DROPPED, ErrorCode.DETECTOR_CLOSED]);

/**
 * A frame changing less than this (mean |Δluma|, 0–255, on a 64×48 copy) from the last is the same
 * picture. A frozen camera repeats identical frames (0); a still scene's sensor noise, averaged by
 * the small copy, stays above ~0.1. (The webcam check's 0.25 is on 160×120 and over 3 s, where a
 * false "frozen" only asks the candidate to try again; here it is evidence.)
 */
export const FROZEN_CHANGE = 0.05;

/** Each camera a tracker follows gets its own statistics key (a fresh "last picture"). */
let cameras = 0;

/**
 * numHumans: follows faces on the camera at `detectionFps` ({@link FacePresence}: tracks born at
 * `minConfidence`, kept at `keepConfidence`).
 * "No face" (5001) once no followed face has been seen for `noFaceMs`; "more than one person"
 * (5002) once a second face has persisted `multipleFacesMs`; each ends after `recoverMs` of one
 * face. A frame of one flat colour holds no face (the detector is not asked: BlazeFace scores a
 * solid green frame as two faces). A picture that stops changing for `frozenMs` (the camera froze,
 * its track still live) is "camera frozen" (5105). A camera that starts, or is re-acquired, is not
 * judged while its picture is dark or one flat colour, for up to `settleMs`, unless a face shows.
 * Times are when each frame was taken, so a slow machine that looks at fewer frames judges the same
 * span of time. The picture statistics are measured by the detector beside detection (in its
 * worker when it has one): the page's main thread only hands it the frame.
 */
export class FaceTracker implements Tracker {
  private readonly noFace: Violation;
  private readonly many: Violation;
  private readonly frozen: Violation;
  private readonly presence: FacePresence;
  private statsKey = `faces-${++cameras}`;
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  private camera?: string;
  /** When the camera's first picture came (its settle time starts then). */
  private cameraSince = 0;
  private pictured = false;
  private settled = false;
  private frozenSince?: number;
  private frozenFrames = 0;
  /** Tells a new camera frame from a second read of the last one. */
  private readonly frames = new VideoFrameCounter();
  private stalledSince?: number;
  /** Detections failed in a row. */
  private failures = 0;

  constructor(private readonly ctx: TrackerContext) {
    this.noFace = new Violation(ctx, 'no_face');
    this.many = new Violation(ctx, 'multiple_people');
    this.frozen = new Violation(ctx, 'camera_frozen');
    const t = ctx.tuning;
    this.presence = new FacePresence({
      birthScore: t.minConfidence,
      keepScore: Math.min(t.keepConfidence, t.minConfidence),
      lostMs: faceLostMs(t),
      noFaceMs: t.noFaceMs,
      multipleFacesMs: t.multipleFacesMs,
      recoverMs: t.recoverMs,
      regions: { fullFrameMs: t.fullFrameMs },
    });
  }

  start(): void {
    this.stopped = false;
    this.loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.frames.stop(); // a later start() watches afresh
    this.noFace.end();
    this.many.end();
    this.frozen.end();
  }

  /**
   * Feeds one frame's faces taken at `at` (also used by tests with a scripted clock). Before the
   * camera has settled, frames without a face are not judged.
   */
  observe(faces: readonly Face[], at = this.ctx.now(), region?: Region): void {
    if (!this.settled) {
      if (
        faces.some((f) => f.score >= this.presence.options.birthScore) ||
        at - this.cameraSince >= this.ctx.tuning.settleMs
      )
        this.settled = true;
      else return;
    }
    for (const e of this.presence.observe(faces, at, region)) this.apply(e);
  }

  /**
   * Feeds one frame's picture statistics taken at `at`: a picture that is neither dark nor one flat
   * colour means the camera has settled; one that does not change is frozen. `newFrame` false: the
   * video presented no frame since the last sample, which a machine too busy to deliver frames
   * also causes, so it counts towards "frozen" only after three times `frozenMs`; a changed picture
   * is a new frame whatever the count says. `hidden`: the page was hidden when the frame was taken.
   */
  observeStats(
    stats: FrameStats | undefined,
    at = this.ctx.now(),
    newFrame = true,
    hidden = typeof document !== 'undefined' && document.hidden,
  ): void {
    if (stats && stats.luma >= SETTLED_LUMA && stats.spread >= FLAT_SPREAD) this.settled = true;
    if (!newFrame && (stats?.change ?? 0) < FROZEN_CHANGE) {
      // a hidden page is not shown frames where they are counted by requestVideoFrameCallback
      // (Firefox): no frame then is no sign of a frozen camera
      if (hidden) {
        this.stalledSince = undefined;
        return;
      }
      this.stalledSince ??= at;
      if (!this.frozen.active && at - this.stalledSince >= 3 * this.ctx.tuning.frozenMs)
        this.frozen.begin(this.stalledSince, { noFrames: true });
      return;
    }
    this.stalledSince = undefined;
    const still = stats?.change !== undefined && stats.change < FROZEN_CHANGE && stats.spread >= FLAT_SPREAD && !hidden;
    if (!still) {
      this.frozenSince = undefined;
      this.frozenFrames = 0;
      if (this.frozen.active && stats?.change !== undefined) this.frozen.end(at);
      return;
    }
    this.frozenSince ??= at;
    this.frozenFrames++;
    if (!this.frozen.active && this.frozenFrames >= 3 && at - this.frozenSince >= this.ctx.tuning.frozenMs)
      this.frozen.begin(this.frozenSince, { change: Math.round(stats.change! * 1000) / 1000 });
  }

  private apply(e: PresenceEvent) {
    const v = e.type === 'no_face' ? this.noFace : this.many;
    if (e.phase === 'begin') v.begin(e.at, e.data);
    else v.end(e.at);
  }

  /** A new camera (started or re-acquired): settle again, forget faces and the last picture. */
  private newCamera(id: string | undefined, at: number) {
    this.camera = id;
    this.cameraSince = at;
    this.pictured = false;
    this.settled = false;
    this.presence.restart();
    this.statsKey = `faces-${++cameras}`;
    this.frozenSince = undefined;
    this.frozenFrames = 0;
    this.stalledSince = undefined;
    this.frames.newCamera();
  }

  private loop() {
    if (this.stopped) return;
    const started = performance.now();
    const next = () => {
      if (this.stopped) return;
      const interval = 1000 / this.ctx.tuning.detectionFps;
      this.timer = setTimeout(() => this.loop(), Math.max(0, interval - (performance.now() - started)));
    };
    const { video, detector } = this.ctx;
    if (!detector || !video) return next();
    const at = this.ctx.now();
    // read as the frame is taken: a detection may end after the page is shown again
    const hidden = document.hidden;
    const track = (video.srcObject as MediaStream | null)?.getVideoTracks?.()[0];
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
      // a live camera that has shown no picture yet counts as one that shows no new frame (frozen
      // after 3 × frozenMs: no first frame ever is a camera that sends nothing)
      if (track?.readyState === 'live') {
        if (track.id !== this.camera) this.newCamera(track.id, at);
        this.observeStats(undefined, at, false, hidden);
      }
      return next();
    }
    if (track?.id !== this.camera) this.newCamera(track?.id, at);
    // the settle time runs from the first picture, not from a camera still starting
    if (!this.pictured) {
      this.pictured = true;
      this.cameraSince = at;
    }
    const newFrame = this.frames.fresh(video);
    // the detector measures the picture (dark, flat, frozen) beside the faces, and gives a frame of
    // one flat colour no faces (BlazeFace scores solid green as two); a frame that cannot be read
    // has no statistics, and a failed detection none either: no observation of the picture
    // between whole-frame searches, only around the one face followed (FaceTracks.nextRegion)
    const region = this.settled ? this.presence.nextRegion(video.videoWidth, video.videoHeight, at) : undefined;
    detector
      .detect(video, { stats: { key: this.statsKey, width: 64, height: 48 }, ...(region ? { region } : {}) })
      .then(({ faces, stats, region: searched }) => {
        this.failures = 0;
        this.ctx.detectionFailed?.(undefined);
        if (this.stopped) return;
        this.observeStats(stats, at, newFrame, hidden);
        this.observe(stats && stats.spread < FLAT_SPREAD ? [] : faces, at, searched);
      })
      .catch((error: unknown) => {
        // a camera without a frame (re-acquiring), a replaced frame or a closed detector (stopping)
        // is not a detection result; anything else means nobody is watched: raised and shown
        if (error instanceof ProctorError && PASSING.has(error.code)) return;
        // one slow frame on a loaded machine is not "detection does not work": two in a row are
        if (++this.failures >= 2) this.ctx.detectionFailed?.(detectionError(error));
      })
      .finally(next);
  }
}
