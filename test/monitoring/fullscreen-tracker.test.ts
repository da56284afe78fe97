import { expect } from '@open-wc/testing';
import { DEFAULT_TUNING } from '../../src/index.js';
import { FullscreenTracker } from '../../src/monitoring/trackers/fullscreen.js';
import type { EvidenceDraft, TrackerContext } from '../../src/monitoring/trackers/types.js';
import { until } from '../helpers/monitor.js';

/**
 * The page cannot be put in and out of full screen at will from a test, and not with the timing of
 * a busy laptop: an EventTarget with a settable `fullscreenElement` stands in for the document and
 * fires `fullscreenchange` as the Fullscreen API standard does (once per change, at the next
 * rendering update, reading the state as it is then).
 */
class FakeDocument extends EventTarget {
  fullscreenElement: Element | null = null;
  documentElement = { requestFullscreen: () => Promise.reject(new TypeError('no user activation')) };
}

function recordingContext() {
  const records: { draft: EvidenceDraft; id?: string }[] = [];
  let clock = 1000;
  const ctx = {
    tuning: { ...DEFAULT_TUNING, fullscreenGraceMs: 50 },
    now: () => clock,
    record: (draft: EvidenceDraft, options?: { id?: string }) => {
      records.push({ draft, id: options?.id });
      return options?.id ?? String(records.length);
    },
    setActive: () => undefined,
    photo: () => Promise.resolve(undefined),
    track: () => undefined,
  } as unknown as TrackerContext;
  return { records, ctx, tick: (ms: number) => (clock += ms) };
}

describe('FullscreenTracker (forceFullScreen)', () => {
  // Found by CI on a loaded machine: the exam's "Full screen" click and a quick exit landed in one
  // rendering update; both changes arrived with the page already out, and the exit was never recorded.
  it('an entry and an exit that arrive together after the fact: the exit is recorded as an exit', async () => {
    const { records, ctx, tick } = recordingContext();
    const doc = new FakeDocument();
    const tracker = new FullscreenTracker(ctx, doc as unknown as Document);
    tracker.start(); // not in full screen yet: a not_entered gap begins
    await until(() => records.length === 1, 5000, 'the gap before the click recorded');
    expect(records[0].draft.data).to.deep.equal({ reason: 'not_entered' });
    tick(2000);
    // in, then out, before the page ran: two events, each finding the page out
    doc.dispatchEvent(new Event('fullscreenchange'));
    doc.dispatchEvent(new Event('fullscreenchange'));
    await until(() => records.some((r) => r.draft.data?.reason === 'exited'), 5000, 'the exit recorded');
    // the gap before the click was closed when the page went in
    await until(() => records.some((r) => r.id === '1'), 5000, 'the gap before closed');
    expect(records.find((r) => r.id === '1')!.draft.endedAt).to.equal(3000);
    tracker.stop();
  });

  it('an ordinary exit and return: one exited gap from the exit to the return', async () => {
    const { records, ctx, tick } = recordingContext();
    const doc = new FakeDocument();
    doc.fullscreenElement = {} as Element;
    const tracker = new FullscreenTracker(ctx, doc as unknown as Document);
    tracker.start();
    doc.fullscreenElement = null;
    doc.dispatchEvent(new Event('fullscreenchange'));
    await until(() => records.length === 1, 5000, 'the exit recorded after its grace');
    expect(records[0].draft).to.include({ code: 5009 });
    expect(records[0].draft.data).to.deep.equal({ reason: 'exited' });
    tick(4000);
    doc.fullscreenElement = {} as Element;
    doc.dispatchEvent(new Event('fullscreenchange'));
    await until(() => records.length === 2, 5000, 'the return recorded');
    expect(records[1]).to.deep.include({ id: '1' });
    expect(records[1].draft.endedAt).to.equal(5000);
    tracker.stop();
  });
});
