import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { attemptHeaders, backend, call, newAttempt, startServer, type Attempt, type Harness } from './harness.js';

let s: Harness;
let token: string;
let base: string; // /v1/installs/{installSid}/exams/{examSid}

before(async () => {
  s = await startServer({ photoLimit: 8 * 1024, ratePerSecond: 1000 });
  token = s.demo.token;
  base = `/v1/installs/${s.demo.installSid}/exams/${s.demo.examSid}`;
});
after(() => s.close());

interface List<T = Record<string, unknown>> {
  total: number;
  count: number;
  offset: number;
  limit: number;
  first: string;
  next: string | null;
  prev: string | null;
  last: string;
  results: T[];
}
interface Event {
  sid: string;
  seq: number;
  type: string;
  code: number;
  hasPhoto: boolean;
  photoPending: boolean;
  photoUrl: string | null;
  sessionSid: string;
  startedDate: string;
  durationMs: number | null;
}
const T0 = Date.parse('2026-11-20T10:00:00Z');
const record = (a: Attempt, seq: number, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  attemptId: a.testAttemptId,
  seq,
  code: seq % 2 ? 5005 : 5006,
  type: seq % 2 ? 'tab_switch' : 'returned_to_test',
  startedAt: T0 + seq * 1000,
  ...(seq % 2 ? { endedAt: T0 + seq * 1000 + 500, durationMs: 500 } : {}),
  ...extra,
});
const ingest = (a: Attempt, method: string, path: string, body?: unknown) =>
  call(s.origin, method, `/api/v1/attempts/${a.testAttemptId}${path}`, { body, headers: attemptHeaders(a) });

/** A finished session with `n` records through the real ingest API; answers its SID and records. */
async function finishedSession(n: number, extra: (seq: number) => Record<string, unknown> = () => ({})) {
  const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
  const created = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: a });
  assert.equal(created.status, 201);
  await ingest(a, 'PUT', '/status', { status: 'after_check_req' });
  await ingest(a, 'PUT', '/status', { status: 'exam_started' });
  const records = Array.from({ length: n }, (_, i) => record(a, i + 1, extra(i + 1)));
  for (let i = 0; i < records.length; i += 10)
    assert.equal((await ingest(a, 'POST', '/evidence', { records: records.slice(i, i + 10) })).status, 200);
  const fin = await ingest(a, 'POST', '/finish', { finishedAt: Date.now(), trustScore: 71, counts: { tab_switch: 1 } });
  assert.equal(fin.status, 200);
  return { attempt: a, sessionSid: created.body.sessionSid, records };
}

/** The SmarterProctoring guide's loop: follow `next` until there is none. */
async function walk<T>(first: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let url: string | null = first;
  let pages = 0;
  while (url) {
    const res: { status: number; body: List<T> } = await call<List<T>>(s.origin, 'GET', url, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    items.push(...res.body.results);
    assert.equal(res.body.count, res.body.results.length);
    url = res.body.next;
    pages++;
    assert.ok(pages < 100, 'runaway pagination');
  }
  return { items, pages };
}

describe(`reporting API (${backend})`, () => {
  it('wants the token header: 401 without or with a bad one, 403 for another install, 400 for a malformed SID', async () => {
    const { sessionSid } = await finishedSession(1);
    const path = `${base}/sessions/${sessionSid}`;
    for (const [t, status, code] of [
      [undefined, 401, 'unauthenticated'],
      ['not-a-token', 401, 'unauthenticated'],
    ] as const) {
      const res = await call(s.origin, 'GET', path, { token: t });
      assert.equal(res.status, status);
      assert.deepEqual(Object.keys(res.body), ['code', 'message']);
      assert.equal(res.body.code, code);
    }
    const other = `/v1/installs/AI${'0'.repeat(32)}/exams/${s.demo.examSid}/sessions/${sessionSid}`;
    assert.equal((await call(s.origin, 'GET', other, { token })).status, 403);
    const bad = await call<{ code: string; message: string }>(s.origin, 'GET', `${base}/sessions/ES123`, { token });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /params\/sessionSid must match pattern/);
    const unknown = await call(s.origin, 'GET', `${base}/sessions/ES${'f'.repeat(32)}`, { token });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'unknown_session');
  });

  it('gives the session details in SmarterProctoring shape, filled from what the exam page sent', async () => {
    // three people-in-view records of a minute each: 3 × 8 + 3 min × 8 = 48 points off
    const { sessionSid, attempt } = await finishedSession(3, (seq) => ({
      code: 5002,
      type: 'multiple_people',
      endedAt: T0 + seq * 1000 + 60_000,
      durationMs: 60_000,
    }));
    const res = await call(s.origin, 'GET', `${base}/sessions/${sessionSid}`, { token });
    assert.equal(res.status, 200);
    const d = res.body;
    assert.equal(d.sid, sessionSid);
    assert.equal(d.installSid, s.demo.installSid);
    assert.equal(d.examSid, s.demo.examSid);
    assert.equal(d.status, 'exam_finished');
    assert.equal(d.sessionReportCount, 3);
    assert.equal(d.reviewed, false);
    assert.equal(d.reviewCompletedDate, null);
    assert.equal(d.reviewRequired, true); // 52 < 85
    assert.equal(d.trustScore, 52); // the server's verdict
    assert.equal(d.clientTrustScore, 71); // what the page said: advisory
    assert.deepEqual(d.counts, { multiple_people: 3 });
    assert.equal(d.reviewStatus, 'unreviewed');
    assert.equal(d.reviewCode, '00');
    assert.equal(d.testAttemptId, attempt.testAttemptId);
    assert.equal(typeof d.duration, 'number');
    for (const key of ['createdDate', 'inProgressDate', 'recordingStartDate', 'systemCheckEndDate', 'editDate'])
      assert.ok(!Number.isNaN(Date.parse(String(d[key]))), `${key}: ${String(d[key])}`);
    for (const key of ['enrollmentSid', 'userSid', 'appointmentDate', 'accessKey', 'examLocale'])
      assert.equal(d[key], null, key);
  });

  it('lists event reports page by page: following `next` and stepping offsets both see every record once', async () => {
    const { sessionSid, records } = await finishedSession(23);
    const first = `${base}/sessions/${sessionSid}/events?limit=5`;
    const { items, pages } = await walk<Event>(first);
    assert.equal(pages, 5);
    assert.deepEqual(
      items.map((e) => e.seq),
      records.map((r) => r.seq),
    );
    assert.equal(new Set(items.map((e) => e.sid)).size, 23);
    assert.ok(items.every((e) => /^ER[0-9a-f]{32}$/.test(e.sid)));
    // offset loop, newest first
    const seen: number[] = [];
    for (let offset = 0, total = Infinity; offset < total; offset += 7) {
      const res = await call<List<Event>>(
        s.origin,
        'GET',
        `${base}/sessions/${sessionSid}/events?offset=${offset}&limit=7&sortKeys=seq&sortOrder=DESC`,
        { token },
      );
      total = res.body.total;
      assert.equal(total, 23);
      seen.push(...res.body.results.map((e) => e.seq));
    }
    assert.deepEqual(seen, records.map((r) => r.seq).reverse());
  });

  it('filters event reports by type and time, and refuses bad queries with 400 naming the parameter', async () => {
    const { sessionSid } = await finishedSession(10);
    const path = `${base}/sessions/${sessionSid}/events`;
    const tabs = await call<List<Event>>(s.origin, 'GET', `${path}?types=tab_switch`, { token });
    assert.equal(tabs.body.total, 5);
    assert.ok(tabs.body.results.every((e) => e.type === 'tab_switch' && e.code === 5005));
    const from = new Date(T0 + 3000).toISOString();
    const to = new Date(T0 + 6000).toISOString();
    const window = await call<List<Event>>(
      s.origin,
      'GET',
      `${path}?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { token },
    );
    assert.deepEqual(
      window.body.results.map((e) => e.seq),
      [3, 4, 5],
    );
    for (const [query, text] of [
      ['types=cheating', 'querystring/types'],
      ['limit=501', 'querystring/limit'],
      ['limit=abc', 'querystring/limit'],
      ['offset=-1', 'querystring/offset'],
      ['from=yesterday', 'querystring/from'],
      ['sortKeys=colour', 'querystring/sortKeys'],
      ['sortOrder=sideways', 'querystring/sortOrder'],
      ['colour=red', 'must NOT have additional properties'],
    ]) {
      const res = await call<{ code: string; message: string }>(s.origin, 'GET', `${path}?${query}`, { token });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.code, 'invalid_request');
      assert.ok(res.body.message.includes(text), `${query}: ${res.body.message}`);
    }
  });

  it('serves an event report and its photo, inline or uploaded (size-limited, typed)', async () => {
    const jpeg = readFileSync(new URL('./fixtures/face.jpg', import.meta.url));
    const inline = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    const { sessionSid, records, attempt } = await finishedSession(2, (seq) =>
      seq === 1 ? { code: 5003, type: 'random_photo', photo: inline } : { photoPending: true },
    );
    const list = await call<List<Event>>(s.origin, 'GET', `${base}/sessions/${sessionSid}/events`, { token });
    const [photoEvent, plain] = list.body.results;
    assert.equal(photoEvent.hasPhoto, true);
    assert.equal(photoEvent.photoPending, false);
    assert.equal(plain.photoPending, true);
    const detail = await call<Event>(s.origin, 'GET', `${base}/sessions/${sessionSid}/events/${photoEvent.sid}`, {
      token,
    });
    assert.equal(detail.body.type, 'random_photo');
    const img = await fetch(s.origin + photoEvent.photoUrl!, { headers: { token } });
    assert.equal(img.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), jpeg);
    assert.equal(plain.photoUrl, null);
    // the photo endpoint: raw bytes for the second record
    const put = (body: Buffer, type = 'image/jpeg') =>
      fetch(`${s.origin}/api/v1/attempts/${attempt.testAttemptId}/photos/${records[1].id}`, {
        method: 'PUT',
        headers: { ...attemptHeaders(attempt), 'content-type': type },
        body,
      });
    const big = await put(Buffer.concat([jpeg, Buffer.alloc(8 * 1024)]));
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { code: string }).code, 'payload_too_large');
    assert.equal((await put(jpeg, 'image/gif')).status, 415);
    const notJpeg = await put(Buffer.from('hello, not a photo'));
    assert.equal(notJpeg.status, 400);
    assert.equal(((await notJpeg.json()) as { code: string }).code, 'invalid_photo');
    // after finish, still accepted: the record announced it before finish
    const ok = await put(jpeg);
    assert.equal(ok.status, 201);
    const again = await call<List<Event>>(s.origin, 'GET', `${base}/sessions/${sessionSid}/events`, { token });
    assert.equal(again.body.results[1].hasPhoto, true);
    assert.equal(again.body.results[1].photoPending, false);
    const second = await fetch(s.origin + again.body.results[1].photoUrl!, { headers: { token } });
    assert.deepEqual(Buffer.from(await second.arrayBuffer()), jpeg);
    const missing = await call(s.origin, 'GET', `${base}/sessions/${sessionSid}/events/ER${'0'.repeat(32)}`, {
      token,
    });
    assert.equal(missing.status, 404);
  });

  it('creates, lists and shows annotations; refuses empty text and unknown event reports', async () => {
    const { sessionSid } = await finishedSession(2);
    const path = `${base}/sessions/${sessionSid}/annotations`;
    const events = await call<List<Event>>(s.origin, 'GET', `${base}/sessions/${sessionSid}/events`, { token });
    const created = [];
    for (let i = 0; i < 7; i++) {
      const res = await call<{ sid: string; type: string; eventReportSid: string | null }>(s.origin, 'POST', path, {
        token,
        body: {
          text: `note ${i}`,
          author: 'reviewer@example.org',
          ...(i === 0 ? { type: 'incident', eventReportSid: events.body.results[0].sid, offsetMs: 1000 } : {}),
        },
      });
      assert.equal(res.status, 201);
      assert.match(res.body.sid, /^AN[0-9a-f]{32}$/);
      created.push(res.body);
    }
    assert.equal(created[0].type, 'incident');
    assert.equal(created[1].type, 'note');
    const { items } = await walk<{ sid: string; text: string }>(`${path}?limit=3`);
    assert.deepEqual(
      items.map((a) => a.text),
      created.map((_, i) => `note ${i}`),
    );
    const one = await call<{ text: string; eventReportSid: string }>(s.origin, 'GET', `${path}/${created[0].sid}`, {
      token,
    });
    assert.equal(one.body.text, 'note 0');
    assert.equal(one.body.eventReportSid, events.body.results[0].sid);
    assert.equal((await call(s.origin, 'POST', path, { token, body: { text: '' } })).status, 400);
    const ghost = await call(s.origin, 'POST', path, {
      token,
      body: { text: 'x', eventReportSid: `ER${'1'.repeat(32)}` },
    });
    assert.equal(ghost.status, 404);
    assert.equal((await call(s.origin, 'GET', `${path}/AN${'2'.repeat(32)}`, { token })).status, 404);
    const details = await call(s.origin, 'GET', `${base}/sessions/${sessionSid}`, { token });
    assert.equal(details.body.annotationCount, 7);
  });

  it('sets the review status by value or by code, stamping reviewCompletedDate for reviewed ones', async () => {
    const { sessionSid } = await finishedSession(1);
    const path = `${base}/sessions/${sessionSid}/review`;
    const red = await call(s.origin, 'PUT', path, { token, body: { status: 'is_reviewed_red' } });
    assert.deepEqual(red.body, { status: 'is_reviewed_red', code: '010', reviewed: true });
    let d = (await call(s.origin, 'GET', `${base}/sessions/${sessionSid}`, { token })).body;
    assert.equal(d.reviewed, true);
    assert.ok(d.reviewCompletedDate);
    const inReview = await call(s.origin, 'PUT', path, { token, body: { code: '01' } });
    assert.deepEqual(inReview.body, { status: 'in_review', code: '01', reviewed: false });
    d = (await call(s.origin, 'GET', `${base}/sessions/${sessionSid}`, { token })).body;
    assert.equal(d.reviewCompletedDate, null);
    for (const body of [{ status: 'guilty' }, { code: '999' }, {}, { status: 'in_review', code: '000' }])
      assert.equal((await call(s.origin, 'PUT', path, { token, body })).status, 400, JSON.stringify(body));
  });

  it('reports the install: every session event (paged), exam volume and exams by week', async () => {
    const before = await call<List>(
      s.origin,
      'GET',
      `/v1/installs/${s.demo.installSid}/reports/examSessionEvents?limit=1`,
      {
        token,
      },
    );
    const a = await finishedSession(4);
    const b = await finishedSession(3);
    const { items } = await walk<Event>(
      `/v1/installs/${s.demo.installSid}/reports/examSessionEvents?limit=4&examSid=${s.demo.examSid}`,
    );
    assert.equal(items.length, before.body.total + 7);
    const ours = items.filter((e) => e.sessionSid === a.sessionSid || e.sessionSid === b.sessionSid);
    assert.equal(ours.length, 7);
    const volume = await call<
      List<{
        examSid: string;
        totalSessions: number;
        finishedSessions: number;
        averageTrustScore: number;
        sessionsByStatus: Record<string, number>;
      }>
    >(s.origin, 'GET', `/v1/installs/${s.demo.installSid}/reports/examVolume`, { token });
    const demoExam = volume.body.results.find((x) => x.examSid === s.demo.examSid)!;
    assert.ok(demoExam.totalSessions >= 2);
    assert.equal(demoExam.sessionsByStatus.exam_finished, demoExam.finishedSessions);
    const sessions = await walk<{ trustScore: number | null }>(`${base}/sessions?limit=100`);
    const scores = sessions.items.map((x) => x.trustScore).filter((x): x is number => x !== null);
    assert.equal(demoExam.averageTrustScore, Math.round(scores.reduce((t, x) => t + x, 0) / scores.length));
    const weeks = await call<List<{ week: string; weekStartDate: string; sessions: number; exams: number }>>(
      s.origin,
      'GET',
      `/v1/installs/${s.demo.installSid}/reports/examsByWeek`,
      { token },
    );
    assert.equal(weeks.body.total, 1);
    const [week] = weeks.body.results;
    assert.match(week.week, /^\d{4}-W\d{2}$/);
    assert.equal(new Date(`${week.weekStartDate}T00:00:00Z`).getUTCDay(), 1); // a Monday
    assert.equal(week.exams, 1);
    assert.equal(week.sessions, demoExam.totalSessions);
    const future = await call<List>(
      s.origin,
      'GET',
      `/v1/installs/${s.demo.installSid}/reports/examsByWeek?from=${encodeURIComponent('2099-01-01T00:00:00Z')}`,
      { token },
    );
    assert.equal(future.body.total, 0);
  });

  it('documents every route in the generated OpenAPI document', async () => {
    const doc = await call<{ paths: Record<string, Record<string, unknown>> }>(s.origin, 'GET', '/openapi.json');
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      '/api/v1/attempts',
      '/api/v1/attempts/{testAttemptId}/evidence',
      '/api/v1/attempts/{testAttemptId}/photos/{evidenceId}',
      '/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}',
      '/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}/events/{eventReportSid}',
      '/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}/annotations/{annotationSid}',
      '/v1/installs/{installSid}/reports/examSessionEvents',
      '/v1/installs/{installSid}/reports/examVolume',
      '/v1/installs/{installSid}/reports/examsByWeek',
      '/v1/exams/{examSid}/send_emails',
    ])
      assert.ok(paths.includes(p), p);
    assert.ok(!paths.includes('/*'));
  });
});
