import { expect } from '@open-wc/testing';
import { DEFAULT_TUNING } from '../../src/index.js';
import { TabSwitchTracker, focusPlace } from '../../src/monitoring/trackers/tab-switch.js';
import type { EvidenceDraft, TrackerContext } from '../../src/monitoring/trackers/types.js';
import { sleep, until } from '../helpers/monitor.js';
import { itExcept } from '../helpers/engine.js';

/**
 * Headless Chromium keeps every window "focused" (a second window does not take the focus), so
 * another app in front cannot be staged for real: a stand-in window whose document reports no focus.
 * The embedding cases run for real in focus-embedding.test.ts.
 */
class FakeWindow extends EventTarget {
  focused = true;
  readonly document = Object.assign(new EventTarget(), {
    visibilityState: 'visible',
    hasFocus: () => this.focused,
  });
  get parent(): FakeWindow {
    return this;
  }
}

function context(records: EvidenceDraft[]): TrackerContext {
  const work: Promise<unknown>[] = [];
  return {
    tuning: { ...DEFAULT_TUNING, tabSwitchGraceMs: 200 },
    now: () => Date.now(),
    // a violation's end rewrites its record (same id)
    record: (r: EvidenceDraft, o?: { id?: string }) => {
      if (o?.id) records[Number(o.id)] = r;
      else records.push(r);
      return o?.id ?? String(records.length - 1);
    },
    track: (p: Promise<unknown>) => work.push(p),
    photo: () => Promise.resolve(undefined),
    setActive: () => undefined,
  };
}

/** A tracker started on a stand-in window, and what it records. */
function started() {
  const records: EvidenceDraft[] = [];
  const win = new FakeWindow();
  const tracker = new TabSwitchTracker(context(records), win as unknown as Window);
  tracker.start();
  return { records, win, tracker };
}

describe('TabSwitchTracker: the focus leaving the browser window', () => {
  itExcept(
    { webkit: 'MiniBrowser under Xvfb without a window manager never has window focus (document.hasFocus() is false)' },
    'focusPlace: this page focused is "tab" (the test page, top level)',
    () => {
      expect(focusPlace(window)).to.equal('tab');
    },
  );

  it('notes 5112 window_focus in a cross-origin frame even when the frame has the focus at start', () => {
    // found by a new user: the candidate clicked "Begin" inside the exam's frame, so the frame had
    // the focus when monitoring started, and the note was never written
    const records: EvidenceDraft[] = [];
    const lms = {
      get document(): Document {
        throw new DOMException('Blocked a frame from accessing a cross-origin frame.', 'SecurityError');
      },
    };
    const win = new FakeWindow();
    Object.defineProperty(win, 'parent', { get: () => lms });
    win.focused = true;
    const tracker = new TabSwitchTracker(context(records), win as unknown as Window);
    expect(tracker.blurScope).to.equal('hidden-only');
    tracker.start();
    tracker.stop();
    expect(records.map((r) => [r.code, r.data?.capability])).to.deep.equal([[5112, 'window_focus']]);
  });

  it('a page unloading (pagehide, then hidden: a reload, the tab closed) is no tab switch', async () => {
    // found in CI: the unloading page's hidden was begun as a 5005, at times written to the outbox
    // before the page was gone, then closed on resume: a reload counted as leaving the exam
    const records: EvidenceDraft[] = [];
    const win = new FakeWindow();
    const tracker = new TabSwitchTracker(context(records), win as unknown as Window);
    tracker.start();
    win.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    win.focused = false;
    win.dispatchEvent(new Event('blur'));
    win.document.visibilityState = 'hidden';
    win.document.dispatchEvent(new Event('visibilitychange'));
    await sleep(50); // a record is written in a microtask (after its photo)
    tracker.stop();
    await sleep(50);
    expect(records).to.deep.equal([]);
  });

  it('a window closed in Firefox (hidden first, pagehide just after) is no tab switch', async () => {
    // issue 16, new-user round: Firefox closing its window hides the page before its pagehide; the
    // hide was begun as a 5005, sent in the page's last beacon, and its whole absence counted on resume
    const { records, win, tracker } = started();
    win.document.visibilityState = 'hidden';
    win.document.dispatchEvent(new Event('visibilitychange'));
    await sleep(30);
    win.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    await sleep(1000);
    expect(records).to.deep.equal([]);
    tracker.stop();
  });

  it('a hidden page that stays hidden is a switch from the moment it was hidden', async () => {
    const { records, win, tracker } = started();
    const hiddenAt = Date.now();
    win.document.visibilityState = 'hidden';
    win.document.dispatchEvent(new Event('visibilitychange'));
    await until(() => records.length === 1, 3000, 'the switch');
    expect(records[0].code).to.equal(5005);
    expect(records[0].startedAt, 'begun at the hide, not after the settle').to.be.within(hiddenAt, hiddenAt + 250);
    tracker.stop();
  });

  it('a page put in the back/forward cache (pagehide persisted) is a switch until it is shown again', async () => {
    const records: EvidenceDraft[] = [];
    const win = new FakeWindow();
    const tracker = new TabSwitchTracker(context(records), win as unknown as Window);
    tracker.start();
    win.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    win.document.visibilityState = 'hidden';
    win.document.dispatchEvent(new Event('visibilitychange'));
    await until(() => records.length === 1, 3000, 'the switch');
    expect(records.map((r) => [r.code, r.data?.how])).to.deep.equal([[5005, 'hidden']]);
    win.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    win.document.visibilityState = 'visible';
    win.document.dispatchEvent(new Event('visibilitychange'));
    await until(() => records.length === 2, 3000, 'the return');
    // and the next hidden is a switch again
    win.document.visibilityState = 'hidden';
    win.document.dispatchEvent(new Event('visibilitychange'));
    await until(() => records.length === 3, 3000, 'the second switch');
    tracker.stop();
    await until(() => records.length === 4, 3000, 'the second return');
    expect(records.map((r) => r.code)).to.deep.equal([5005, 5006, 5005, 5006]);
  });

  it('records 5005 (how: blur) once another app has had the focus past the grace, then 5006', async () => {
    const records: EvidenceDraft[] = [];
    const win = new FakeWindow();
    const tracker = new TabSwitchTracker(context(records), win as unknown as Window);
    tracker.start();
    win.focused = false;
    win.dispatchEvent(new Event('blur'));
    await sleep(600);
    win.focused = true;
    win.dispatchEvent(new Event('focus'));
    await until(() => records.length === 2 && records[0].durationMs !== undefined, 3000, 'two records');
    expect(records.map((r) => r.code)).to.deep.equal([5005, 5006]);
    expect(records[0].data).to.deep.equal({ how: 'blur' });
    expect(records[0].durationMs).to.be.at.least(400);
    tracker.stop();
  });

  it('ignores a blur shorter than the grace (a notification, a permission prompt)', async () => {
    const records: EvidenceDraft[] = [];
    const win = new FakeWindow();
    const tracker = new TabSwitchTracker(context(records), win as unknown as Window);
    tracker.start();
    win.focused = false;
    win.dispatchEvent(new Event('blur'));
    await sleep(50);
    win.focused = true;
    win.dispatchEvent(new Event('focus'));
    await sleep(500);
    tracker.stop();
    expect(records).to.deep.equal([]);
  });
});
