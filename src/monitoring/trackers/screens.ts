import { EvidenceCode } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';

type ExtendedScreen = Screen & Partial<EventTarget> & { isExtended?: boolean };
type PolicyDocument = Document & {
  permissionsPolicy?: { allowsFeature(feature: string): boolean; features?(): string[] };
  featurePolicy?: { allowsFeature(feature: string): boolean; features?(): string[] };
};

/**
 * Whether this page can tell that more than one monitor is attached:
 * - `'available'`: `screen.isExtended` exists and the page may use it;
 * - `'no_api'`: the browser has no `screen.isExtended` (Firefox, Safari);
 * - `'not_allowed'`: the page may not use the Window Management API — an iframe without
 *   `allow="window-management"`, where `isExtended` is always false (W3C Window Management, "isExtended").
 * Anything but `'available'` means "unknown", never "one monitor".
 */
export type MultiMonitorSupport = 'available' | 'no_api' | 'not_allowed';

export function multiMonitorSupport(
  screen: { isExtended?: boolean } | undefined = globalThis.screen as ExtendedScreen | undefined,
  doc: Document | undefined = globalThis.document,
): MultiMonitorSupport {
  if (typeof screen?.isExtended !== 'boolean') return 'no_api';
  const policy =
    (doc as PolicyDocument | undefined)?.permissionsPolicy ?? (doc as PolicyDocument | undefined)?.featurePolicy;
  if (policy) {
    const known = policy.features?.() ?? [];
    // Chromium named the feature window-placement before window-management
    const feature =
      known.includes('window-management') || !known.includes('window-placement')
        ? 'window-management'
        : 'window-placement';
    if (!policy.allowsFeature(feature)) return 'not_allowed';
  }
  return 'available';
}

/** What a candidate or reviewer is told when multi-monitor detection is off. */
export const MULTI_MONITOR_UNKNOWN: Record<Exclude<MultiMonitorSupport, 'available'>, string> = {
  no_api: 'This browser cannot tell whether more than one monitor is connected, so that was not checked.',
  not_allowed:
    'This page may not check for more than one monitor (the window-management permission is not granted to it), so that was not checked.',
};

/**
 * detectMultipleScreens: `screen.isExtended` at start and whenever it changes → 5007. When the
 * browser cannot tell ({@link multiMonitorSupport}), one "detection limited" note (5112,
 * `data.capability: 'multiple_monitors'`) says so, so a reviewer knows the check was off.
 */
export class ScreensTracker implements Tracker {
  private wasExtended = false;
  private support: MultiMonitorSupport = 'available';

  constructor(
    private readonly ctx: TrackerContext,
    private readonly screen: ExtendedScreen = globalThis.screen,
    private readonly doc: Document = document,
  ) {}

  start(): void {
    this.support = multiMonitorSupport(this.screen, this.doc);
    if (this.support !== 'available') {
      this.ctx.record({
        code: EvidenceCode.detection_limited,
        type: 'detection_limited',
        startedAt: this.ctx.now(),
        data: { capability: 'multiple_monitors', reason: this.support, note: MULTI_MONITOR_UNKNOWN[this.support] },
      });
      return;
    }
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
