import { EvidenceCode } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';

type ExtendedScreen = Screen & Partial<EventTarget> & { isExtended?: boolean };

/** detectMultipleScreens: `screen.isExtended` at start and whenever it changes → 5007. */
export class ScreensTracker implements Tracker {
  private wasExtended = false;

  constructor(
    private readonly ctx: TrackerContext,
    private readonly screen: ExtendedScreen = globalThis.screen,
  ) {}

  start(): void {
    this.check();
    this.screen.addEventListener?.('change', this.check);
  }

  stop(): void {
    this.screen.removeEventListener?.('change', this.check);
  }

  private check = () => {
    const extended = this.screen.isExtended === true;
    if (extended && !this.wasExtended)
      this.ctx.record({
        code: EvidenceCode.multiple_monitors,
        type: 'multiple_monitors',
        startedAt: this.ctx.now(),
        data: { isExtended: true },
      });
    this.wasExtended = extended;
  };
}
