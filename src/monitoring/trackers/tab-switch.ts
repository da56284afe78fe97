import { EvidenceCode } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';

/**
 * tabSwitch: the page hidden (another tab or app) or the window blurred for longer than
 * `tabSwitchGraceMs` is "tab or app switch" (5005, with its duration, recorded on return) followed by
 * "returned to the test" (5006). Shorter blurs (permission prompts, notifications) are ignored.
 */
export class TabSwitchTracker implements Tracker {
  private awaySince?: number;
  private how?: 'hidden' | 'blur';
  private blurTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly ctx: TrackerContext) {}

  start(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('blur', this.onBlur);
    window.addEventListener('focus', this.onFocus);
    if (document.visibilityState === 'hidden') this.leave('hidden', this.ctx.now());
  }

  stop(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('blur', this.onBlur);
    window.removeEventListener('focus', this.onFocus);
    clearTimeout(this.blurTimer);
    if (this.awaySince !== undefined) this.back();
  }

  private onVisibility = () => {
    if (document.visibilityState === 'hidden') this.leave('hidden', this.ctx.now());
    else this.back();
  };

  private onBlur = () => {
    const at = this.ctx.now();
    clearTimeout(this.blurTimer);
    this.blurTimer = setTimeout(() => {
      if (!document.hasFocus()) this.leave('blur', at);
    }, this.ctx.tuning.tabSwitchGraceMs);
  };

  private onFocus = () => {
    clearTimeout(this.blurTimer);
    if (document.visibilityState === 'visible') this.back();
  };

  private leave(how: 'hidden' | 'blur', at: number) {
    if (this.awaySince !== undefined) return;
    this.awaySince = at;
    this.how = how;
    this.ctx.setActive('tab_switch', true);
  }

  private back() {
    if (this.awaySince === undefined) return;
    const now = this.ctx.now();
    const since = this.awaySince;
    this.awaySince = undefined;
    this.ctx.setActive('tab_switch', false);
    this.ctx.record({
      code: EvidenceCode.tab_switch,
      type: 'tab_switch',
      startedAt: since,
      endedAt: now,
      durationMs: now - since,
      data: { how: this.how ?? 'hidden' },
    });
    this.ctx.record({ code: EvidenceCode.returned_to_test, type: 'returned_to_test', startedAt: now });
  }
}
