/**
 * GET /api/v1/attempts/{id}/report and …/photos/{evidenceId}: an attempt's report for the exam
 * platform's pages (AutoProctor's getReport / showReport on a teacher's device), authorised like
 * ingest by the client id and the hashed attempt id. Over real HTTP.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import {
  attemptHeaders,
  backend,
  call,
  evidenceRecord,
  newAttempt,
  startServer,
  type Attempt,
  type Harness,
} from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer();
});
after(() => s.close());

/** A small real JPEG's first bytes are enough for the server (it checks the magic number). */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a jpeg body'.repeat(20))]);
const INLINE = `data:image/jpeg;base64,${Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xdb]), Buffer.from('inline')]).toString('base64')}`;

interface Report {
  testAttemptId: string;
  clientId: string;
  testAttemptStatus: string;
  trustScore: number | null;
  reviewRequired: boolean | null;
  counts: Record<string, number>;
  finishedDate: string | null;
  userDetails: Record<string, unknown> | null;
  evidence: {
    evidenceId: string;
    code: number;
    type: string;
    durationMs: number | null;
    photoUrl: string | null;
    photo?: string;
    photoPending?: boolean;
  }[];
}

const report = (a: Attempt, query = '', headers = attemptHeaders(a)) =>
  call<Report & { code: string; message: string }>(
    s.origin,
    'GET',
    `/api/v1/attempts/${encodeURIComponent(a.testAttemptId)}/report${query}`,
    { headers },
  );

async function attemptWithEvidence() {
  const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
  const created = await call(s.origin, 'POST', '/api/v1/attempts', {
    body: { ...a, userDetails: { name: 'Ada Lovelace', email: 'ada@example.org' } },
  });
  assert.equal(created.status, 201);
  const now = Date.now();
  const ids = {
    away: randomUUID(),
    back: randomUUID(),
    photo: randomUUID(),
    inline: randomUUID(),
    pending: randomUUID(),
  };
  const base = { attemptId: a.testAttemptId };
  const records = [
    {
      ...base,
      id: ids.away,
      seq: 1,
      code: 5005,
      type: 'tab_switch',
      startedAt: now - 9000,
      endedAt: now - 6000,
      durationMs: 3000,
    },
    { ...base, id: ids.back, seq: 2, code: 5006, type: 'returned_to_test', startedAt: now - 6000 },
    { ...base, id: ids.photo, seq: 3, code: 5003, type: 'random_photo', startedAt: now - 5000, photoPending: true },
    { ...base, id: ids.inline, seq: 4, code: 5003, type: 'random_photo', startedAt: now - 4000, photo: INLINE },
    { ...base, id: ids.pending, seq: 5, code: 5003, type: 'random_photo', startedAt: now - 3000, photoPending: true },
  ];
  const posted = await call(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
    headers: attemptHeaders(a),
    body: { records },
  });
  assert.equal(posted.status, 200);
  const put = await fetch(`${s.origin}/api/v1/attempts/${a.testAttemptId}/photos/${ids.photo}`, {
    method: 'PUT',
    headers: { ...attemptHeaders(a), 'content-type': 'image/jpeg' },
    body: JPEG,
  });
  assert.equal(put.status, 201);
  return { a, ids };
}

describe(`an attempt's report for the exam platform (${backend})`, () => {
  it('before finish: started, no score yet, counts so far, the evidence with photo URLs that the same credentials open', async () => {
    const { a, ids } = await attemptWithEvidence();
    const { status, body } = await report(a);
    assert.equal(status, 200);
    assert.equal(body.testAttemptId, a.testAttemptId);
    assert.equal(body.clientId, a.clientId);
    assert.equal(body.testAttemptStatus, 'started');
    assert.equal(body.trustScore, null);
    assert.equal(body.reviewRequired, null);
    assert.equal(body.finishedDate, null);
    assert.deepEqual(body.counts, { tab_switch: 1, returned_to_test: 1, random_photo: 3 });
    assert.deepEqual(body.userDetails, { name: 'Ada Lovelace', email: 'ada@example.org' });
    assert.deepEqual(
      body.evidence.map((e) => [e.evidenceId, e.code, !!e.photoUrl, e.photoPending ?? false]),
      [
        [ids.away, 5005, false, false],
        [ids.back, 5006, false, false],
        [ids.photo, 5003, true, false],
        [ids.inline, 5003, true, false],
        [ids.pending, 5003, false, true],
      ],
    );
    // the photo URLs open with the same headers: the stored JPEG, and the inline one
    const stored = await fetch(s.origin + body.evidence[2].photoUrl!, { headers: attemptHeaders(a) });
    assert.equal(stored.status, 200);
    assert.equal(stored.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await stored.arrayBuffer()), JPEG);
    const inline = await fetch(s.origin + body.evidence[3].photoUrl!, { headers: attemptHeaders(a) });
    assert.equal(inline.status, 200);
    assert.equal(`data:image/jpeg;base64,${Buffer.from(await inline.arrayBuffer()).toString('base64')}`, INLINE);
    // …and not without them
    assert.equal((await fetch(s.origin + body.evidence[2].photoUrl!)).status, 401);
    const pending = await call(s.origin, 'GET', `/api/v1/attempts/${a.testAttemptId}/photos/${ids.pending}`, {
      headers: attemptHeaders(a),
    });
    assert.deepEqual([pending.status, pending.body.code], [404, 'photo_pending']);
    const none = await call(s.origin, 'GET', `/api/v1/attempts/${a.testAttemptId}/photos/${ids.away}`, {
      headers: attemptHeaders(a),
    });
    assert.deepEqual([none.status, none.body.code], [404, 'no_photo']);
  });

  it("after finish: completed, with the server's Trust Score and counts; photos=inline carries the photos as data URLs", async () => {
    const { a, ids } = await attemptWithEvidence();
    const finish = await call<{ trustScore: number; counts: Record<string, number>; reviewRequired: boolean }>(
      s.origin,
      'POST',
      `/api/v1/attempts/${a.testAttemptId}/finish`,
      { headers: attemptHeaders(a), body: {} },
    );
    assert.equal(finish.status, 200);
    const { body } = await report(a, '?photos=inline');
    assert.equal(body.testAttemptStatus, 'completed');
    assert.equal(body.trustScore, finish.body.trustScore);
    assert.equal(body.reviewRequired, finish.body.reviewRequired);
    assert.deepEqual(body.counts, finish.body.counts);
    assert.ok(body.finishedDate);
    const byId = new Map(body.evidence.map((e) => [e.evidenceId, e]));
    assert.equal(byId.get(ids.photo)!.photo, `data:image/jpeg;base64,${JPEG.toString('base64')}`);
    assert.equal(byId.get(ids.inline)!.photo, INLINE);
    assert.equal(byId.get(ids.away)!.photo, undefined);
    assert.equal(byId.get(ids.away)!.durationMs, 3000);
    // the default leaves the photos out
    assert.equal(
      (await report(a)).body.evidence.find((e) => e.photo),
      undefined,
    );
  });

  it('accepts the hash in hex too, like ingest', async () => {
    const { a } = await attemptWithEvidence();
    const hex = createHmac('sha256', s.demo.clientSecret).update(a.testAttemptId).digest('hex');
    const { status } = await report(a, '', { 'x-ap-client-id': a.clientId, 'x-ap-attempt-hash': hex });
    assert.equal(status, 200);
  });

  it("refuses without credentials (401), with another attempt's hash or a malformed one (403), and answers 404 for an attempt never started", async () => {
    const { a, ids } = await attemptWithEvidence();
    const { a: other } = await attemptWithEvidence();
    const missing = await report(a, '', {} as ReturnType<typeof attemptHeaders>);
    assert.deepEqual([missing.status, missing.body.code], [401, 'unauthenticated']);
    assert.match(missing.body.message, /client id and the hashed attempt id/);
    const foreign = await report(a, '', attemptHeaders(other));
    assert.deepEqual([foreign.status, foreign.body.code], [403, 'forbidden']);
    assert.match(foreign.body.message, /does not match/);
    const malformed = await report(a, '', { 'x-ap-client-id': a.clientId, 'x-ap-attempt-hash': 'not a hash!' });
    assert.deepEqual([malformed.status, malformed.body.code], [403, 'forbidden']);
    // another attempt's photo with this attempt's credentials: not this attempt's record
    const photo = await call(s.origin, 'GET', `/api/v1/attempts/${other.testAttemptId}/photos/${ids.photo}`, {
      headers: attemptHeaders(a),
    });
    assert.equal(photo.status, 403);
    const crossed = await call(s.origin, 'GET', `/api/v1/attempts/${a.testAttemptId}/photos/${randomUUID()}`, {
      headers: attemptHeaders(a),
    });
    assert.deepEqual([crossed.status, crossed.body.code], [404, 'unknown_evidence']);
    const never = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const unknown = await report(never);
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'unknown_attempt']);
    assert.match(unknown.body.message, new RegExp(never.testAttemptId));
    const badQuery = await report(a, '?photos=all');
    assert.deepEqual([badQuery.status, badQuery.body.code], [400, 'invalid_request']);
  });
});

describe(`the attempt report's rate limit (${backend})`, () => {
  let r: Harness;
  before(async () => {
    r = await startServer({ ratePerSecond: 2 });
  });
  after(() => r.close());

  it("is per attempt (429 rate_limited with Retry-After) and apart from ingest's: a teacher's page never slows the candidate's delivery", async () => {
    const a = newAttempt(r.demo.clientId, r.demo.clientSecret);
    assert.equal((await call(r.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
    const read = () =>
      fetch(`${r.origin}/api/v1/attempts/${encodeURIComponent(a.testAttemptId)}/report`, {
        headers: attemptHeaders(a),
      });
    const answers = await Promise.all(Array.from({ length: 20 }, read));
    const statuses = answers.map((x) => x.status);
    assert.ok(statuses.includes(200), statuses.join());
    const refused = answers.filter((x) => x.status === 429);
    assert.ok(refused.length >= 10, statuses.join());
    assert.ok(Number(refused[0].headers.get('retry-after')) >= 1);
    assert.equal(((await refused[0].json()) as { code: string }).code, 'rate_limited');
    // the candidate's delivery for the same attempt is not held up by the reads
    const posted = await call(r.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
      headers: attemptHeaders(a),
      body: { records: [evidenceRecord(a)] },
    });
    assert.equal(posted.status, 200);
  });
});
