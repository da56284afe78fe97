import { expect } from '@open-wc/testing';
import { DEFAULT_TUNING } from '../../src/index.js';
import { ScreensTracker } from '../../src/monitoring/trackers/screens.js';
import type { EvidenceDraft, TrackerContext } from '../../src/monitoring/trackers/types.js';

/** `screen.isExtended` cannot be changed in a test browser: an EventTarget stands in for window.screen. */
class FakeScreen extends EventTarget {
  isExtended = false;
}

describe('ScreensTracker (multiple monitors)', () => {
  it('records 5007 at start when extended, and again when a monitor is added later', () => {
    const records: EvidenceDraft[] = [];
    const ctx = {
      tuning: DEFAULT_TUNING,
      now: () => 1000,
      record: (r: EvidenceDraft) => records.push(r),
    } as unknown as TrackerContext;
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
    const records: EvidenceDraft[] = [];
    const ctx = {
      tuning: DEFAULT_TUNING,
      now: () => 1000,
      record: (r: EvidenceDraft) => String(records.push(r)),
    } as unknown as TrackerContext;
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
      note: 'This browser cannot tell whether more than one monitor is connected, so that was not checked.',
    });
  });
});
