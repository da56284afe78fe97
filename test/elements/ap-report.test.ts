import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import { HttpBackend, Outbox, type ApReport, type EvidenceRecord } from '../../src/index.js';
import { finishedReport } from '../helpers/report-data.js';

const jpeg = () => {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#3a6';
  ctx.fillRect(0, 0, 64, 48);
  return canvas.toDataURL('image/jpeg', 0.8);
};
const shown = (el: ApReport) => el.shadowRoot!.textContent.replace(/\s+/g, ' ');
const until = async (test: () => unknown, what: string, ms = 10000) => {
  const end = performance.now() + ms;
  while (!test()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const DATA = finishedReport(jpeg());

describe('<ap-report>', () => {
  it('shows the Trust Score, the statuses, counts by type and the timeline; accessible', async () => {
    const el = await fixture<ApReport>(html`<ap-report .data=${DATA}></ap-report>`);
    const text = shown(el);
    expect(text).to.contain('Trust Score 71/100 ⚠ Needs review');
    expect(text).to.contain('Ada Lovelace, ada@example.org');
    const badges = [...el.shadowRoot!.querySelectorAll('ap-status-badge')].map((b) => b.getAttribute('status'));
    expect(badges).to.deep.equal(['exam_finished', 'unreviewed']);
    const rows = [...el.shadowRoot!.querySelectorAll('tbody tr')].map((r) => r.textContent.replace(/\s+/g, ' ').trim());
    expect(rows).to.deep.equal(['More than one person in view 2', 'Left the exam page 1', 'Photo 1']);
    const items = [...el.shadowRoot!.querySelectorAll('li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim());
    expect(items[1]).to.contain('More than one person in view 5002 4.2 s');
    expect(items[2]).to.contain('Left the exam page 5005 still going on');
    await expect(el).to.be.accessible();
  });

  it('shows talking and a frozen camera without an end as still going on (the shared list of lasting types)', async () => {
    const data = {
      ...DATA,
      evidence: [
        ...DATA.evidence,
        { id: 't', code: 5111, type: 'talking' as const, startedAt: DATA.finishedAt! - 5000 },
        { id: 'f', code: 5105, type: 'camera_frozen' as const, startedAt: DATA.finishedAt! - 4000 },
      ],
    };
    const el = await fixture<ApReport>(html`<ap-report .data=${data}></ap-report>`);
    const items = [...el.shadowRoot!.querySelectorAll('li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim());
    expect(items.filter((t) => t.includes('still going on'))).to.have.length(3);
  });

  it('opens a photo from the keyboard', async () => {
    const el = await fixture<ApReport>(html`<ap-report .data=${DATA}></ap-report>`);
    const details = el.shadowRoot!.querySelector('details')!;
    expect(details.open).to.equal(false);
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement?.tagName).to.equal('SUMMARY');
    await sendKeys({ press: 'Enter' });
    await until(() => details.open, 'the photo to open');
    const img = details.querySelector('img')!;
    expect(img.alt).to.match(/^Photo: Random photo at \d\d:\d\d:\d\d$/);
    expect(img.src).to.match(/^data:image\/jpeg;base64,/);
    await expect(el).to.be.accessible();
  });

  it("names each photo's disclosure by what and when, and says which photo a 5003 is", async () => {
    const at = DATA.startedAt!;
    const photo = jpeg();
    const data = {
      ...DATA,
      evidence: [
        {
          id: 'p1',
          code: 5003,
          type: 'random_photo' as const,
          startedAt: at + 1000,
          photo,
          data: { kind: 'test_taker' },
        },
        { id: 'p2', code: 5003, type: 'random_photo' as const, startedAt: at + 2000, photo },
        {
          id: 'p3',
          code: 5005,
          type: 'tab_switch' as const,
          startedAt: at + 3000,
          endedAt: at + 5000,
          durationMs: 2000,
        },
        {
          id: 'p4',
          code: 5003,
          type: 'random_photo' as const,
          startedAt: at + 3100,
          photo,
          data: { source: 'screen', kind: 'switched_tab' },
        },
        { id: 'p5', code: 5001, type: 'no_face' as const, startedAt: at + 9000, endedAt: at + 12000, photo },
      ],
    };
    const el = await fixture<ApReport>(html`<ap-report .data=${data}></ap-report>`);
    const clock = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour12: false });
    // what a screen reader says on Tab: the evidence and its time, not just "Photo" five times
    const names = [...el.shadowRoot!.querySelectorAll('summary')].map((s) => s.getAttribute('aria-label'));
    expect(names).to.deep.equal([
      `Photo: Photo at the start at ${clock(at + 1000)}`,
      `Photo: Random photo at ${clock(at + 2000)}`,
      `Photo: Screen of the tab switched to at ${clock(at + 3100)}`,
      `Photo: No face in view at ${clock(at + 9000)}`,
    ]);
    // and what a reader sees in the timeline
    const what = [...el.shadowRoot!.querySelectorAll('li .what')].map((w) => w.textContent);
    expect(what).to.deep.equal([
      'Photo at the start',
      'Random photo',
      'Left the exam page',
      'Screen of the tab switched to',
      'No face in view',
    ]);
    await expect(el).to.be.accessible();
  });

  it("a reviewer's photo not fetched yet says it is the photo that loads", async () => {
    const data = {
      ...DATA,
      source: 'server' as const,
      evidence: [{ id: 'r', code: 5003, type: 'random_photo' as const, startedAt: DATA.startedAt!, photoUrl: '/x' }],
    };
    const el = await fixture<ApReport>(html`<ap-report .data=${data}></ap-report>`);
    expect(el.shadowRoot!.querySelector('details [role="status"]')!.textContent).to.equal('Loading the photo…');
  });

  it('an attempt this device does not hold (test-attempt-id): 4118 and an alert, not an empty report', async () => {
    const attemptId = `never-here-${Date.now()}`;
    const el = document.createElement('ap-report');
    const error = new Promise<{ code: number; message: string }>((resolve) =>
      el.addEventListener('ap-error', (e) => resolve(e.detail)),
    );
    el.testAttemptId = attemptId;
    document.body.append(el);
    try {
      const detail = await error;
      expect(detail.code).to.equal(4118);
      expect(detail.message).to.contain(attemptId);
      expect(el.error?.code).to.equal(4118);
      await el.updateComplete;
      const alert = el.shadowRoot!.querySelector('[role="alert"]')!;
      expect(alert.textContent).to.contain(attemptId).and.contain('4118').and.contain('does not hold it');
      expect(shown(el)).to.not.contain('Nothing was recorded');
      expect(shown(el)).to.not.contain('Trust Score');
      await expect(el).to.be.accessible();
    } finally {
      el.remove();
    }
  });

  it('says when the attempt is not scored yet', async () => {
    const el = await fixture<ApReport>(
      html`<ap-report .data=${{ ...DATA, trustScore: null, needsReview: null, evidence: [], counts: {} }}></ap-report>`,
    );
    expect(shown(el)).to.contain('Trust Score Not scored yet');
    expect(shown(el)).to.contain('Nothing was recorded.');
  });

  it('reads an attempt from this device’s outbox (test-attempt-id)', async () => {
    const attemptId = `report-${Date.now()}`;
    const outboxName = `outbox-${attemptId}`;
    const outbox = await Outbox.open(outboxName);
    const startedAt = Date.now() - 60_000;
    const records: EvidenceRecord[] = [
      {
        id: crypto.randomUUID(),
        attemptId,
        seq: 1,
        code: 5005,
        type: 'tab_switch',
        startedAt,
        endedAt: startedAt + 3000,
        durationMs: 3000,
      },
      { id: crypto.randomUUID(), attemptId, seq: 2, code: 5006, type: 'returned_to_test', startedAt: startedAt + 3000 },
    ];
    const attempt = { attemptId, clientId: 'acme', startedAt, seq: 2 };
    await outbox.add(attempt, records);
    await outbox.putAttempt({ ...attempt, finished: { finishedAt: Date.now(), trustScore: 92, counts: {} } });
    outbox.close();
    const el = await fixture<ApReport>(
      html`<ap-report test-attempt-id=${attemptId} outbox-name=${outboxName}></ap-report>`,
    );
    await until(() => shown(el).includes('Timeline'), 'the report');
    expect(shown(el)).to.contain(attemptId);
    expect(shown(el)).to.contain('Recorded on this device');
    expect(shown(el)).to.match(/Trust Score \d+\/100/);
    expect(
      [...el.shadowRoot!.querySelectorAll('li')].map((li) => li.querySelector('.code')!.textContent),
    ).to.deep.equal(['5005', '5006']);
  });

  it('reads a session from the results server for a reviewer, photos fetched with the token', async () => {
    interface Creds {
      endpoint: string;
      token: string;
      installSid: string;
      examSid: string;
      clientId: string;
      testAttemptId: string;
      hashedTestAttemptId: string;
    }
    const creds = await executeServerCommand<Creds, undefined>('results-server');
    const backend = new HttpBackend(creds.endpoint, creds);
    const startedAt = Date.now() - 120_000;
    await backend.createAttempt({ ...creds, startedAt, trackingOptions: { numHumans: true } });
    await backend.appendEvidence(creds.testAttemptId, [
      {
        id: crypto.randomUUID(),
        attemptId: creds.testAttemptId,
        seq: 1,
        code: 5003,
        type: 'random_photo',
        startedAt,
        photo: jpeg(),
      },
      {
        id: crypto.randomUUID(),
        attemptId: creds.testAttemptId,
        seq: 2,
        code: 5001,
        type: 'no_face',
        startedAt: startedAt + 10_000,
        endedAt: startedAt + 16_000,
        durationMs: 6000,
      },
    ]);
    await backend.finish(creds.testAttemptId, {
      finishedAt: Date.now(),
      trustScore: 93,
      counts: { no_face: 1, random_photo: 1 },
    });
    const stored = await executeServerCommand<{ session: { sid: string } }, { testAttemptId: string }>(
      'results-session',
      {
        testAttemptId: creds.testAttemptId,
      },
    );
    const el = await fixture<ApReport>(
      html`<ap-report
        endpoint=${creds.endpoint}
        install-sid=${creds.installSid}
        exam-sid=${creds.examSid}
        session-sid=${stored.session.sid}
        .token=${creds.token}
      ></ap-report>`,
    );
    await until(() => shown(el).includes('Timeline'), 'the server report');
    expect(shown(el)).to.contain('From the results server');
    expect(shown(el)).to.match(/Trust Score \d+\/100/);
    expect(el.shadowRoot!.querySelector('ap-status-badge[kind="review"]')).to.not.equal(null);
    const details = el.shadowRoot!.querySelector('details')!;
    details.open = true;
    await until(() => details.querySelector('img'), 'the photo');
    expect(details.querySelector('img')!.src).to.match(/^blob:/);
    await expect(el).to.be.accessible();
  });

  it('reports a wrong token with ap-error and an alert', async () => {
    const creds = await executeServerCommand<{ endpoint: string; installSid: string; examSid: string }, undefined>(
      'results-server',
    );
    const el = document.createElement('ap-report');
    const error = new Promise<{ code: number }>((resolve) => el.addEventListener('ap-error', (e) => resolve(e.detail)));
    Object.assign(el, {
      endpoint: creds.endpoint,
      installSid: creds.installSid,
      examSid: creds.examSid,
      sessionSid: `ES${'0'.repeat(32)}`,
      token: 'not-a-token',
    });
    document.body.append(el);
    try {
      expect((await error).code).to.equal(4004);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('HTTP 401');
    } finally {
      el.remove();
    }
  });
});
