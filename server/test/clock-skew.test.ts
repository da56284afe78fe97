// Issue 19: a candidate's laptop clock can be minutes or days off. The exam page says when it sent
// each request (sentAt, its own Date.now(): HttpBackend adds it), and the server puts the page's
// times on its own clock, so session details, durations and the finish's bounds hold. Found by a new
// user: a clock 15 min slow gave duration 0 and a finish before the start; 30 h fast refused the
// finish. Real server, real HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { attemptHeaders, backend, call, newAttempt, startServer, type Harness } from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer({ ratePerSecond: 10_000 });
});
after(() => s.close());

interface Details {
  status: string;
  inProgressDate: string | null;
  finishedDate: string | null;
  closedDate: string | null;
  duration: number | null;
}
interface Event {
  startedDate: string;
  endedDate: string | null;
  durationMs: number | null;
}

/** One exam of about a minute on a page whose clock is `offsetMs` off (positive: ahead). */
async function exam(offsetMs: number, sentAt = true) {
  const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
  const realStart = Date.now() - 60_000; // the exam began a minute ago (server time)
  const page = (t: number) => t + offsetMs; // what the page's clock said then
  const q = () => (sentAt ? `?sentAt=${page(Date.now())}` : '');
  const created = await call<{ sessionSid: string }>(s.origin, 'POST', `/api/v1/attempts${q()}`, {
    body: { ...a, startedAt: page(realStart) },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const path = `/api/v1/attempts/${a.testAttemptId}`;
  const record = {
    id: randomUUID(),
    attemptId: a.testAttemptId,
    seq: 1,
    code: 5001,
    type: 'no_face',
    startedAt: page(realStart + 10_000),
    endedAt: page(realStart + 13_000),
    durationMs: 3000,
  };
  const posted = await call(s.origin, 'POST', `${path}/evidence${q()}`, {
    headers: attemptHeaders(a),
    body: { records: [record] },
  });
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  const finished = await call(s.origin, 'POST', `${path}/finish${q()}`, {
    headers: attemptHeaders(a),
    body: { finishedAt: page(Date.now()) },
  });
  const sessionPath = `/v1/installs/${s.demo.installSid}/exams/${s.demo.examSid}/sessions/${created.body.sessionSid}`;
  return { finished, sessionPath, realStart };
}

const near = (iso: string | null, ms: number, what: string) => {
  assert.ok(iso, `${what} is set`);
  assert.ok(
    Math.abs(Date.parse(iso) - ms) < 5000,
    `${what}: ${iso} is not within 5 s of ${new Date(ms).toISOString()}`,
  );
};

describe(`the page's clock put on the server's (${backend})`, () => {
  for (const [name, offset] of [
    ['15 min slow', -15 * 60_000],
    ['15 min fast', 15 * 60_000],
    ['2 h fast', 2 * 3_600_000],
    ['30 h fast', 30 * 3_600_000],
    ['3 days slow', -3 * 86_400_000],
  ] as const)
    it(`a clock ${name}: the finish is taken, the details and the event on the server's time`, async () => {
      const { finished, sessionPath, realStart } = await exam(offset);
      assert.equal(finished.status, 200, JSON.stringify(finished.body));
      const details = (await call<Details>(s.origin, 'GET', sessionPath, { token: s.demo.token })).body;
      assert.equal(details.status, 'Closed');
      near(details.finishedDate, Date.now(), 'finishedDate');
      assert.ok(Date.parse(details.finishedDate!) <= Date.parse(details.closedDate!) + 1000, 'finished before closed');
      // from the first evidence (10 s in) to the finish: about 50 s, as it was
      near(details.inProgressDate, realStart + 10_000, 'inProgressDate');
      assert.ok(details.duration! >= 45 && details.duration! <= 70, `duration ${details.duration}`);
      const events = (
        await call<{ results: Event[] }>(s.origin, 'GET', `${sessionPath}/events`, { token: s.demo.token })
      ).body.results;
      near(events[0].startedDate, realStart + 10_000, 'the event start');
      near(events[0].endedDate, realStart + 13_000, 'the event end');
      assert.equal(events[0].durationMs, 3000);
    });

  it('a right clock (and a client that sends no sentAt) is taken as it is', async () => {
    for (const sentAt of [true, false]) {
      const { finished, sessionPath, realStart } = await exam(0, sentAt);
      assert.equal(finished.status, 200);
      const events = (
        await call<{ results: Event[] }>(s.origin, 'GET', `${sessionPath}/events`, { token: s.demo.token })
      ).body.results;
      assert.equal(events[0].startedDate, new Date(realStart + 10_000).toISOString());
    }
  });
});
