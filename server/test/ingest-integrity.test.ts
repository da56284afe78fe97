// Issue 12, the server's half: evidence ids scoped per session, photos apart from records (only
// for the attempt's own evidence), open records completed later, the server's own verdict with an
// idempotent finish, the same limits at every step, Base64 or hex HMAC, {code, message} on every 4xx.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.js';
import { migrate } from '../src/db.js';
import { seedDemo } from '../src/seed.js';
import { tokenHash } from '../src/ids.js';
import {
  attemptHeaders,
  backend,
  call,
  newAttempt,
  openTestDb,
  startServer,
  type Attempt,
  type Harness,
} from './harness.js';

const ADMIN = 'admin-token-for-tests';
let s: Harness;
let base: string; // reporting: /v1/installs/{installSid}/exams/{examSid}
const jpeg = readFileSync(new URL('./fixtures/face.jpg', import.meta.url));
const T0 = Date.parse('2026-11-20T10:00:00Z');

before(async () => {
  s = await startServer({ ratePerSecond: 1000, adminToken: ADMIN });
  base = `/v1/installs/${s.demo.installSid}/exams/${s.demo.examSid}`;
});
after(() => s.close());

interface ErrorBody {
  code: string;
  message: string;
}
interface Event {
  sid: string;
  evidenceId: string;
  type: string;
  endedDate: string | null;
  durationMs: number | null;
  data: Record<string, unknown> | null;
  hasPhoto: boolean;
  photoPending: boolean;
  photoUrl: string | null;
}
interface Finish {
  sessionSid: string;
  trustScore: number;
  reviewRequired: boolean;
  counts: Record<string, number>;
  clientTrustScore: number | null;
  alreadyFinished: boolean;
}

const path = (a: Attempt, rest = '') => `/api/v1/attempts/${encodeURIComponent(a.testAttemptId)}${rest}`;
const ingest = <T = Record<string, unknown>>(a: Attempt, method: string, rest: string, body?: unknown) =>
  call<T>(s.origin, method, path(a, rest), { body, headers: attemptHeaders(a) });
const putPhoto = async (a: Attempt, evidenceId: string, body: Buffer = jpeg, contentType = 'image/jpeg') => {
  const res = await fetch(s.origin + path(a, `/photos/${evidenceId}`), {
    method: 'PUT',
    headers: { ...attemptHeaders(a), 'content-type': contentType },
    body,
  });
  return { status: res.status, body: (await res.json()) as { stored?: boolean; bytes?: number } & Partial<ErrorBody> };
};
const create = async (a: Attempt) => {
  const res = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: a });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.sessionSid;
};
let seq = 0;
const record = (a: Attempt, extra: Record<string, unknown> = {}) => {
  seq++;
  return {
    id: randomUUID(),
    attemptId: a.testAttemptId,
    seq,
    code: 5005,
    type: 'tab_switch',
    startedAt: T0 + seq * 1000,
    endedAt: T0 + seq * 1000 + 2000,
    durationMs: 2000,
    ...extra,
  };
};
const events = async (sessionSid: string, reporting = base, token = s.demo.token) => {
  const res = await call<{ results: Event[] }>(
    s.origin,
    'GET',
    `${reporting}/sessions/${sessionSid}/events?limit=500`,
    {
      token,
    },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.results;
};
const details = async (sessionSid: string) =>
  (await call<Record<string, unknown>>(s.origin, 'GET', `${base}/sessions/${sessionSid}`, { token: s.demo.token }))
    .body;

/** A second install with an open exam and a client, set up over the admin API. */
async function otherInstall() {
  const install = await call<{ sid: string; token: string }>(s.origin, 'POST', '/v1/installs', {
    token: ADMIN,
    body: { name: 'Other school' },
  });
  assert.equal(install.status, 201);
  const exam = await call<{ sid: string }>(s.origin, 'POST', `/v1/installs/${install.body.sid}/exams`, {
    token: install.body.token,
    body: { name: 'Other exam', instructions: 'Work alone.' },
  });
  const client = await call<{ clientId: string; clientSecret: string }>(
    s.origin,
    'POST',
    `/v1/installs/${install.body.sid}/clients`,
    { token: install.body.token, body: { examSid: exam.body.sid } },
  );
  return {
    token: install.body.token,
    base: `/v1/installs/${install.body.sid}/exams/${exam.body.sid}`,
    attempt: (id?: string) => newAttempt(client.body.clientId, client.body.clientSecret, id),
  };
}

describe(`ingest integrity (${backend})`, () => {
  it('keeps records of two installs that use the same evidence id, each with its own event report SID', async () => {
    const other = await otherInstall();
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const b = other.attempt();
    const sa = await create(a);
    const sb = await create(b);
    const id = randomUUID();
    const ra = { ...record(a, { code: 5001, type: 'no_face' }), id };
    const rb = { ...record(b), id };
    assert.deepEqual((await ingest(a, 'POST', '/evidence', { records: [ra] })).body, { accepted: 1, duplicates: 0 });
    assert.deepEqual((await ingest(b, 'POST', '/evidence', { records: [rb] })).body, { accepted: 1, duplicates: 0 });
    // and within one attempt it stays idempotent
    assert.deepEqual((await ingest(b, 'POST', '/evidence', { records: [rb] })).body, { accepted: 0, duplicates: 1 });
    const [ea] = await events(sa);
    const [eb] = await events(sb, other.base, other.token);
    assert.equal(ea.evidenceId, id);
    assert.equal(eb.evidenceId, id);
    assert.equal(ea.type, 'no_face');
    assert.equal(eb.type, 'tab_switch');
    assert.notEqual(ea.sid, eb.sid);
    // each SID leads to its own record
    const one = await call<Event>(s.origin, 'GET', `${other.base}/sessions/${sb}/events/${eb.sid}`, {
      token: other.token,
    });
    assert.equal(one.body.type, 'tab_switch');
  });

  it("refuses a photo for another install's evidence and for evidence that does not exist (404 unknown_evidence)", async () => {
    const other = await otherInstall();
    const victim = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const victimSid = await create(victim);
    const r = record(victim, { code: 5003, type: 'random_photo', photoPending: true });
    assert.equal((await ingest(victim, 'POST', '/evidence', { records: [r] })).status, 200);
    const attacker = other.attempt();
    await create(attacker);
    const forged = await putPhoto(attacker, r.id, Buffer.concat([jpeg, Buffer.from('forged')]));
    assert.equal(forged.status, 404);
    assert.deepEqual(Object.keys(forged.body), ['code', 'message']);
    assert.equal(forged.body.code, 'unknown_evidence');
    // another attempt of the same install is refused alike
    const sibling = newAttempt(s.demo.clientId, s.demo.clientSecret);
    await create(sibling);
    assert.equal((await putPhoto(sibling, r.id)).body.code, 'unknown_evidence');
    assert.equal((await putPhoto(victim, randomUUID())).body.code, 'unknown_evidence');
    // the reviewer still sees the photo pending, then the victim's own photo once it lands
    const [pending] = await events(victimSid);
    assert.equal(pending.photoPending, true);
    assert.equal(pending.photoUrl, null);
    assert.equal((await putPhoto(victim, r.id)).status, 201);
    const [landed] = await events(victimSid);
    const img = await fetch(s.origin + landed.photoUrl!, { headers: { token: s.demo.token } });
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), jpeg);
  });

  it('shows a pending photo as pending through the reporting API, then the photo once it lands; a repeat stores nothing', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const sessionSid = await create(a);
    const r = record(a, { code: 5001, type: 'no_face', photoPending: true });
    assert.equal((await ingest(a, 'POST', '/evidence', { records: [r] })).status, 200);
    const [before] = await events(sessionSid);
    assert.deepEqual([before.hasPhoto, before.photoPending, before.photoUrl], [false, true, null]);
    const early = await call<ErrorBody>(s.origin, 'GET', `${base}/sessions/${sessionSid}/events/${before.sid}/photo`, {
      token: s.demo.token,
    });
    assert.equal(early.status, 404);
    assert.equal(early.body.code, 'photo_pending');
    assert.equal((await details(sessionSid)).photoCount, 0);

    // found by a new user: IMAGE/JPEG was 415 (media types are case-insensitive, RFC 9110 8.3.1)
    const first = await putPhoto(a, r.id, jpeg, 'IMAGE/JPEG; charset=binary');
    assert.deepEqual(
      [first.status, first.body.stored, first.body.bytes],
      [201, true, jpeg.length],
      JSON.stringify(first.body),
    );
    const repeat = await putPhoto(a, r.id, Buffer.concat([jpeg, Buffer.from('other bytes')]));
    assert.deepEqual([repeat.status, repeat.body.stored], [200, false]);

    const [after] = await events(sessionSid);
    assert.deepEqual([after.hasPhoto, after.photoPending], [true, false]);
    const img = await fetch(s.origin + after.photoUrl!, { headers: { token: s.demo.token } });
    assert.equal(img.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), jpeg); // the first photo, not the repeat
    assert.equal((await details(sessionSid)).photoCount, 1);
    // an inline photo (older clients) still works, and a record cannot claim both
    const dataUrl = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    const inline = record(a, { code: 5003, type: 'random_photo', photo: dataUrl });
    assert.equal((await ingest(a, 'POST', '/evidence', { records: [inline] })).status, 200);
    assert.deepEqual((await putPhoto(a, inline.id)).body, { stored: false, bytes: jpeg.length });
    const both = await ingest<ErrorBody>(a, 'POST', '/evidence', {
      records: [{ ...record(a), photo: dataUrl, photoPending: true }],
    });
    assert.equal(both.status, 400);
    assert.match(both.body.message, /photoPending/);
  });

  it('completes a record sent open with its later end; a further replay is a duplicate', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const sessionSid = await create(a);
    const open = record(a, { code: 5100, type: 'fullscreen_exit', data: { phase: 'begun' } });
    delete (open as Partial<typeof open>).endedAt;
    delete (open as Partial<typeof open>).durationMs;
    assert.deepEqual((await ingest(a, 'POST', '/evidence', { records: [open] })).body, { accepted: 1, duplicates: 0 });
    // a replay of the open record changes nothing
    assert.deepEqual((await ingest(a, 'POST', '/evidence', { records: [open] })).body, { accepted: 0, duplicates: 1 });
    let [e] = await events(sessionSid);
    assert.deepEqual([e.endedDate, e.durationMs], [null, null]);

    const closed = { ...open, endedAt: open.startedAt + 30_000, durationMs: 30_000, data: { phase: 'ended' } };
    const other = record(a);
    assert.deepEqual((await ingest(a, 'POST', '/evidence', { records: [closed, other] })).body, {
      accepted: 2,
      duplicates: 0,
    });
    [e] = (await events(sessionSid)).filter((x) => x.evidenceId === open.id);
    assert.equal(e.durationMs, 30_000);
    assert.equal(e.endedDate, new Date(open.startedAt + 30_000).toISOString());
    assert.deepEqual(e.data, { phase: 'ended' });
    // once ended, a different end is a duplicate and changes nothing
    const later = { ...closed, endedAt: open.startedAt + 90_000, durationMs: 90_000 };
    assert.deepEqual((await ingest(a, 'POST', '/evidence', { records: [later] })).body, { accepted: 0, duplicates: 1 });
    [e] = (await events(sessionSid)).filter((x) => x.evidenceId === open.id);
    assert.equal(e.durationMs, 30_000);
  });

  it('computes the verdict itself: a replayed finish cannot turn a 20 into a 100, nor change the review', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const sessionSid = await create(a);
    // 5 × a minute with more people in view (capped at 60) + 5 tab switches of no time (20): 20
    const records = [
      ...Array.from({ length: 5 }, () =>
        record(a, { code: 5002, type: 'multiple_people', durationMs: 60_000, endedAt: T0 + 60_000 }),
      ),
      ...Array.from({ length: 5 }, () => record(a, { durationMs: 0 })),
    ];
    assert.equal((await ingest(a, 'POST', '/evidence', { records })).status, 200);
    // the page claims a perfect score: advisory only
    const first = await ingest<Finish>(a, 'POST', '/finish', { finishedAt: Date.now(), trustScore: 100, counts: {} });
    assert.equal(first.status, 200);
    assert.equal(first.body.trustScore, 20);
    assert.equal(first.body.reviewRequired, true);
    assert.deepEqual(first.body.counts, { multiple_people: 5, tab_switch: 5 });
    assert.equal(first.body.clientTrustScore, 100);
    assert.equal(first.body.alreadyFinished, false);
    // the reviewer starts
    const review = await call(s.origin, 'PUT', `${base}/sessions/${sessionSid}/review`, {
      token: s.demo.token,
      body: { status: 'is_reviewed_red' },
    });
    assert.equal(review.status, 200);
    // the replay after the exam: same answer, nothing changed
    const replay = await ingest<Finish>(a, 'POST', '/finish', {
      finishedAt: Date.now() + 60_000,
      trustScore: 100,
      counts: { tab_switch: 0 },
    });
    assert.equal(replay.status, 200);
    assert.deepEqual({ ...replay.body, alreadyFinished: false }, first.body);
    assert.equal(replay.body.alreadyFinished, true);
    const d = await details(sessionSid);
    assert.equal(d.trustScore, 20);
    assert.equal(d.reviewRequired, true);
    assert.equal(d.reviewStatus, 'is_reviewed_red');
    assert.equal(d.clientTrustScore, 100);
    assert.equal(d.sessionStatus, 'exam_finished');
    assert.equal(d.status, 'Closed');
  });

  it('a face missing for most of a short exam puts it in review, whatever the other figures', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const res = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', {
      body: { ...a, startedAt: T0 },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    // a 2-minute exam: never seen on camera after the first 10 s, and one tab switch
    const records = [
      record(a, { code: 5001, type: 'no_face', startedAt: T0 + 10_000, endedAt: T0 + 120_000, durationMs: 110_000 }),
      record(a),
    ];
    assert.equal((await ingest(a, 'POST', '/evidence', { records })).status, 200);
    const finish = await ingest<Finish>(a, 'POST', '/finish', { finishedAt: T0 + 120_000, trustScore: 90, counts: {} });
    assert.equal(finish.status, 200);
    // by weights alone: 100 − (3 + 4 × 1.83) − (4 + 4 × 0.03) ≈ 85, "no review needed"; the face rule caps it
    assert.equal(finish.body.trustScore, 84);
    assert.equal(finish.body.reviewRequired, true);
  });

  it('refuses new evidence after finish (409 attempt_finished) but completes records begun before it', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const sessionSid = await create(a);
    const stored = record(a);
    const open = record(a, { code: 5001, type: 'no_face', photoPending: true });
    delete (open as Partial<typeof open>).endedAt;
    delete (open as Partial<typeof open>).durationMs;
    assert.equal((await ingest(a, 'POST', '/evidence', { records: [stored, open] })).status, 200);
    const finishedAt = open.startedAt + 2 * 60_000; // the open no_face lasts until the finish: 3 + 2 × 4
    const fin = await ingest<Finish>(a, 'POST', '/finish', { finishedAt });
    assert.equal(fin.status, 200);
    const score = fin.body.trustScore;
    assert.equal(score, Math.max(0, Math.round(100 - (4 + (4 * 2) / 60) - (3 + 4 * 2))));

    const late = record(a);
    const refused = await ingest<ErrorBody>(a, 'POST', '/evidence', { records: [late] });
    assert.equal(refused.status, 409);
    assert.deepEqual(Object.keys(refused.body), ['code', 'message']);
    assert.equal(refused.body.code, 'attempt_finished');
    // a batch mixing a new record with a completion is refused whole
    const closed = { ...open, endedAt: open.startedAt + 5000, durationMs: 5000 };
    assert.equal((await ingest(a, 'POST', '/evidence', { records: [closed, late] })).status, 409);
    // replays are fine, and the completion of a record begun before finish is stored
    assert.deepEqual((await ingest(a, 'POST', '/evidence', { records: [stored] })).body, {
      accepted: 0,
      duplicates: 1,
    });
    assert.deepEqual((await ingest(a, 'POST', '/evidence', { records: [closed] })).body, {
      accepted: 1,
      duplicates: 0,
    });
    // and its pending photo too, while a photo for a record without photoPending is refused
    assert.equal((await putPhoto(a, open.id)).status, 201);
    const noPending = await putPhoto(a, stored.id);
    assert.equal(noPending.status, 409);
    assert.equal(noPending.body.code, 'attempt_finished');
    const list = await events(sessionSid);
    assert.equal(list.length, 2);
    const e = list.find((x) => x.evidenceId === open.id)!;
    assert.deepEqual([e.durationMs, e.hasPhoto, e.photoPending], [5000, true, false]);
    // the verdict stays what it was at finish
    const again = await ingest<Finish>(a, 'POST', '/finish', {});
    assert.equal(again.body.trustScore, score);
    assert.equal((await details(sessionSid)).trustScore, score);
  });

  it('accepts a 200-character attempt id with non-ASCII characters at every step, and refuses 201 alike', async () => {
    const id = Array.from('Prüfung-Ωμέγα-试卷-😀-ñ-'.repeat(20)).slice(0, 200).join('');
    assert.equal(Array.from(id).length, 200);
    assert.ok(encodeURIComponent(id).length > 100);
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret, id);
    const sessionSid = await create(a);
    const status = await ingest(a, 'PUT', '/status', { status: 'exam_started' });
    assert.equal(status.status, 200, JSON.stringify(status.body));
    const r = record(a, { code: 5003, type: 'random_photo', photoPending: true });
    const ev = await ingest(a, 'POST', '/evidence', { records: [r, record(a)] });
    assert.deepEqual([ev.status, ev.body], [200, { accepted: 2, duplicates: 0 }]);
    assert.equal((await putPhoto(a, r.id)).status, 201);
    // the beacon form, credentials in the query string
    const beacon = await call(
      s.origin,
      'POST',
      `${path(a, '/evidence')}?clientId=${a.clientId}&hash=${encodeURIComponent(a.hashedTestAttemptId)}`,
      { body: { records: [record(a)] } },
    );
    assert.equal(beacon.status, 200);
    const fin = await ingest<Finish>(a, 'POST', '/finish', { finishedAt: Date.now() });
    assert.equal(fin.status, 200);
    const d = await details(sessionSid);
    assert.equal(d.testAttemptId, id);
    assert.equal(d.sessionReportCount, 3);
    assert.equal(d.photoCount, 1);

    const tooLong = newAttempt(s.demo.clientId, s.demo.clientSecret, `${id}x`);
    const created = await call<ErrorBody>(s.origin, 'POST', '/api/v1/attempts', { body: tooLong });
    assert.equal(created.status, 400);
    assert.match(created.body.message, /testAttemptId must NOT have more than 200 characters/);
    const later = await ingest<ErrorBody>(tooLong, 'POST', '/evidence', { records: [record(tooLong)] });
    assert.equal(later.status, 400);
    assert.match(later.body.message, /params\/testAttemptId must NOT have more than 200 characters/);
  });

  it('accepts the hashed attempt id as Base64, base64url or hex; anything else is 403 naming the scheme', async () => {
    const plain = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const digest = createHmac('sha256', s.demo.clientSecret).update(plain.testAttemptId).digest();
    await create(plain); // Base64, as before
    for (const hash of [
      digest.toString('hex'),
      digest.toString('hex').toUpperCase(),
      digest.toString('base64url'),
      digest.toString('base64'),
    ]) {
      const a = { ...plain, hashedTestAttemptId: hash };
      assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201, hash);
      const ev = await ingest(a, 'POST', '/evidence', { records: [record(a)] });
      assert.equal(ev.status, 200, hash);
    }
    // a fresh attempt created with hex only
    const hex = newAttempt(s.demo.clientId, s.demo.clientSecret);
    hex.hashedTestAttemptId = createHmac('sha256', s.demo.clientSecret).update(hex.testAttemptId).digest('hex');
    await create(hex);
    assert.equal((await ingest(hex, 'PUT', '/status', { status: 'exam_started' })).status, 200);

    const wrongDigest = createHmac('sha256', 'another secret').update(plain.testAttemptId).digest();
    for (const hash of [
      wrongDigest.toString('hex'),
      wrongDigest.toString('base64'),
      'not a hash',
      digest.toString('hex').slice(0, 63),
      digest.subarray(0, 16).toString('base64'),
    ]) {
      const res = await call<ErrorBody>(s.origin, 'POST', '/api/v1/attempts', {
        body: { ...plain, hashedTestAttemptId: hash },
      });
      assert.equal(res.status, 403, hash);
      assert.equal(res.body.code, 'forbidden');
      assert.match(res.body.message, /HMAC-SHA256\(client secret, testAttemptId\) as Base64 .* or hex/);
      const ev = await ingest<ErrorBody>({ ...plain, hashedTestAttemptId: hash }, 'POST', '/evidence', {
        records: [record(plain)],
      });
      assert.equal(ev.status, 403, hash);
    }
  });

  it('answers every client error with {code, message}', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    await create(a);
    const raw = async (method: string, url: string, init: RequestInit = {}) => {
      const res = await fetch(s.origin + url, { method, ...init });
      return { status: res.status, body: (await res.json()) as ErrorBody };
    };
    const cases = [
      // a path parameter far over any valid id
      await raw('POST', `/api/v1/attempts/${'x'.repeat(5000)}/evidence`, {
        headers: { ...attemptHeaders(a), 'content-type': 'application/json' },
        body: '{"records":[]}',
      }),
      await raw('POST', path(a, '/evidence'), {
        headers: { ...attemptHeaders(a), 'content-type': 'application/json' },
        body: '{"records": [',
      }),
      await raw('POST', path(a, '/evidence'), {
        headers: { ...attemptHeaders(a), 'content-type': 'application/xml' },
        body: '<records/>',
      }),
      await raw('POST', path(a, '/evidence'), {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ records: [record(a)] }),
      }),
      await raw('GET', '/api/v1/nothing-here'),
      await raw('PUT', '/api/v1/attempts/%E0%A4%A/status', {
        headers: { ...attemptHeaders(a), 'content-type': 'application/json' },
        body: '{"status":"exam_started"}',
      }),
      await raw('PUT', path(a, `/photos/${randomUUID()}`), {
        headers: { ...attemptHeaders(a), 'content-type': 'image/jpeg' },
        body: jpeg,
      }),
      await raw('PUT', path(a, '/photos/not-a-uuid'), {
        headers: { ...attemptHeaders(a), 'content-type': 'image/jpeg' },
        body: jpeg,
      }),
    ];
    assert.deepEqual(
      cases.map((c) => c.status),
      [414, 400, 415, 401, 404, 400, 404, 400],
    );
    for (const c of cases) {
      assert.deepEqual(Object.keys(c.body), ['code', 'message'], JSON.stringify(c.body));
      assert.ok(c.body.code && c.body.message, JSON.stringify(c.body));
    }
    assert.equal(cases[0].body.code, 'uri_too_long');
  });

  it('migrates stored evidence to per-session ids, keeping its event report SIDs, photos and finished sessions', async () => {
    const db = await openTestDb(3);
    // what a version-3 server seeded
    const installSid = `AI${'1'.repeat(32)}`;
    const examSid = `EX${'2'.repeat(32)}`;
    await db.query("insert into installs (sid, name) values ($1, 'Old')", [installSid]);
    await db.query("insert into exams (sid, install_sid, name, instructions) values ($1, $2, 'Old exam', 'Go')", [
      examSid,
      installSid,
    ]);
    await db.query(
      "insert into clients (client_id, install_sid, exam_sid, secret) values ('demo-client', $1, $2, 's')",
      [installSid, examSid],
    );
    await db.query('insert into api_tokens (token_sha256, install_sid) values ($1, $2)', [
      tokenHash('tok'),
      installSid,
    ]);
    await db.query("insert into demo_settings (key, value) values ('token', 'tok')");
    const evidenceId = randomUUID();
    const sessionSid = `ES${'a'.repeat(32)}`;
    await db.query(
      `insert into sessions (sid, install_sid, exam_sid, client_id, test_attempt_id, status, review_status, trust_score,
         counts, finished_at) values ($1, $2, $3, $4, 'old-attempt', 'exam_finished', 'unreviewed', 64, '{"no_face":2}', now())`,
      [sessionSid, installSid, examSid, 'demo-client'],
    );
    await db.query(
      `insert into evidence (id, session_sid, seq, code, type, started_at) values ($1, $2, 1, 5001, 'no_face', now())`,
      [evidenceId, sessionSid],
    );
    await db.query(
      `insert into photos (evidence_id, session_sid, content_type, bytes) values ($1, $2, 'image/jpeg', $3)`,
      [evidenceId, sessionSid, jpeg],
    );
    await migrate(db);
    const demo = await seedDemo(db); // finds what is there
    assert.equal(demo.created, false);
    const app = await buildApp({ db });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const reporting = `/v1/installs/${demo.installSid}/exams/${demo.examSid}/sessions/${sessionSid}`;
      const list = await call<{ results: Event[] }>(origin, 'GET', `${reporting}/events`, { token: demo.token });
      assert.equal(list.body.results.length, 1);
      const [e] = list.body.results;
      assert.equal(e.sid, `ER${evidenceId.replace(/-/g, '')}`);
      assert.equal(e.hasPhoto, true);
      const img = await fetch(origin + e.photoUrl!, { headers: { token: demo.token } });
      assert.deepEqual(Buffer.from(await img.arrayBuffer()), jpeg);
      const d = await call<Record<string, unknown>>(origin, 'GET', reporting, { token: demo.token });
      assert.deepEqual([d.body.trustScore, d.body.clientTrustScore, d.body.reviewRequired], [64, 64, true]);
      // finished before the migration: finished now, so a replayed finish changes nothing
      const old = newAttempt(demo.clientId, demo.clientSecret, 'old-attempt');
      const replay = await call<Finish>(origin, 'POST', '/api/v1/attempts/old-attempt/finish', {
        headers: attemptHeaders(old),
        body: { trustScore: 100, counts: {} },
      });
      assert.deepEqual([replay.status, replay.body.trustScore, replay.body.alreadyFinished], [200, 64, true]);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
