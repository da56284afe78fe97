import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../src/define.js';
import { until } from '../../helpers/monitor.js';
// @ts-expect-error: the dashboard is plain JavaScript, served as is
import { mountReviewDashboard } from '../../../review/review.js';
import { describeExcept, NO_OTHER_TAB_WEBKIT } from '../../helpers/engine.js';

interface Server {
  endpoint: string;
  token: string;
  installSid: string;
  examSid: string;
}
interface DemoRun {
  testAttemptId: string;
  checksText: string;
  resultText: string;
  evidenceShown: string[];
  consoleErrors: string[];
  phoneStatus?: string;
  phoneState?: { status: string; videoShown: boolean; cameraLive: boolean };
  startDisabledBefore: boolean;
  duringExam: { retryButtons: number; locked: string; checkPreviews: number; badge: string };
  resumed?: { buttonText: string; attemptId: string; sameAttempt: boolean };
  videosAfter: number;
}
interface List<T> {
  total: number;
  next: string | null;
  results: T[];
}
interface Session {
  sid: string;
  testAttemptId: string;
  status: string;
  sessionStatus: string;
  reviewStatus: string;
  reviewCode: string;
  trustScore: number;
  sessionReportCount: number;
  inProgressDate: string | null;
  systemCheckEndDate: string | null;
  checks: Record<string, string | boolean> | null;
}

/**
 * The browser logs every HTTP error answer as a console error. A 410 is the pairing server saying the
 * phone's pairing was closed (the exam ended it): expected, not a fault of the page.
 */
const unexpected = (line: string) => !/status of 410 \(Gone\)/.test(line);

describeExcept(
  { webkit: NO_OTHER_TAB_WEBKIT },
  'end to end: the demo exam page, the reporting API and the reviewer dashboard',
  function () {
    // a candidate clicking through the demo, with screenshots at two widths, on a loaded machine
    this.timeout(300000);
    let server: Server;
    let run: DemoRun;
    const api = async <T>(path: string, init: RequestInit = {}) => {
      const res = await fetch(server.endpoint.replace(/\/$/, '') + path, {
        ...init,
        headers: { token: server.token, 'content-type': 'application/json', ...init.headers },
      });
      expect(res.status, path).to.be.below(300);
      return (await res.json()) as T;
    };
    const exam = () => `/v1/installs/${server.installSid}/exams/${server.examSid}`;
    const findSession = async () => {
      // walk the pages as the SmarterProctoring guide does
      let url: string | null = `${exam()}/sessions?limit=5`;
      while (url) {
        const page: List<Session> = await api<List<Session>>(url);
        const hit = page.results.find((s) => s.testAttemptId === run.testAttemptId);
        if (hit) return hit;
        url = page.next;
      }
      throw new Error(`no session for ${run.testAttemptId}`);
    };

    const demoRun = async (payload: { checks: string; reloadMidExam?: boolean; shots?: string }) => {
      await executeServerCommand<boolean, typeof payload>('demo-run', payload);
      for (;;) {
        const r = await executeServerCommand<{ done: boolean; value?: DemoRun; error?: string }, undefined>(
          'demo-result',
        );
        if (r.error) throw new Error(r.error);
        if (r.done) return r.value!;
      }
    };

    before(async () => {
      server = await executeServerCommand<Server, undefined>('results-server');
      run = await demoRun({ checks: 'microphone,bandwidth,webcam,mobile,screenshare', shots: 'demo' });
    });

    it('a candidate passes the checks, takes the monitored exam and finishes with a Trust Score', () => {
      expect(run.consoleErrors.filter(unexpected)).to.deep.equal([]);
      // the exam could not start before the checks passed
      expect(run.startDisabledBefore).to.equal(true);
      expect(run.checksText).to.equal('Your setup is ready for the exam.');
      // during the exam: the checks are locked, the only camera preview is the exam's, the badge says so
      expect(run.duringExam).to.deep.include({ retryButtons: 0, checkPreviews: 0, badge: 'exam_started' });
      expect(run.duringExam.locked).to.contain('checks are locked');
      expect(run.resultText).to.match(/^Exam finished\. Trust Score \d+\/100/);
      expect(run.evidenceShown.some((t) => t.includes('5005 tab_switch'))).to.equal(true);
      expect(run.evidenceShown.some((t) => t.includes('5006 returned_to_test'))).to.equal(true);
      // each routine photo says which camera took it
      for (const line of run.evidenceShown.filter((t) => t.includes('random_photo')))
        expect(line).to.match(/\((laptop|phone) camera\)/);
    });

    it('finishing ends the paired phone and leaves no camera preview on the page', () => {
      expect(run.phoneState!.status).to.match(/^The exam no longer uses this camera/);
      expect(run.phoneState!.videoShown).to.equal(false);
      expect(run.phoneState!.cameraLive).to.equal(false);
      expect(run.videosAfter).to.equal(0);
    });

    it('a candidate who reloads mid-exam continues the same attempt, which then finishes', async () => {
      const again = await demoRun({ checks: 'webcam', reloadMidExam: true });
      expect(again.consoleErrors.filter(unexpected)).to.deep.equal([]);
      expect(again.resumed).to.deep.include({ buttonText: 'Continue the exam', sameAttempt: true });
      expect(again.resultText).to.match(/^Exam finished/);
      const { session } = await executeServerCommand<{ session: { status: string } }, { testAttemptId: string }>(
        'results-session',
        { testAttemptId: again.testAttemptId },
      );
      expect(session.status).to.equal('exam_finished');
    });

    it('the session, its events and its score read back through the reporting API', async () => {
      const found = await findSession();
      const details = await api<Session>(`${exam()}/sessions/${found.sid}`);
      const shownScore = Number(/Trust Score (\d+)\/100/.exec(run.resultText)![1]);
      expect(details).to.include({
        status: 'Closed', // SmarterProctoring's terminal state
        sessionStatus: 'exam_finished', // ProctorExam's
        reviewStatus: 'unreviewed',
        reviewCode: '00',
        trustScore: shownScore,
      });
      expect(details.inProgressDate).to.be.a('string');
      expect(details.systemCheckEndDate).to.be.a('string');
      expect(details.checks).to.deep.equal({
        passed: true,
        microphone: 'succeeded',
        bandwidth: 'succeeded',
        webcam: 'succeeded',
        mobile: 'succeeded',
        screenshare: 'succeeded',
      });
      const events = await api<List<{ type: string; code: number; durationMs: number | null }>>(
        `${exam()}/sessions/${found.sid}/events?limit=500`,
      );
      expect(events.total).to.equal(details.sessionReportCount);
      expect(events.total).to.equal(run.evidenceShown.length);
      const tab = events.results.find((e) => e.type === 'tab_switch')!;
      expect(tab.code).to.equal(5005);
      expect(tab.durationMs).to.be.at.least(1000); // completed with its end: the candidate was away over a second
      expect(events.results.some((e) => e.type === 'returned_to_test')).to.equal(true);
      // a face was in view all along: no false alarm
      expect(events.results.filter((e) => e.type === 'no_face' || e.type === 'multiple_people')).to.deep.equal([]);
    });

    it('a reviewer signs in to the dashboard, opens the session, reviews and annotates it', async () => {
      const found = await findSession();
      const root = document.createElement('main');
      document.body.append(root);
      const store = new Map<string, string>();
      const storage = {
        getItem: (k: string) => store.get(k) ?? null,
        setItem: (k: string, v: string) => void store.set(k, v),
        removeItem: (k: string) => void store.delete(k),
      };
      (mountReviewDashboard as (root: HTMLElement, o: object) => void)(root, { apiBase: server.endpoint, storage });
      const q = <T extends Element>(sel: string) => root.querySelector<T>(sel);
      await until(() => !!q('input[name="token"]'), 5000, 'the sign-in form');
      // nothing absent is rendered as text (a literal "null" stood above the token field)
      expect(root.textContent).to.not.contain('null');
      await expect(root).to.be.accessible();

      // a wrong token: a clear error, still on the sign-in form
      q<HTMLInputElement>('input[name="token"]')!.value = 'wrong';
      q<HTMLButtonElement>('button[type="submit"]')!.click();
      await until(() => !!q('[role="alert"]'), 5000, 'the sign-in error');
      expect(q('[role="alert"]')!.textContent).to.include('unauthenticated');

      q<HTMLInputElement>('input[name="token"]')!.value = server.token;
      q<HTMLButtonElement>('button[type="submit"]')!.click();
      await until(() => !!q('table'), 10000, 'the sessions table');
      expect(q('[role="status"]')!.textContent).to.match(/session/);
      const open = root.querySelector<HTMLButtonElement>(`button[aria-label="Open session of ${run.testAttemptId}"]`);
      expect(open, 'a row for the demo session').to.exist;
      const row = open!.closest('tr')!;
      expect(row.querySelector('ap-status-badge[kind="session"]')!.getAttribute('status')).to.equal('exam_finished');
      expect(row.querySelector('ap-status-badge[kind="review"]')!.getAttribute('status')).to.equal('unreviewed');
      await expect(root).to.be.accessible();

      open!.click();
      // the session view shows the report with <ap-report> (from the reporting API, with the token)
      const report = () => q('ap-report')?.shadowRoot;
      await until(() => (report()?.querySelectorAll('li').length ?? 0) > 0, 10000, 'the evidence timeline');
      expect(q('h2')!.textContent).to.equal(`Session of ${run.testAttemptId}`);
      expect(document.activeElement).to.equal(q('h2'));
      // the list's announcement ("8 sessions.") does not stand above the session page
      expect(q('[role="status"]')!.textContent).to.not.match(/sessions?\./);
      expect(report()!.querySelector('ol')!.textContent).to.include('Left the exam page');
      expect(report()!.querySelector('[part="score"]')!.textContent.replace(/\s+/g, ' ')).to.include(
        `${found.trustScore}/100`,
      );
      await expect(root).to.be.accessible();

      // the select says what the badges say
      const reviewBadge = report()!.querySelector<HTMLElement & { info?: { label: string } }>(
        'ap-status-badge[kind="review"]',
      )!;
      const selected = q<HTMLSelectElement>('select[name="review"]')!.selectedOptions[0];
      expect(selected.textContent).to.match(new RegExp(`^${reviewBadge.info!.label} \\(`));
      q<HTMLSelectElement>('select[name="review"]')!.value = 'is_reviewed_green';
      q<HTMLSelectElement>('select[name="review"]')!.form!.requestSubmit();
      await until(() => /Review status saved/.test(q('[role="status"]')!.textContent ?? ''), 5000, 'the saved review');
      expect(q('[role="status"]')!.textContent).to.include('code 000');
      await until(
        () => report()?.querySelector('ap-status-badge[kind="review"]')?.getAttribute('status') === 'is_reviewed_green',
        5000,
        'the report to show the new review status',
      );

      q<HTMLTextAreaElement>('textarea[name="text"]')!.value = 'Looked away once; answers are consistent.';
      // the reviewer names themself and links the note to the tab switch
      q<HTMLInputElement>('input[name="author"]')!.value = 'R. Viewer';
      await until(() => (q<HTMLSelectElement>('select[name="event"]')?.options.length ?? 0) > 1, 5000, 'the events');
      const eventSelect = q<HTMLSelectElement>('select[name="event"]')!;
      const tabOption = [...eventSelect.options].find((o) => o.textContent.includes('5005 tab_switch'))!;
      eventSelect.value = tabOption.value;
      q<HTMLTextAreaElement>('textarea[name="text"]')!.form!.requestSubmit();
      await until(() => (q('.annotations')?.children.length ?? 0) === 1, 5000, 'the annotation');
      expect(q('.annotations')!.textContent).to.contain('R. Viewer').and.contain('on event 5005 tab_switch');
      await expect(root).to.be.accessible();

      const after = await api<Session & { annotationCount: number; reviewed: boolean }>(
        `${exam()}/sessions/${found.sid}`,
      );
      expect(after).to.include({
        reviewStatus: 'is_reviewed_green',
        reviewCode: '000',
        reviewed: true,
        annotationCount: 1,
      });
      const notes = await api<List<{ text: string; author: string; eventReportSid: string; offsetMs: number }>>(
        `${exam()}/sessions/${found.sid}/annotations`,
      );
      expect(notes.results.map((n) => n.text)).to.deep.equal(['Looked away once; answers are consistent.']);
      expect(notes.results[0]).to.include({ author: 'R. Viewer', eventReportSid: tabOption.value });
      expect(notes.results[0].offsetMs).to.be.at.least(0);
      root.remove();
    });

    it('the dashboard at /review and the examples look finished (screenshots at 1280 and 390 px)', async () => {
      const review = await executeServerCommand<
        { signInText: string; sessionView: { live: string; focused: string; focusOutline: string } },
        undefined
      >('review-shots');
      expect(review.signInText).to.not.contain('null');
      expect(review.sessionView).to.deep.equal({ live: '', focused: 'H2', focusOutline: 'none' });
      for (const name of ['html', 'react', 'vue']) {
        // a command answers within 20 s: asked again until the example is done
        let shot: { done: boolean; value?: { status: string; errors: string[] }; error?: string };
        do
          shot = await executeServerCommand<typeof shot, { name: string }>('example-shots', {
            name,
          });
        while (!shot.done);
        expect(shot.error, name).to.equal(undefined);
        expect(shot.value, name).to.deep.equal({ status: 'Ready.', errors: [] });
      }
    });
  },
);
