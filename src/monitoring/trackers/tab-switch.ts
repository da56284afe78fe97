import { EvidenceCode } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

/**
 * Where the keyboard focus is, as far as this page can tell:
 * - `'tab'`: somewhere in this browser tab: this page, an iframe inside it, or an embedding page of
 *   the same origin (`document.hasFocus()` of the topmost document we may read is true when the
 *   focus is in it or in any frame below it — HTML's "has focus steps");
 * - `'elsewhere'`: not in this tab (another window or app), known because the top document is ours;
 * - `'unknown'`: not in this page, and the page is embedded in a cross-origin page (an LMS), whose
 *   focus a frame cannot read: the focus may be on the embedding page or outside the browser.
 */
export type FocusPlace = 'tab' | 'elsewhere' | 'unknown';

/** The topmost window this page may read, and whether that is the tab's top (no cross-origin embedder). */
function readableTop(win: Window): { top: Window; readable: boolean } {
  let top = win;
  while (top.parent !== top) {
    try {
      void top.parent.document.hasFocus; // throws SecurityError for a cross-origin parent
      top = top.parent;
    } catch {
      return { top, readable: false };
    }
  }
  return { top, readable: true };
}

export function focusPlace(win: Window = window): FocusPlace {
  const { top, readable } = readableTop(win);
  if (top.document.hasFocus()) return 'tab';
  return readable ? 'elsewhere' : 'unknown';
}

/**
 * tabSwitch: "tab or app switch" (5005) while the page is hidden (`visibilitychange`: another tab,
 * a minimised window, a locked screen) or while the focus is outside the browser window for longer
 * than `tabSwitchGraceMs` (another app in front; shorter blurs — notifications, permission prompts —
 * are ignored); then "returned to the test" (5006).
 *
 * Like every violation (see {@link Violation}), 5005 is written the moment the candidate leaves
 * (no `endedAt`; `ap-evidence` fires then, so the page can warn at once, and the record is in the
 * outbox if the candidate never comes back), and written again with `endedAt` / `durationMs` on return.
 *
 * Focus that moves inside the tab is not a switch: to an iframe of the exam page, or to the page that
 * embeds the monitor in an iframe (a click on the LMS around the exam). With a cross-origin embedder
 * the frame cannot tell its page from another app (see {@link focusPlace}), so there only hidden
 * counts; `blurScope` says which applies.
 */
/** How long a page must stay hidden (ms), with no `pagehide` meanwhile, to be a switch (begun at the hide). */
const HIDDEN_SETTLE_MS = 300;

export class TabSwitchTracker implements Tracker {
  private awaySince?: number;
  private blurTimer?: ReturnType<typeof setTimeout>;
  /** While away: polls for the return (a frame whose embedder or sibling had the focus gets no focus event back). */
  private recheck?: ReturnType<typeof setInterval>;
  private running = false;
  private how?: 'hidden' | 'blur';
  private readonly away: Violation;
  /**
   * The page is going away (`pagehide` not kept in the back/forward cache: a reload, a navigation,
   * the tab closed). The "hidden" that follows it (HTML's unload steps: pagehide, then
   * visibilitychange) is the page unloading, not the candidate leaving: a reload is no tab switch.
   */
  private unloading = false;
  /**
   * A hidden page becomes a switch after HIDDEN_SETTLE_MS: Firefox closing its window hides the page
   * first and fires `pagehide` after, so the hidden of a page going away is told apart only then.
   */
  private hiddenTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly ctx: TrackerContext,
    private readonly win: Window = window,
  ) {
    // no photo: the camera shows the candidate, not what they switched to (captureSwitchedTab does that)
    this.away = new Violation(ctx, 'tab_switch', false);
  }

  /** `'window'`: leaving the browser window is detected; `'hidden-only'`: only a hidden page (cross-origin embedder). */
  get blurScope(): 'window' | 'hidden-only' {
    // by where the page sits, not where the focus happens to be: right after the candidate clicked
    // into the exam's frame, the frame has the focus, and the embedder is still cross-origin
    return readableTop(this.win).readable ? 'window' : 'hidden-only';
  }

  start(): void {
    this.running = true;
    this.win.document.addEventListener('visibilitychange', this.onVisibility);
    this.win.addEventListener('blur', this.onBlur);
    this.win.addEventListener('focus', this.onFocus);
    this.win.addEventListener('pagehide', this.onPageHide);
    this.win.addEventListener('pageshow', this.onPageShow);
    if (this.win.document.visibilityState === 'hidden') {
      // hidden since before a reload: the same switch goes on (one switch, one return)
      const carried = this.ctx.carriedOver?.('tab_switch');
      if (carried) {
        this.awaySince = carried.startedAt;
        this.how = 'hidden';
        this.away.adopt(carried);
      } else this.leave('hidden', this.ctx.now());
    }
    if (this.blurScope === 'hidden-only')
      this.ctx.record({
        code: EvidenceCode.detection_limited,
        type: 'detection_limited',
        startedAt: this.ctx.now(),
        data: {
          capability: 'window_focus',
          reason: 'cross_origin_embedder',
          note: 'The exam runs in a frame of another site, which cannot see whether the browser window has the focus: only hiding the page (another tab, a minimised window) counts as leaving it.',
        },
      });
  }

  stop(): void {
    this.running = false;
    this.win.document.removeEventListener('visibilitychange', this.onVisibility);
    this.win.removeEventListener('blur', this.onBlur);
    this.win.removeEventListener('focus', this.onFocus);
    this.win.removeEventListener('pagehide', this.onPageHide);
    this.win.removeEventListener('pageshow', this.onPageShow);
    clearTimeout(this.blurTimer);
    clearTimeout(this.hiddenTimer);
    this.back();
  }

  private onPageHide = (event: PageTransitionEvent) => {
    // a page kept in the back/forward cache may come back (pageshow): leaving it is leaving the exam
    if (!event.persisted) this.unloading = true;
  };

  private onPageShow = () => {
    this.unloading = false;
  };

  private onVisibility = () => {
    clearTimeout(this.hiddenTimer);
    if (this.win.document.visibilityState === 'hidden') {
      const at = this.ctx.now();
      // hidden is the switch's cause when both come (another tab takes the focus and hides the page)
      clearTimeout(this.blurTimer);
      if (!this.unloading)
        this.hiddenTimer = setTimeout(() => {
          if (!this.unloading && this.win.document.visibilityState === 'hidden') this.leave('hidden', at);
        }, HIDDEN_SETTLE_MS);
    }
    // visible again ends a hidden page's switch (visibility first); a switch to another app ends with the focus
    else if (this.how === 'hidden' || focusPlace(this.win) !== 'elsewhere') this.back();
  };

  private onBlur = () => {
    const at = this.ctx.now();
    clearTimeout(this.blurTimer);
    this.blurTimer = setTimeout(() => {
      if (this.running && !this.unloading && focusPlace(this.win) === 'elsewhere') this.leave('blur', at);
    }, this.ctx.tuning.tabSwitchGraceMs);
  };

  private onFocus = () => {
    clearTimeout(this.blurTimer);
    if (this.win.document.visibilityState === 'visible') this.back();
  };

  private leave(how: 'hidden' | 'blur', at: number) {
    if (!this.running || this.awaySince !== undefined) return;
    this.awaySince = at;
    this.how = how;
    this.away.begin(at, { how });
    clearInterval(this.recheck);
    if (how === 'blur')
      this.recheck = setInterval(() => {
        if (this.win.document.visibilityState === 'visible' && focusPlace(this.win) !== 'elsewhere') this.back();
      }, 250);
  }

  /** Ends the switch (5005 gets its end and duration) and records the return (5006). */
  private back() {
    clearInterval(this.recheck);
    if (this.awaySince === undefined) return;
    const now = this.ctx.now();
    this.awaySince = undefined;
    this.away.end(now);
    this.ctx.record({ code: EvidenceCode.returned_to_test, type: 'returned_to_test', startedAt: now });
  }
}
