import { detectionError } from '../../detection/mediapipe.js';
import { ErrorCode, ProctorError } from '../../errors.js';
import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

const PASSING = new Set<number>([ErrorCode.INVALID_FRAME, ErrorCode.FRAME_DROPPED, ErrorCode.DETECTOR_CLOSED]);

/**
 * numHumans: runs the face detector on the camera at `detectionFps`. "No face" (5001) begins only
 * after the face has been missing for `noFaceMs`, "more than one person" (5002) after
 * `multipleFacesMs`; each ends once the picture has been normal for `recoverMs`.
 */
export class FaceTracker implements Tracker {
  private readonly noFace: Violation;
  private readonly many: Violation;
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  private noFaceSince?: number;
  private manySince?: number;
  private normalSince?: number;
  /** Detections failed in a row. */
  private failures = 0;

  constructor(private readonly ctx: TrackerContext) {
    this.noFace = new Violation(ctx, 'no_face');
    this.many = new Violation(ctx, 'multiple_people');
  }

  start(): void {
    this.stopped = false;
    this.loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.noFace.end();
    this.many.end();
  }

  /** Feeds one observation (also used by tests with a scripted clock). */
  observe(faces: number, now = this.ctx.now()): void {
    const { noFaceMs, multipleFacesMs, recoverMs } = this.ctx.tuning;
    if (faces === 0) {
      this.noFaceSince ??= now;
      this.manySince = this.normalSince = undefined;
    } else if (faces > 1) {
      this.manySince ??= now;
      this.noFaceSince = this.normalSince = undefined;
    } else {
      this.normalSince ??= now;
      this.noFaceSince = this.manySince = undefined;
    }
    if (this.noFaceSince !== undefined && now - this.noFaceSince >= noFaceMs) this.noFace.begin(this.noFaceSince);
    if (this.manySince !== undefined && now - this.manySince >= multipleFacesMs)
      this.many.begin(this.manySince, { faces });
    // a violation ends when the picture was normal long enough, or turned into the other violation
    const recovered = this.normalSince !== undefined && now - this.normalSince >= recoverMs;
    if (this.noFace.active && (recovered || this.many.active)) this.noFace.end(this.normalSince ?? now);
    if (this.many.active && (recovered || this.noFace.active)) this.many.end(this.normalSince ?? now);
  }

  private loop() {
    if (this.stopped) return;
    const started = performance.now();
    const next = () => {
      if (this.stopped) return;
      const interval = 1000 / this.ctx.tuning.detectionFps;
      this.timer = setTimeout(() => this.loop(), Math.max(0, interval - (performance.now() - started)));
    };
    const { detector, video } = this.ctx;
    if (!detector || !video || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return next();
    detector
      .detect(video)
      .then(({ faces }) => {
        this.failures = 0;
        this.ctx.detectionFailed?.(undefined);
        this.observe(faces.length);
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
