// Issue 19: a sync job written from SmarterProctoring's documentation (only the base URL and the
// token changed) reads every event exactly once, during a running exam too, and knows when each
// session is over.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { attemptHeaders, backend, call, newAttempt, startServer, type Attempt, type Harness } from './harness.js';

const ADMIN = 'admin-token-for-sync-tests';
let s: Harness;
let token: string;
let install: string; // /v1/installs/{installSid}
let exam: string; // …/exams/{examSid}

before(async () => {
  s = await startServer({ ratePerSecond: 10_000, adminToken: ADMIN });
  token = s.demo.token;
  install = `/v1/installs/${s.demo.installSid}`;
  exam = `${install}/exams/${s.demo.examSid}`;
});
after(() => s.close());

interface Page<T> {
  total: number;
  count: number;
  offset: number;
  limit: number;
  next: string | null;
  results: T[];
}
interface Event {
  sid: string;
  evidenceId: string;
  sessionSid: string;
  createdDate: string;
  startedDate: string;
}
interface Session {
  sid: string;
  status: string;
  sessionStatus: string;
  trustScore: number | null;
  reviewRequired: boolean;
  inProgressDate: string | null;
  duration: number | null;
  closedDate: string | null;
  photos: { eventReportSid: string; url: string }[];
  exam: { sid: string; title: string; status: string } | null;
}

const T0 = Date.parse('2026-11-20T10:00:00Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ingest = (a: Attempt, method: string, rest: string, body?: unknown) =>
  call(s.origin, method, `/api/v1/attempts/${encodeURIComponent(a.testAttemptId)}${rest}`, {
    body,
    headers: attemptHeaders(a),
  });
let seq = 0;
const record = (a: Attempt, startedAt = T0 + ++seq * 1000) => ({
  id: randomUUID(),
  attemptId: a.testAttemptId,
  seq: ++seq,
  code: 5005,
  type: 'tab_switch',
  startedAt,
  endedAt: startedAt + 400,
  durationMs: 400,
});
async function attemptWith(n: number) {
  const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
  const created = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: a });
  assert.equal(created.status, 201);
  const records = Array.from({ length: n }, () => record(a));
  if (n) assert.equal((await ingest(a, 'POST', '/evidence', { records })).status, 200);
  return { attempt: a, sessionSid: created.body.sessionSid, records };
}

/**
 * The guide's loop, our own way: the first call with an empty offset, then follow `next` until it is
 * null. A 400 would end it silently with what it has, as their loop does: here it fails the test.
 */
async function guideLoop<T>(path: string, query: string, as = token): Promise<T[]> {
  const items: T[] = [];
  let url: string | null = `${path}?offset=&${query}`;
  for (let pages = 0; url; pages++) {
    assert.ok(pages < 1000, 'the loop ends');
    const res: { status: number; body: Page<T> } = await call<Page<T>>(s.origin, 'GET', url, { token: as });
    assert.equal(res.status, 200, `${url}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.count, res.body.results.length);
    items.push(...res.body.results);
    url = res.body.next;
  }
  return items;
}

describe(`SmarterProctoring-style sync (${backend})`, () => {
  it('takes every documented parameter on every list endpoint and sees each item exactly once', async () => {
    const sessions = [await attemptWith(7), await attemptWith(3), await attemptWith(0)];
    const one = sessions[0];
    await call(s.origin, 'POST', `${exam}/sessions/${one.sessionSid}/annotations`, {
      token,
      body: { text: 'first' },
    });
    await call(s.origin, 'POST', `${exam}/sessions/${one.sessionSid}/annotations`, {
      token,
      body: { text: 'second' },
    });
    for (const name of ['Second', 'Third', 'Fourth', 'Fifth'])
      assert.equal((await call(s.origin, 'POST', `${install}/exams`, { token, body: { name } })).status, 201);
    const paramSets = [
      '',
      'limit=0',
      'limit=2',
      'limit=1000',
      'limit=3&sortKeys=createdDate',
      'limit=3&sortKeys=createdDate&sortKeys=createdDate',
      'limit=3&sortKeys=createdDate&sortOrder=DESC',
      'limit=3&sortOrder=desc',
      'limit=3&includeActive=true&somethingWeDoNotKnow=1',
    ];
    // the sync window is on changedDate (stored or last changed): these hold every event stored above
    const since = new Date(Date.now() - 600_000).toISOString();
    const until = new Date(Date.now() + 600_000).toISOString();
    const eventRanges = ['', `eventTimeRangeStart=${since}`, `eventTimeRangeStart=${since}&eventTimeRangeEnd=${until}`];
    const endpoints: { path: string; ranges: string[]; key: (x: Record<string, unknown>) => unknown }[] = [
      { path: `${install}/exams`, ranges: [''], key: (x) => x.sid },
      { path: `${exam}/sessions`, ranges: [''], key: (x) => x.sid },
      { path: `${exam}/sessions/${one.sessionSid}/events`, ranges: eventRanges, key: (x) => x.sid },
      { path: `${install}/reports/examSessionEvents`, ranges: eventRanges, key: (x) => x.sid },
      { path: `${exam}/sessions/${one.sessionSid}/annotations`, ranges: [''], key: (x) => x.sid },
    ];
    for (const { path, ranges, key } of endpoints)
      for (const range of ranges) {
        const all = await call<Page<Record<string, unknown>>>(s.origin, 'GET', `${path}?limit=500&${range}`, {
          token,
        });
        assert.equal(all.status, 200);
        const expected = all.body.results.map(key).sort();
        assert.equal(expected.length, all.body.total);
        assert.ok(expected.length > 1, `${path}?${range}: something to page through`);
        for (const params of paramSets) {
          const items = await guideLoop<Record<string, unknown>>(path, `${params}&${range}`);
          const keys = items.map(key);
          assert.equal(new Set(keys).size, keys.length, `${path}?${params}&${range}: no repeats`);
          assert.deepEqual([...keys].sort(), expected, `${path}?${params}&${range}: every item`);
        }
      }
    // limits follow their rules: 0 is the default, more than the maximum is the maximum
    const zero = await call<Page<unknown>>(s.origin, 'GET', `${exam}/sessions/${one.sessionSid}/events?limit=0`, {
      token,
    });
    assert.equal(zero.body.limit, 50);
    const big = await call<Page<unknown>>(s.origin, 'GET', `${exam}/sessions?limit=100000&offset=`, { token });
    assert.deepEqual([big.status, big.body.limit, big.body.offset], [200, 500, 0]);
    // the session's events in createdDate order are the order the server stored them
    const events = await guideLoop<Event>(`${exam}/sessions/${one.sessionSid}/events`, 'limit=2');
    assert.deepEqual(
      events.map((e) => e.evidenceId),
      one.records.map((r) => r.id),
    );
    assert.ok(events.every((e) => !Number.isNaN(Date.parse(e.createdDate))));
  });

  it('still answers 400 naming the parameter for a malformed value of a known one', async () => {
    const { sessionSid } = await attemptWith(1);
    for (const [path, query, name] of [
      [`${exam}/sessions/${sessionSid}/events`, 'limit=ten', 'querystring/limit'],
      [`${exam}/sessions/${sessionSid}/events`, 'offset=-3', 'querystring/offset'],
      [`${exam}/sessions/${sessionSid}/events`, 'sortKeys=colour', 'querystring/sortKeys'],
      [`${exam}/sessions/${sessionSid}/events`, 'eventTimeRangeStart=yesterday', 'querystring/eventTimeRangeStart'],
      // valid ISO 8601, but no database holds year 0 or a six-digit year
      [
        `${exam}/sessions/${sessionSid}/events`,
        'eventTimeRangeStart=0000-01-01T00:00:00Z',
        'querystring/eventTimeRangeStart',
      ],
      [
        `${install}/reports/examSessionEvents`,
        'eventTimeRangeEnd=%2B275760-09-13T00:00:00Z',
        'querystring/eventTimeRangeEnd',
      ],
      [`${exam}/sessions/${sessionSid}/events`, 'types=cheating', 'querystring/types'],
      [`${exam}/sessions`, 'status=Finished', 'querystring/status'],
      [`${exam}/sessions`, 'includeActive=maybe', 'querystring/includeActive'],
      [`${exam}/sessions`, 'sortOrder=sideways', 'querystring/sortOrder'],
      [`${install}/reports/examSessionEvents`, 'limit=1.5', 'querystring/limit'],
      // plain decimal digits only: no hex, exponent, sign or blank that a number parser would take
      [`${exam}/sessions/${sessionSid}/events`, 'limit=0x10', 'querystring/limit'],
      [`${exam}/sessions/${sessionSid}/events`, 'limit=1e3', 'querystring/limit'],
      [`${exam}/sessions/${sessionSid}/events`, 'limit=%205', 'querystring/limit'],
      [`${exam}/sessions/${sessionSid}/events`, 'limit=5%20', 'querystring/limit'],
      [`${exam}/sessions/${sessionSid}/events`, 'offset=%2B5', 'querystring/offset'],
      [`${exam}/sessions/${sessionSid}/events`, 'changedAfter=0x1', 'querystring/changedAfter'],
      [`${exam}/sessions`, 'offset=1e1', 'querystring/offset'],
      [`${install}/exams`, 'limit=0b11', 'querystring/limit'],
      [`${install}/examVolume`, 'limit=Infinity', 'querystring/limit'],
      [`${exam}/sessions/${sessionSid}/annotations`, 'offset=1.0', 'querystring/offset'],
      [`${install}/reports/examSessionEvents`, 'limit=5&limit=0x5', 'querystring/limit'],
    ]) {
      const res = await call<{ code: string; message: string }>(s.origin, 'GET', `${path}?${query}`, { token });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.code, 'invalid_request');
      assert.ok(res.body.message.includes(name), `${query}: ${res.body.message}`);
    }
  });

  it('reads every event exactly once while records are being delivered, late ones included', async () => {
    const attempts = [await attemptWith(0), await attemptWith(0), await attemptWith(0)];
    // the sync job starts after the events of earlier tests
    const start = await call<Page<Event>>(s.origin, 'GET', `${install}/reports/examSessionEvents?limit=1`, {
      token,
    });
    let offset = start.body.total;
    const delivered: string[] = [];
    let delivering = true;
    // three exam pages deliver concurrently: small batches, each with a record that started long ago
    const deliver = Promise.all(
      attempts.map(async ({ attempt }, k) => {
        for (let i = 0; i < 12; i++) {
          const late = record(attempt, T0 - (k + 1) * 3_600_000 - i * 1000);
          const batch = [record(attempt), late, record(attempt)];
          const res = await ingest(attempt, 'POST', '/evidence', { records: batch });
          assert.equal(res.status, 200);
          delivered.push(...batch.map((r) => r.id));
          await sleep(5);
        }
      }),
    ).finally(() => {
      delivering = false;
    });
    // the sync job: page through the install's events from where it stopped, again and again
    const seen: string[] = [];
    const ours = new Set<string>();
    const sessionSids = new Set(attempts.map((a) => a.sessionSid));
    for (let quiet = 0; quiet < 2;) {
      const wasDelivering = delivering;
      const res = await call<Page<Event>>(
        s.origin,
        'GET',
        `${install}/reports/examSessionEvents?offset=${offset}&limit=4`,
        { token },
      );
      assert.equal(res.status, 200);
      for (const e of res.body.results) {
        seen.push(e.sid);
        if (sessionSids.has(e.sessionSid)) ours.add(e.evidenceId);
      }
      offset += res.body.count;
      // done once a full pass found nothing new after the deliveries ended
      if (!res.body.count && !wasDelivering) quiet++;
    }
    await deliver;
    assert.equal(new Set(seen).size, seen.length, 'no event read twice');
    assert.equal(delivered.length, 3 * 12 * 3);
    assert.deepEqual([...ours].sort(), [...delivered].sort(), 'every event read');
  });

  it('lets a poll loop see the session end in SmarterProctoring’s own terms', async () => {
    const { attempt, sessionSid, records } = await attemptWith(0);
    const path = `${exam}/sessions/${sessionSid}`;
    const first = await call<Session>(s.origin, 'GET', path, { token });
    assert.equal(first.body.status, 'Scheduled');
    assert.equal(first.body.reviewRequired, false);
    // the exam runs in the background: evidence (no exam_started status is ever sent), then finish
    const running = (async () => {
      await sleep(50);
      for (let i = 0; i < 5; i++) {
        records.push(record(attempt));
        await ingest(attempt, 'POST', '/evidence', { records: records.slice(-1) });
        await sleep(20);
      }
      await ingest(attempt, 'PUT', '/status', { status: 'exam_finished' });
      await sleep(50);
      await ingest(attempt, 'POST', '/finish', { finishedAt: T0 + 3_600_000, trustScore: 100, counts: {} });
    })();
    // the guide's poll: until the session is closed or cancelled
    const statuses: string[] = [];
    let session: Session;
    for (;;) {
      const res = await call<Session>(s.origin, 'GET', path, { token });
      assert.equal(res.status, 200);
      session = res.body;
      if (statuses.at(-1) !== session.status) statuses.push(session.status);
      assert.equal(typeof session.reviewRequired, 'boolean');
      if (['Closed', 'Cancelled'].includes(session.status)) break;
      await sleep(10);
    }
    await running;
    assert.equal(statuses.at(-1), 'Closed');
    assert.ok(statuses.includes('In Progress'), statuses.join(' → '));
    // every status seen is one of SmarterProctoring's
    for (const st of statuses) assert.ok(['Scheduled', 'In Progress', 'Processing', 'Closed'].includes(st), st);
    assert.equal(session.sessionStatus, 'exam_finished');
    assert.equal(typeof session.trustScore, 'number');
    assert.ok(session.closedDate);
    // started from the evidence, without an exam_started status; duration up to the finish
    assert.equal(session.inProgressDate, new Date(records[0].startedAt).toISOString());
    assert.equal(session.duration, Math.round((T0 + 3_600_000 - records[0].startedAt) / 1000));
    assert.equal(session.exam?.sid, s.demo.examSid);
    // the same, as a list filter
    const closed = await guideLoop<Session>(`${exam}/sessions`, 'status=Closed&limit=100');
    assert.ok(closed.some((x) => x.sid === sessionSid));
    assert.ok(closed.every((x) => x.status === 'Closed'));
    const open = await guideLoop<Session>(`${exam}/sessions`, 'status=Scheduled,In%20Progress&limit=100');
    assert.ok(!open.some((x) => x.sid === sessionSid));
    // arrays as axios / qs / PHP send them (found by a new user: status[]=Closed was dropped as an
    // unknown parameter and every session came back), each applied like the plain name
    for (const query of ['status[]=Closed', 'status%5B%5D=Closed', 'status[0]=Closed&status[1]=Cancelled']) {
      const list = await guideLoop<Session>(`${exam}/sessions`, `${query}&limit=100`);
      assert.ok(
        list.some((x) => x.sid === sessionSid),
        query,
      );
      assert.ok(
        list.every((x) => x.status === 'Closed' || x.status === 'Cancelled'),
        `${query}: ${list.map((x) => x.status).join()}`,
      );
    }
    const badArray = await call<{ code: string; message: string }>(s.origin, 'GET', `${exam}/sessions?status[]=soon`, {
      token,
    });
    assert.equal(badArray.status, 400);
    assert.match(badArray.body.message, /querystring\/status/);
  });

  it('cancels a registered candidate’s session when the exam closes before it started', async () => {
    const created = await call<{ sid: string; token: string }>(s.origin, 'POST', '/v1/installs', {
      token: ADMIN,
      body: { name: 'Cancel school' },
    });
    const t = created.body.token;
    const base = `/v1/installs/${created.body.sid}/exams`;
    const ex = await call<{ sid: string }>(s.origin, 'POST', base, {
      token: t,
      body: { name: 'Exam', instructions: 'Go' },
    });
    const reg = await call<{ sessionSid: string }>(s.origin, 'POST', `${base}/${ex.body.sid}/sessions`, {
      token: t,
      body: { testAttemptId: 'late-1', email: 'late@example.org' },
    });
    const path = `${base}/${ex.body.sid}/sessions/${reg.body.sessionSid}`;
    assert.equal((await call<Session>(s.origin, 'GET', path, { token: t })).body.status, 'Scheduled');
    await call(s.origin, 'POST', `${base}/${ex.body.sid}/close`, { token: t });
    const after = await call<Session & { statusReason: string }>(s.origin, 'GET', path, { token: t });
    assert.equal(after.body.status, 'Cancelled');
    assert.match(after.body.statusReason, /closed before/);
    assert.equal(after.body.sessionStatus, 'registered');
  });

  it("serves the volume reports at SmarterProctoring's paths, with their parameters (ours stay as aliases)", async () => {
    const created = await call<{ sid: string; token: string }>(s.origin, 'POST', '/v1/installs', {
      token: ADMIN,
      body: { name: 'Volume school' },
    });
    const t = created.body.token;
    const root = `/v1/installs/${created.body.sid}`;
    const newExam = async (body: Record<string, unknown>) =>
      (await call<{ sid: string }>(s.origin, 'POST', `${root}/exams`, { token: t, body })).body.sid;
    const active = await newExam({ name: 'Active', instructions: 'Go' });
    const past = await newExam({ name: 'Past', instructions: 'Go' });
    const upcoming = await newExam({ name: 'Upcoming' });
    await call(s.origin, 'POST', `${root}/exams/${past}/close`, { token: t });
    const client = await call<{ clientId: string; clientSecret: string }>(s.origin, 'POST', `${root}/clients`, {
      token: t,
      body: { examSid: active },
    });
    for (let i = 0; i < 3; i++) {
      const a = newAttempt(client.body.clientId, client.body.clientSecret);
      assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
    }
    const get = async <T>(path: string) => {
      const res = await call<Page<T>>(s.origin, 'GET', path, { token: t });
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      return res.body;
    };
    interface ExamRow {
      examSid: string;
      status: string;
      totalSessions: number;
      examOpenDate: string | null;
    }
    const volume = await get<ExamRow>(`${root}/examVolume`);
    assert.deepEqual(
      volume.results.map((r) => [r.examSid, r.status, r.totalSessions]),
      [
        [active, 'active', 3],
        [past, 'past', 0],
        [upcoming, 'upcoming', 0],
      ],
    );
    assert.equal(volume.results[2].examOpenDate, null);
    // our path is an alias: the same answer
    assert.deepEqual((await get<ExamRow>(`${root}/reports/examVolume`)).results, volume.results);
    assert.deepEqual(
      (await get<ExamRow>(`${root}/examVolume?status=past&status=upcoming`)).results.map((r) => r.examSid),
      [past, upcoming],
    );
    assert.deepEqual(
      (await get<ExamRow>(`${root}/examVolume?status=active,past`)).results.map((r) => r.examSid),
      [active, past],
    );
    assert.equal((await get(`${root}/examVolume?examOpenDate=2099-01-01T00:00:00Z`)).total, 0);
    assert.equal((await get(`${root}/examVolume?startDate=2099-01-01T00:00:00Z`)).results.length, 3);
    const weekly = await get<{ totalSessions: number; exams: number; period: string }>(
      `${root}/examVolume?groupBy=week`,
    );
    assert.equal(weekly.total, 1);
    assert.deepEqual([weekly.results[0].totalSessions, weekly.results[0].exams], [3, 1]);
    assert.match(weekly.results[0].period, /^\d{4}-W\d{2}$/);
    // exams by week: by the exam's open date (the draft has none), each exam listed
    const byWeek = await get<{ week: string; exams: number; sessions: number; examList: { examSid: string }[] }>(
      `${root}/examsByWeek`,
    );
    assert.equal(byWeek.total, 1);
    assert.equal(byWeek.results[0].exams, 2);
    assert.equal(byWeek.results[0].sessions, 3);
    assert.deepEqual(byWeek.results[0].examList.map((e) => e.examSid).sort(), [active, past].sort());
    assert.deepEqual((await get(`${root}/reports/examsByWeek`)).results, byWeek.results);
    assert.equal((await get(`${root}/examsByWeek?groupBy=month`)).total, 1);
    assert.equal((await get(`${root}/examsByWeek?endDate=2000-01-01T00:00:00Z`)).total, 0);
    // the guide's loop over them
    for (const path of [`${root}/examVolume`, `${root}/examsByWeek`, `${root}/reports/examVolume`]) {
      const all = await get<Record<string, unknown>>(path);
      for (const params of ['limit=0', 'limit=1', 'limit=1&sortOrder=DESC&unknown=1'])
        assert.equal((await guideLoop(path, params, t)).length, all.total, `${path}?${params}`);
    }
    for (const [query, name] of [
      ['groupBy=year', 'querystring/groupBy'],
      ['status=soon', 'querystring/status'],
      ['examOpenDate=tomorrow', 'querystring/examOpenDate'],
    ]) {
      const res = await call<{ message: string }>(s.origin, 'GET', `${root}/examVolume?${query}`, { token: t });
      assert.equal(res.status, 400, query);
      assert.ok(res.body.message.includes(name), res.body.message);
    }
  });
});
