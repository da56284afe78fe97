import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

/**
 * forceFullScreen: asks for full screen at start (browsers only allow it after a click, so the
 * monitor also offers a button), and records leaving it (5100) until the candidate returns.
 */
export class FullscreenTracker implements Tracker {
  private readonly violation: Violation;
  private entered = false;

  constructor(private readonly ctx: TrackerContext) {
    this.violation = new Violation(ctx, 'fullscreen_exit');
  }

  get isFullscreen(): boolean {
    return !!document.fullscreenElement;
  }

  start(): void {
    document.addEventListener('fullscreenchange', this.onChange);
    this.entered = this.isFullscreen;
    if (!this.entered) void this.enter();
  }

  /** Asks for full screen; resolves false when the browser refused (no user gesture). */
  async enter(): Promise<boolean> {
    try {
      await document.documentElement.requestFullscreen();
      return true;
    } catch {
      return false;
    }
  }

  stop(): void {
    document.removeEventListener('fullscreenchange', this.onChange);
    this.violation.end();
  }

  private onChange = () => {
    if (this.isFullscreen) {
      this.entered = true;
      this.violation.end();
    } else if (this.entered) {
      this.violation.begin(this.ctx.now());
    }
  };
}
