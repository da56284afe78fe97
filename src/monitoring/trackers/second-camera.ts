import { ErrorCode, ProctorError } from '../../errors.js';
import { FrameSampler } from '../../media/frame-stats.js';
import type { PeerState, SecondCameraReceiver } from '../../pairing/peer.js';
import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

/**
 * auxiliaryDevice: the phone paired by the mobile check. Its connection dropping (for longer than
 * `secondCameraLossMs`) or the phone leaving is evidence 5104 and an `ap-error` (4109); the phone
 * reconnects by itself (ICE restart, or a new connection after a reload) and the violation ends
 * when video flows again. `photo()` takes a still from it, like the main camera's.
 */
export class SecondCameraTracker implements Tracker {
  private readonly violation: Violation;
  private grace?: ReturnType<typeof setTimeout>;
  private readonly video = document.createElement('video');

  constructor(
    private readonly ctx: TrackerContext,
    private readonly receiver: SecondCameraReceiver,
    private readonly onLost: (error: ProctorError) => void,
  ) {
    this.violation = new Violation(ctx, 'second_camera_lost', false);
  }

  start(): void {
    this.receiver.addEventListener('state', this.onState);
    this.receiver.addEventListener('stream', this.onStream);
    this.receiver.addEventListener('bye', this.lost);
    if (this.receiver.stream) this.play(this.receiver.stream);
    if (this.receiver.state !== 'connected') this.onState();
  }

  stop(): void {
    clearTimeout(this.grace);
    this.receiver.removeEventListener('state', this.onState);
    this.receiver.removeEventListener('stream', this.onStream);
    this.receiver.removeEventListener('bye', this.lost);
    this.violation.end();
    this.video.srcObject = null;
  }

  /** A JPEG data URL of the phone's camera now, or undefined when it sends nothing. */
  photo(): Promise<string | undefined> {
    if (this.violation.active) return Promise.resolve(undefined);
    return FrameSampler.photo(this.video, this.ctx.tuning.photoMaxBytes);
  }

  private play(stream: MediaStream) {
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.srcObject = stream;
    void this.video.play().catch(() => undefined);
  }

  private onStream = (e: Event) => this.play((e as CustomEvent<MediaStream>).detail);

  private onState = () => {
    const state: PeerState = this.receiver.state;
    if (state === 'connected') {
      clearTimeout(this.grace);
      this.grace = undefined;
      this.violation.end();
    } else if (!this.violation.active && !this.grace)
      this.grace = setTimeout(this.lost, this.ctx.tuning.secondCameraLossMs);
  };

  private lost = () => {
    clearTimeout(this.grace);
    this.grace = undefined;
    if (this.violation.active || this.receiver.state === 'connected') return;
    this.violation.begin(this.ctx.now(), { device: 'second_camera' });
    this.onLost(
      new ProctorError(
        ErrorCode.DEVICE_LOST,
        'The phone camera stopped sending. Keep the phone page open; it reconnects by itself.',
      ),
    );
  };
}
