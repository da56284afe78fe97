import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

/** Why the page is out of full screen: it never got there (no click, slow setup, a reload) or it left. */
export type FullscreenGap = 'not_entered' | 'exited';

/**
 * forceFullScreen: asks for full screen at start and records every stretch out of it (5009) that
 * lasts longer than `fullscreenGraceMs`, from the moment it began until the candidate is back.
 *
 * - Browsers only grant full screen after a click or a key press (user activation, which lapses about
 *   5 s after the click), so `start()` without one, after a slow setup or after a reload cannot enter
 *   it. The state "not in full screen" is then shown at once (`setActive`) with a button
 *   ({@link enter}), and recorded (`data.reason: 'not_entered'`) if it lasts.
 * - The browser itself drops full screen for the page's own `alert()` / `confirm()` / `prompt()` and
 *   for permission prompts. Such an exit shows the button at once but is only recorded when the
 *   candidate is not back within the grace window; the window starts when the page runs again, i.e.
 *   after a dialog was closed.
 */
export class FullscreenTracker implements Tracker {
  private readonly violation: Violation;
  private outSince?: number;
  private grace?: ReturnType<typeof setTimeout>;
  private running = false;

  constructor(
    private readonly ctx: TrackerContext,
    private readonly doc: Document = document,
  ) {
    this.violation = new Violation(ctx, 'fullscreen_exit');
  }

  get isFullscreen(): boolean {
    return !!this.doc.fullscreenElement;
  }

  /** True while the page is out of full screen (shown to the candidate, recorded once it lasts). */
  get outOfFullscreen(): boolean {
    return this.outSince !== undefined;
  }

  start(): void {
    this.running = true;
    this.doc.addEventListener('fullscreenchange', this.onChange);
    if (!this.isFullscreen) {
      this.out('not_entered');
      void this.enter();
    }
  }

  /** Asks for full screen (call from a click or key press); resolves false when the browser refused. */
  async enter(): Promise<boolean> {
    if (this.isFullscreen) return true;
    try {
      await this.doc.documentElement.requestFullscreen();
      return true;
    } catch {
      return false;
    }
  }

  stop(): void {
    this.running = false;
    this.doc.removeEventListener('fullscreenchange', this.onChange);
    clearTimeout(this.grace);
    this.outSince = undefined;
    this.violation.end();
  }

  private onChange = () => {
    if (this.isFullscreen) return this.back();
    // A change that finds the page out of full screen while it was already out: it was in full
    // screen in between and left again before the page could see it (both changes are dispatched
    // at the next rendering update, so a quick entry and exit on a busy laptop arrive as two events
    // after the fact). The gap before ends, and the exit is a gap of its own.
    if (this.outSince !== undefined) this.back();
    this.out('exited');
  };

  private out(reason: FullscreenGap) {
    if (!this.running || this.outSince !== undefined) return;
    const since = (this.outSince = this.ctx.now());
    this.ctx.setActive('fullscreen_exit', true);
    clearTimeout(this.grace);
    this.grace = setTimeout(() => {
      if (this.running && this.outSince === since) this.violation.begin(since, { reason });
    }, this.ctx.tuning.fullscreenGraceMs);
  }

  private back() {
    clearTimeout(this.grace);
    if (this.outSince === undefined) return;
    this.outSince = undefined;
    if (this.violation.active) this.violation.end(this.ctx.now());
    else this.ctx.setActive('fullscreen_exit', false);
  }
}
