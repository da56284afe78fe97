/**
 * getReport() / showReport() as integrations call them: one apErrorEvent per failure, and
 * AutoProctor's default report container.
 */
import { expect } from '@open-wc/testing';
import { AutoProctor, Outbox } from '../../src/index.js';
import '../../src/define.js';
import { rejectionOf } from '../helpers/media.js';
import { credentials } from './helpers.js';

/** apErrorEvent codes heard while `run` runs and a moment after (the events follow the promise). */
async function errorEventsOf(run: () => Promise<unknown>): Promise<{ error: { code?: number }; events: number[] }> {
  const events: number[] = [];
  const listener = (e: Event) => events.push((e as CustomEvent<{ errorCode: number }>).detail.errorCode);
  addEventListener('apErrorEvent', listener);
  try {
    const error = await rejectionOf(run());
    await new Promise((r) => setTimeout(r, 300));
    return { error, events };
  } finally {
    removeEventListener('apErrorEvent', listener);
  }
}

describe('AutoProctor getReport() / showReport()', () => {
  it('a failure fires apErrorEvent once: getReport() and showReport() alike', async () => {
    // an attempt neither this device nor any results server has: 4118
    const ap = new AutoProctor(credentials('never-started'));
    const read = await errorEventsOf(() => ap.getReport());
    expect(read.error.code).to.equal(4118);
    expect(read.events).to.deep.equal([4118]);
    const shown = await errorEventsOf(() => ap.showReport());
    expect(shown.error.code).to.equal(4118);
    expect(shown.events).to.deep.equal([4118]);
    expect(document.querySelector('ap-report')).to.equal(null);
  });

  it("AutoProctor's documented reportOptions warn only about a feature asked for and not implemented here", async () => {
    // dev.autoproctor.co's reportOptions keys (issue 13 F7: 7 warnings, one saying the summary it shows has "no effect")
    const documented = {
      showProctoringSummary: true,
      proctoringSummaryDOMId: 'no-such-summary-container',
      showSessionRecording: false,
      sessionRecordingDOMId: 'ap-report__session-recording',
      groupReportsIntoTabs: false,
      tabContainerDOMId: 'ap-report__tabs',
      insertTestReportTab: false,
      testReportDOMId: 'ap-report__test',
    };
    const warned: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warned.push(args.join(' '));
    try {
      // an attempt nobody has (4118): the options are read before the report is
      const ap = new AutoProctor({ ...credentials('report-options'), endpoint: 'http://127.0.0.1:1/' });
      expect((await errorEventsOf(() => ap.showReport(documented))).error.code).to.be.a('number');
      expect(warned).to.deep.equal([]);
      await errorEventsOf(() => ap.showReport({ ...documented, groupReportsIntoTabs: true }));
      expect(warned).to.have.length(1);
      expect(warned[0]).to.contain('groupReportsIntoTabs').and.contain('not implemented');
    } finally {
      console.warn = original;
    }
  });

  it("renders into AutoProctor's default container, #ap-report__proctor, when the page has it", async () => {
    const creds = credentials('default-container');
    const outbox = await Outbox.open();
    await outbox.add({ attemptId: creds.testAttemptId, clientId: creds.clientId, startedAt: Date.now(), seq: 0 }, []);
    outbox.close();
    const summary = document.createElement('div');
    summary.id = 'ap-report__proctor';
    document.body.append(summary);
    try {
      const ap = new AutoProctor(creds);
      for (const options of [undefined, {}]) {
        const element = await ap.showReport(options);
        expect(element.parentElement).to.equal(summary);
        expect(element.shadowRoot!.textContent).to.contain(creds.testAttemptId);
      }
      expect(summary.querySelectorAll('ap-report')).to.have.length(1);
    } finally {
      summary.remove();
    }
  });
});
