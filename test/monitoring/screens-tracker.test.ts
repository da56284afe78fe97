import { expect } from '@open-wc/testing';
import { DEFAULT_TUNING } from '../../src/index.js';
import { ScreensTracker } from '../../src/monitoring/trackers/screens.js';
import type { EvidenceDraft, TrackerContext } from '../../src/monitoring/trackers/types.js';

/** `screen.isExtended` cannot be changed in a test browser: an EventTarget stands in for window.screen. */
class FakeScreen extends EventTarget {
  isExtended = false;
}

/** A tracker context that keeps what the tracker records (at a fixed clock). */
function recordingContext() {
  const records: EvidenceDraft[] = [];
  const ctx = {
    tuning: DEFAULT_TUNING,
    now: () => 1000,
    record: (r: EvidenceDraft) => String(records.push(r)),
  } as unknown as TrackerContext;
  return { records, ctx };
}

describe('ScreensTracker (multiple monitors)', () => {
  it('records 5007 at start when extended, and again when a monitor is added later', () => {
    const { records, ctx } = recordingContext();
    const screen = new FakeScreen();
    screen.isExtended = true;
    const tracker = new ScreensTracker(ctx, screen as unknown as Screen);
    tracker.start();
    expect(records.map((r) => r.code)).to.deep.equal([5007]);
    screen.dispatchEvent(new Event('change')); // still extended: no duplicate
    screen.isExtended = false;
    screen.dispatchEvent(new Event('change'));
    screen.isExtended = true;
    screen.dispatchEvent(new Event('change'));
    expect(records.map((r) => r.code)).to.deep.equal([5007, 5007]);
    tracker.stop();
    screen.isExtended = false;
    screen.dispatchEvent(new Event('change'));
    screen.isExtended = true;
    screen.dispatchEvent(new Event('change'));
    expect(records).to.have.length(2);
  });
});

describe('ScreensTracker without screen.isExtended (Firefox, Safari)', () => {
  it('records one "detection limited" note (5112) so a reviewer knows monitors were not counted', () => {
    const { records, ctx } = recordingContext();
    const screen = new EventTarget();
    const tracker = new ScreensTracker(ctx, screen as unknown as Screen);
    tracker.start();
    screen.dispatchEvent(new Event('change'));
    tracker.stop();
    expect(records).to.have.length(1);
    expect(records[0]).to.include({ code: 5112, type: 'detection_limited' });
    expect(records[0].data).to.deep.equal({
      capability: 'multiple_monitors',
      reason: 'no_api',
      note: "This browser cannot tell whether more than one monitor is connected, so that was not checked. During the exam only the window's position was watched for signs of a second monitor (5008).",
    });
  });
});

describe('ScreensTracker: "multiple monitors suspected" (5008) from the window position', () => {
  /** Stand-ins: a browser without `isExtended` (Firefox, Safari), its screen and its window. */
  const placement = (screen: Record<string, number>, win: Record<string, number>) => {
    const { records, ctx } = recordingContext();
    const s = Object.assign(new EventTarget(), { width: 1920, height: 1080, ...screen });
    const w = Object.assign(new EventTarget(), { screenX: 0, screenY: 0, outerWidth: 1280, outerHeight: 800, ...win });
    const tracker = new ScreensTracker(ctx, s as unknown as Screen, document, w);
    return { records, tracker, screen: s, win: w };
  };
  const codes = (records: EvidenceDraft[]) => records.map((r) => r.code);

  it('one screen, window on it, a dock on the left (availLeft 70): no 5008', () => {
    const { records, tracker } = placement({ availLeft: 70, availTop: 0 }, { screenX: 70, screenY: 0 });
    tracker.start();
    tracker.stop();
    expect(codes(records)).to.deep.equal([5112]);
  });

  it("Firefox on a second screen right of the first (screen.left 1920): 5008 'screen_not_at_origin'", () => {
    const { records, tracker } = placement(
      { left: 1920, top: 0, availLeft: 1920, availTop: 0 },
      { screenX: 2000, screenY: 40 },
    );
    tracker.start();
    tracker.stop();
    expect(codes(records)).to.deep.equal([5112, 5008]);
    expect(records[1]).to.include({ type: 'multiple_monitors_suspected' });
    expect(records[1].data).to.include({ reason: 'screen_not_at_origin', screenLeft: 1920, windowX: 2000 });
  });

  it("a screen left of the primary (negative availLeft, Safari/Chromium): 5008 'screen_not_at_origin'", () => {
    const { records, tracker } = placement({ availLeft: -1440, availTop: 0 }, { screenX: -1300, screenY: 0 });
    tracker.start();
    tracker.stop();
    expect(records[1]?.data).to.include({ reason: 'screen_not_at_origin' });
  });

  it("the window dragged mostly onto another display: 5008 'window_outside_screen' once, on resize, until it comes back", () => {
    const { records, tracker, win } = placement({ availLeft: 0, availTop: 0 }, {});
    tracker.start();
    expect(codes(records)).to.deep.equal([5112]);
    Object.assign(win, { screenX: 1500 }); // middle at 2140 > 1920
    win.dispatchEvent(new Event('resize'));
    win.dispatchEvent(new Event('resize'));
    expect(codes(records)).to.deep.equal([5112, 5008]);
    expect(records[1].data).to.include({ reason: 'window_outside_screen', windowX: 1500 });
    Object.assign(win, { screenX: 100 });
    win.dispatchEvent(new Event('resize'));
    Object.assign(win, { screenX: 1600 });
    win.dispatchEvent(new Event('resize'));
    expect(codes(records)).to.deep.equal([5112, 5008, 5008]);
    tracker.stop();
    Object.assign(win, { screenX: 100 });
    win.dispatchEvent(new Event('resize'));
    Object.assign(win, { screenX: 1600 });
    win.dispatchEvent(new Event('resize'));
    expect(records).to.have.length(3);
  });

  it('this browser (Chromium, one screen, isExtended known): never 5008', () => {
    const { records, ctx } = recordingContext();
    const tracker = new ScreensTracker(ctx);
    tracker.start();
    tracker.stop();
    expect(codes(records)).to.not.include(5008);
  });
});
