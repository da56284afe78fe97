import { EvidenceCode } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';

type ExtendedScreen = Screen &
  Partial<EventTarget> & {
    isExtended?: boolean;
    /** Firefox: the screen's own origin in desktop coordinates. */
    left?: number;
    top?: number;
    /** The available area's origin in desktop coordinates (CSSOM View, not in TypeScript's DOM lib). */
    availLeft?: number;
    availTop?: number;
  };

/** The window's place on the desktop, as `window` reports it (CSS pixels). */
export type WindowPlacement = Pick<Window, 'screenX' | 'screenY' | 'outerWidth' | 'outerHeight'>;

/**
 * Signs, from the window's position alone, that another monitor is attached — for browsers where
 * `screen.isExtended` cannot tell (Firefox, Safari, a frame without window-management):
 * - `'screen_not_at_origin'`: the screen this window is on does not start at the desktop's origin
 *   (`screen.left` / `screen.top` in Firefox; a negative `screen.availLeft` / `availTop` anywhere) —
 *   another screen holds the origin;
 * - `'window_outside_screen'`: the middle of the window lies outside the screen it reports (more than
 *   half of the window is on another display).
 * A dock or taskbar moves `availLeft` / `availTop` by a positive amount on a single screen, so only
 * a negative available origin counts. Returns undefined when nothing suggests a second monitor.
 */
export function secondMonitorSign(
  screen: ExtendedScreen,
  win: WindowPlacement,
): 'screen_not_at_origin' | 'window_outside_screen' | undefined {
  const left = typeof screen.left === 'number' ? screen.left : undefined;
  const top = typeof screen.top === 'number' ? screen.top : undefined;
  const availLeft = screen.availLeft ?? 0;
  const availTop = screen.availTop ?? 0;
  if ((left !== undefined && left !== 0) || (top !== undefined && top !== 0) || availLeft < 0 || availTop < 0)
    return 'screen_not_at_origin';
  const originX = left ?? Math.min(availLeft, 0);
  const originY = top ?? Math.min(availTop, 0);
  const midX = win.screenX + win.outerWidth / 2;
  const midY = win.screenY + win.outerHeight / 2;
  if (!screen.width || !screen.height || !win.outerWidth || !win.outerHeight) return undefined;
  if (midX < originX || midX > originX + screen.width || midY < originY || midY > originY + screen.height)
    return 'window_outside_screen';
  return undefined;
}
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

/** The monitor's 5112 note: what was not checked, and what was watched instead. */
const PLACEMENT_NOTE = " During the exam only the window's position was watched for signs of a second monitor (5008).";

/** How often the window's position is looked at where `isExtended` is unavailable (moves fire no event). */
const PLACEMENT_POLL_MS = 2000;

/**
 * detectMultipleScreens: `screen.isExtended` at start and whenever it changes → 5007. When the
 * browser cannot tell ({@link multiMonitorSupport}), one "detection limited" note (5112,
 * `data.capability: 'multiple_monitors'`) says so, and the window's position is watched instead
 * (at start, on resize and every 2 s): AutoProctor's 5008 "multiple monitors suspected" — not a
 * violation, it never lowers the Trust Score — each time {@link secondMonitorSign} turns up a sign
 * (`data.reason`, plus the screen and window coordinates behind it).
 */
export class ScreensTracker implements Tracker {
  private wasExtended = false;
  private wasSuspected = false;
  private support: MultiMonitorSupport = 'available';
  private poll?: ReturnType<typeof setInterval>;

  constructor(
    private readonly ctx: TrackerContext,
    private readonly screen: ExtendedScreen = globalThis.screen,
    private readonly doc: Document = document,
    private readonly win: WindowPlacement & Partial<EventTarget> = window,
  ) {}

  start(): void {
    this.support = multiMonitorSupport(this.screen, this.doc);
    if (this.support !== 'available') {
      this.ctx.record({
        code: EvidenceCode.detection_limited,
        type: 'detection_limited',
        startedAt: this.ctx.now(),
        data: {
          capability: 'multiple_monitors',
          reason: this.support,
          note: MULTI_MONITOR_UNKNOWN[this.support] + PLACEMENT_NOTE,
        },
      });
      this.checkPlacement();
      this.win.addEventListener?.('resize', this.checkPlacement);
      this.poll = setInterval(this.checkPlacement, PLACEMENT_POLL_MS);
      return;
    }
    this.check();
    this.screen.addEventListener?.('change', this.check);
  }

  stop(): void {
    this.screen.removeEventListener?.('change', this.check);
    this.win.removeEventListener?.('resize', this.checkPlacement);
    clearInterval(this.poll);
  }

  private checkPlacement = () => {
    const reason = secondMonitorSign(this.screen, this.win);
    if (reason && !this.wasSuspected)
      this.ctx.record({
        code: EvidenceCode.multiple_monitors_suspected,
        type: 'multiple_monitors_suspected',
        startedAt: this.ctx.now(),
        data: {
          reason,
          screenLeft: this.screen.left ?? this.screen.availLeft ?? 0,
          screenTop: this.screen.top ?? this.screen.availTop ?? 0,
          screenWidth: this.screen.width,
          screenHeight: this.screen.height,
          windowX: this.win.screenX,
          windowY: this.win.screenY,
        },
      });
    this.wasSuspected = !!reason;
  };

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
