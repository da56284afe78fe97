// Issue 19: a session whose exam page never finishes (closed laptop, crashed browser, no stop())
// must not stay "In Progress" for ever: a SmarterProctoring-style poll loop waiting for Closed or
// Cancelled has to end, and Closed stays terminal. Nothing the page sends later is refused (no lost evidence).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { closeAbandoned } from '../src/abandon.js';
import { attemptHeaders, backend, call, newAttempt, startServer, type Attempt, type Harness } from './harness.js';

let s: Harness;
let exam: string;
before(async () => {
  // the server's own sweep: a started attempt silent for 1.5 s is abandoned
  s = await startServer({ ratePerSecond: 10_000, abandonAfterMs: 1500 });
  exam = `/v1/installs/${s.demo.installSid}/exams/${s.demo.examSid}`;
});
after(() => s.close());

interface Session {
  status: string;
  statusReason: string | null;
  closeReason: string | null;
  sessionStatus: string;
  trustScore: number | null;
  reviewRequired: boolean;
  closedDate: string | null;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ingest = (a: Attempt, method: string, rest: string, body?: unknown) =>
  call(s.origin, method, `/api/v1/attempts/${encodeURIComponent(a.testAttemptId)}${rest}`, {
    body,
    headers: attemptHeaders(a),
  });
const noFace = (a: Attempt, seq: number, startedAt: number, durationMs?: number) => ({
  id: randomUUID(),
  attemptId: a.testAttemptId,
  seq,
  code: 5001,
  type: 'no_face',
  startedAt,
  ...(durationMs !== undefined ? { endedAt: startedAt + durationMs, durationMs } : {}),
});
async function started() {
  const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
  const created = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: a });
  assert.equal(created.status, 201);
  return { a, path: `${exam}/sessions/${created.body.sessionSid}` };
}
const details = async (path: string) => {
  const res = await call<Session>(s.origin, 'GET', path, { token: s.demo.token });
  assert.equal(res.status, 200);
  return res.body;
};

describe(`sessions the exam page never finished (${backend})`, () => {
  it("a poll loop written from SmarterProctoring's guide ends: the silent session becomes Closed (abandoned), scored from its evidence", async () => {
    const { a, path } = await started();
    assert.equal((await ingest(a, 'PUT', '/status', { status: 'exam_started' })).status, 200);
    // the candidate was away from the camera for 5 minutes, then the page went silent (no end, no finish)
    const t = Date.now() - 10 * 60_000;
    assert.equal((await ingest(a, 'POST', '/evidence', { records: [noFace(a, 1, t, 5 * 60_000)] })).status, 200);
    let session: Session;
    const seen: string[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      session = await details(path);
      if (seen.at(-1) !== session.status) seen.push(session.status);
      if (['Closed', 'Cancelled'].includes(session.status)) break;
      assert.ok(Date.now() < deadline, `still ${session.status} after 60 s`);
      await sleep(200);
    }
    assert.deepEqual(seen, ['In Progress', 'Closed']);
    assert.equal(session.closeReason, 'abandoned');
    assert.match(session.statusReason ?? '', /^Abandoned: the exam page sent nothing/);
    assert.equal(typeof session.trustScore, 'number');
    assert.ok(session.trustScore! < 85, `5 minutes without a face scores ${session.trustScore}`);
    assert.equal(session.reviewRequired, true);
    assert.ok(session.closedDate);
    assert.equal(session.sessionStatus, 'exam_started', "ProctorExam's status is what the page last said");
    // as a list filter too
    const closed = await call<{ results: { sid: string; closeReason: string }[] }>(
      s.origin,
      'GET',
      `${exam}/sessions?status=Closed&limit=500`,
      { token: s.demo.token },
    );
    assert.ok(closed.body.results.some((x) => path.endsWith(x.sid) && x.closeReason === 'abandoned'));
  });

  it('Closed stays terminal: evidence arriving later (the outbox on the next visit) is stored and listed, the verdict stays; a late finish answers it', async () => {
    const { a, path } = await started();
    const t = Date.now() - 60_000;
    const open = noFace(a, 1, t);
    assert.equal((await ingest(a, 'POST', '/evidence', { records: [open] })).status, 200);
    // a change-cursor sync job (README) sees the violation ongoing, then again once the sweep closed over it
    type Change = { evidenceId: string; ongoing: boolean; durationMs: number | null; changeSeq: number };
    const changes = async (after: number) =>
      (
        await call<{ results: Change[]; cursor: number }>(
          s.origin,
          'GET',
          `${path}/events?changedAfter=${after}&limit=500`,
          { token: s.demo.token },
        )
      ).body;
    const before = await changes(0);
    assert.deepEqual(
      before.results.map((e) => e.ongoing),
      [true],
    );
    assert.equal(await closeAbandoned(s.db, 0), 1);
    const closed = await details(path);
    assert.equal(closed.closeReason, 'abandoned');
    const swept = await changes(before.cursor);
    assert.deepEqual(
      swept.results.map((e) => [e.evidenceId, e.ongoing, e.durationMs]),
      [[open.id, false, null]],
    );
    // the open record's end and a new record arrive: nothing refused, both listed
    const late = await ingest(a, 'POST', '/evidence', {
      records: [
        { ...open, endedAt: t + 2000, durationMs: 2000 },
        { ...noFace(a, 2, t + 5000, 1000), code: 5005, type: 'tab_switch' },
      ],
    });
    assert.equal(late.status, 200, JSON.stringify(late.body));
    // the late end reaches the job too
    assert.deepEqual((await changes(swept.cursor)).results.map((e) => [e.ongoing, e.durationMs]).sort(), [
      [false, 1000],
      [false, 2000],
    ]);
    const events = await call<{ results: { code: number; durationMs: number | null }[] }>(
      s.origin,
      'GET',
      `${path}/events?limit=500`,
      { token: s.demo.token },
    );
    assert.deepEqual(
      events.body.results.map((e) => [e.code, e.durationMs]),
      [
        [5001, 2000],
        [5005, 1000],
      ],
    );
    const after = await details(path);
    assert.equal(after.status, 'Closed');
    assert.equal(after.trustScore, closed.trustScore);
    assert.equal(after.reviewRequired, closed.reviewRequired);
    const finishedAt = Date.now();
    const finished = await ingest(a, 'POST', '/finish', { finishedAt, trustScore: 97, counts: {} });
    assert.equal(finished.status, 200);
    const verdict = finished.body as { alreadyFinished: boolean; trustScore: number; finishedDate: string };
    assert.equal(verdict.alreadyFinished, true);
    assert.equal(verdict.trustScore, closed.trustScore);
    // the details agree with the finish's answer (found by a new user: finishedDate null, exam_started)
    const final = (await details(path)) as typeof closed & { finishedDate: string | null; sessionStatus: string };
    assert.equal(final.closeReason, 'abandoned');
    assert.equal(final.status, 'Closed');
    assert.equal(final.trustScore, closed.trustScore);
    assert.equal(verdict.finishedDate, new Date(finishedAt).toISOString());
    assert.equal(final.finishedDate, verdict.finishedDate);
    assert.equal(final.sessionStatus, 'exam_finished');
  });

  it('registered or finished sessions are never abandoned, opened and never started ones are cancelled; a reviewer opening a session does not keep it open; closedDate is the last word from the page', async () => {
    const { a, path } = await started();
    const lastWord = Date.now();
    assert.equal(
      (await ingest(a, 'POST', '/evidence', { records: [noFace(a, 1, lastWord - 5000, 1000)] })).status,
      200,
    );
    const idle = await started(); // opened by its page, never started: Cancelled (found by a new user)
    // registered ahead by the platform, no page yet: Scheduled until its exam closes
    const registered = await call<{ sessionSid: string }>(
      s.origin,
      'POST',
      `/v1/installs/${s.demo.installSid}/exams/${s.demo.examSid}/sessions`,
      { token: s.demo.token, body: { testAttemptId: `reg-${Date.now()}`, email: 'reg@example.org' } },
    );
    const done = await started();
    assert.equal((await ingest(done.a, 'POST', '/finish', { finishedAt: Date.now() })).status, 200);
    await sleep(300);
    // a reviewer's action is not the page's word
    const review = await call(s.origin, 'PUT', `${path}/review`, {
      token: s.demo.token,
      body: { status: 'in_review' },
    });
    assert.equal(review.status, 200);
    await closeAbandoned(s.db, 200);
    const closed = await details(path);
    assert.equal(closed.closeReason, 'abandoned');
    assert.ok(Date.parse(closed.closedDate!) < Date.now() - 250, "closedDate is the page's last word, not the sweep");
    const cancelled = (await details(idle.path)) as Session & { inProgressDate: string | null };
    assert.equal(cancelled.status, 'Cancelled');
    assert.equal(cancelled.closeReason, 'not_started');
    assert.match(cancelled.statusReason!, /without starting/);
    assert.equal(cancelled.trustScore, null);
    assert.equal(cancelled.inProgressDate, null);
    // the exam's volume counts it as SmarterProctoring's status says (found by a new user: no Cancelled count)
    const volume = async () =>
      (
        await call<{ results: { examSid: string; closedSessions: number; cancelledSessions: number }[] }>(
          s.origin,
          'GET',
          `/v1/installs/${s.demo.installSid}/examVolume?limit=500`,
          { token: s.demo.token },
        )
      ).body.results.find((r) => r.examSid === s.demo.examSid)!;
    const before = await volume();
    assert.ok(before.cancelledSessions >= 1, JSON.stringify(before));
    // its page comes back after all and finishes: scored like any finish, nothing refused
    assert.equal(
      (await ingest(idle.a, 'POST', '/evidence', { records: [noFace(idle.a, 1, Date.now() - 3000, 1000)] })).status,
      200,
    );
    const late = await ingest(idle.a, 'POST', '/finish', { finishedAt: Date.now() });
    assert.equal(late.status, 200, JSON.stringify(late.body));
    assert.equal(typeof (late.body as { trustScore: number }).trustScore, 'number');
    const revived = await details(idle.path);
    assert.deepEqual([revived.status, revived.closeReason], ['Closed', 'finished']);
    const after = await volume();
    assert.deepEqual(
      [after.cancelledSessions, after.closedSessions],
      [before.cancelledSessions - 1, before.closedSessions + 1],
    );
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const regPath = `/v1/installs/${s.demo.installSid}/exams/${s.demo.examSid}/sessions/${registered.body.sessionSid}`;
    assert.equal((await details(regPath)).status, 'Scheduled');
    assert.equal((await details(done.path)).closeReason, 'finished');
  });
});
