import { ErrorCode, ProctorError } from '../../errors.js';
import type { EvidenceType } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

export type DeviceKind = 'camera' | 'microphone' | 'screen';

const EVIDENCE: Record<DeviceKind, EvidenceType> = {
  camera: 'camera_lost',
  microphone: 'microphone_lost',
  screen: 'screen_share_lost',
};

export interface DeviceWatchOptions {
  kind: DeviceKind;
  stream: MediaStream;
  /** Gets the device back (camera, microphone); screen sharing needs the candidate's click instead. */
  reacquire?: () => Promise<MediaStream>;
  /** The new stream after a successful re-acquisition. */
  onRestored?: (stream: MediaStream) => void;
  onLost: (error: ProctorError) => void;
}

/**
 * Device loss: a camera, microphone or screen-share track that ends (unplugged, revoked, stopped
 * by the system or by `track.stop()`) is evidence (5101–5103) and an `ap-error`; the exam goes on
 * and the camera or microphone is asked for again every `reacquireMs`.
 */
export class DeviceWatcher implements Tracker {
  private readonly violation: Violation;
  private poll?: ReturnType<typeof setInterval>;
  private retry?: ReturnType<typeof setTimeout>;
  private stream: MediaStream;
  private stopped = false;

  constructor(
    private readonly ctx: TrackerContext,
    private readonly options: DeviceWatchOptions,
  ) {
    this.violation = new Violation(ctx, EVIDENCE[options.kind], options.kind !== 'camera');
    this.stream = options.stream;
  }

  start(): void {
    this.stopped = false;
    this.poll = setInterval(() => this.check(), this.ctx.tuning.deviceCheckMs);
    for (const t of this.stream.getTracks()) t.addEventListener('ended', this.check);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.retry);
    for (const t of this.stream.getTracks()) t.removeEventListener('ended', this.check);
    this.violation.end();
  }

  /** Hands a new stream in (e.g. the candidate shared the screen again). */
  restore(stream: MediaStream): void {
    for (const t of this.stream.getTracks()) t.removeEventListener('ended', this.check);
    this.stream = stream;
    for (const t of stream.getTracks()) t.addEventListener('ended', this.check);
    this.violation.end();
    this.options.onRestored?.(stream);
  }

  private check = () => {
    if (this.stopped || this.violation.active) return;
    if (!this.stream.getTracks().some((t) => t.readyState === 'ended')) return;
    const { kind } = this.options;
    this.violation.begin(this.ctx.now(), { device: kind });
    this.options.onLost(
      new ProctorError(
        ErrorCode.DEVICE_LOST,
        kind === 'screen'
          ? 'Screen sharing stopped. Share your entire screen again to continue.'
          : `Your ${kind} stopped. Reconnect it; we will keep trying to get it back.`,
      ),
    );
    if (this.options.reacquire) this.scheduleRetry();
  };

  private scheduleRetry() {
    this.retry = setTimeout(() => {
      if (this.stopped) return;
      this.options.reacquire!()
        .then((stream) => {
          if (this.stopped) return void stream.getTracks().forEach((t) => t.stop());
          this.restore(stream);
        })
        .catch(() => this.scheduleRetry());
    }, this.ctx.tuning.reacquireMs);
  }
}
