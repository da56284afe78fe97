/**
 * The trackers behind AutoProctor's `testTakerPhoto`, `captureSwitchedTab` and `disableCopyPaste`,
 * added to the monitor through its `trackers` setup option. Everything stays on the device except
 * the evidence records themselves.
 */
import { ErrorCode, ProctorError } from '../errors.js';
import { displayMediaError } from '../checks/screenshare.js';
import { FrameSampler } from '../media/frame-stats.js';
import { stopStream } from '../media/user-media.js';
import { EvidenceCode } from '../reporting/types.js';
import type { Tracker, TrackerContext } from '../monitoring/trackers/types.js';

const waitForFrame = async (video: HTMLVideoElement, ms: number) => {
  const end = performance.now() + ms;
  while (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA && performance.now() < end)
    await new Promise((r) => setTimeout(r, 50));
};

/** testTakerPhoto: one photo of the candidate when monitoring starts (5003, `data.kind: 'test_taker'`). */
export class TestTakerPhotoTracker implements Tracker {
  constructor(private readonly ctx: TrackerContext) {}

  start(): void {
    this.ctx.track(this.take());
  }

  stop(): void {}

  private async take() {
    const startedAt = this.ctx.now();
    if (this.ctx.video) await waitForFrame(this.ctx.video, 5000);
    const photo = await this.ctx.photo();
    if (photo)
      this.ctx.record({
        code: EvidenceCode.random_photo,
        type: 'random_photo',
        startedAt,
        photo,
        data: { kind: 'test_taker' },
      });
  }
}

/**
 * captureSwitchedTab: when the candidate leaves the page (hidden, or the window loses focus for
 * longer than `tabSwitchGraceMs`), one frame of the shared screen — what they switched to — is kept
 * as a 5003 photo with `data.source: 'screen'`, `data.kind: 'switched_tab'`. Uses the screen share
 * handed over in `streams.screen`; without one it asks for the screen when monitoring starts (as
 * AutoProctor does), and stops that share when monitoring stops.
 */
export class SwitchedTabCaptureTracker implements Tracker {
  private video?: HTMLVideoElement;
  private own?: MediaStream;
  private timer?: ReturnType<typeof setTimeout>;
  private away = false;

  constructor(
    private readonly ctx: TrackerContext,
    private readonly screen: () => MediaStream | undefined,
    private readonly mediaDevices?: MediaDevices,
  ) {}

  async start(): Promise<void> {
    let stream = this.screen();
    if (!stream || !stream.getVideoTracks().some((t) => t.readyState === 'live')) {
      const devices = this.mediaDevices ?? navigator.mediaDevices;
      if (typeof devices?.getDisplayMedia !== 'function')
        throw new ProctorError(
          ErrorCode.INCOMPATIBLE_BROWSER,
          'captureSwitchedTab needs screen sharing, which this browser lacks. Turn captureSwitchedTab off or use a current desktop browser.',
        );
      try {
        stream = this.own = await devices.getDisplayMedia({ video: true, audio: false });
      } catch (error) {
        throw displayMediaError(error);
      }
    }
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.srcObject = stream;
    await this.video.play().catch(() => undefined);
    document.addEventListener('visibilitychange', this.onChange);
    addEventListener('blur', this.onChange);
    addEventListener('focus', this.onChange);
  }

  stop(): void {
    clearTimeout(this.timer);
    document.removeEventListener('visibilitychange', this.onChange);
    removeEventListener('blur', this.onChange);
    removeEventListener('focus', this.onChange);
    if (this.video) this.video.srcObject = null;
    this.video = undefined;
    stopStream(this.own);
    this.own = undefined;
  }

  private onChange = () => {
    const left = document.visibilityState === 'hidden' || !document.hasFocus();
    if (!left) {
      this.away = false;
      clearTimeout(this.timer);
      return;
    }
    if (this.away || this.timer) return;
    // what they switched to is on screen once the grace time has passed
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (document.visibilityState === 'hidden' || !document.hasFocus()) {
        this.away = true;
        this.ctx.track(this.capture());
      }
    }, this.ctx.tuning.tabSwitchGraceMs);
  };

  private async capture() {
    const video = this.video;
    if (!video) return;
    const startedAt = this.ctx.now();
    const photo = await FrameSampler.photo(video, this.ctx.tuning.photoMaxBytes).catch(() => undefined);
    if (photo)
      this.ctx.record({
        code: EvidenceCode.random_photo,
        type: 'random_photo',
        startedAt,
        photo,
        data: { source: 'screen', kind: 'switched_tab' },
      });
  }
}

/**
 * disableCopyPaste: copy, cut and paste inside the test container are blocked; each attempt is a
 * 5110 record (`data.action`: `copy`, `cut` or `paste`). Outside the container nothing changes.
 */
export class CopyPasteTracker implements Tracker {
  constructor(
    private readonly ctx: TrackerContext,
    private readonly container: () => Element,
  ) {}

  start(): void {
    for (const type of ['copy', 'cut', 'paste']) document.addEventListener(type, this.onEvent, true);
  }

  stop(): void {
    for (const type of ['copy', 'cut', 'paste']) document.removeEventListener(type, this.onEvent, true);
  }

  private onEvent = (event: Event) => {
    const target = event.composedPath()[0];
    if (!(target instanceof Node) || !this.container().contains(target)) return;
    event.preventDefault();
    this.ctx.record({
      code: EvidenceCode.copy_paste,
      type: 'copy_paste',
      startedAt: this.ctx.now(),
      data: { action: event.type },
    });
  };
}

/** True on phones and tablets (`forceDesktop`): UA Client Hints where there are, else the UA string. */
export function isPhoneOrTablet(
  nav: Pick<Navigator, 'userAgent' | 'maxTouchPoints'> & { userAgentData?: { mobile?: boolean } } = navigator,
): boolean {
  if (nav.userAgentData?.mobile) return true;
  const ua = nav.userAgent;
  if (/Android|iPhone|iPad|iPod|Mobile|Tablet|Silk|Kindle|PlayBook|BlackBerry|Opera Mini|IEMobile/i.test(ua))
    return true;
  // iPadOS reports a Mac: a Mac with a touch screen is an iPad
  return /Macintosh/.test(ua) && nav.maxTouchPoints > 1;
}
