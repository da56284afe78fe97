import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../src/db.js';
import { hashAttempt } from '../src/ids.js';
import type { DemoSetup } from '../src/seed.js';
import {
  attemptHeaders,
  backend,
  evidenceRecord,
  newAttempt,
  startServer,
  type Attempt,
  type Harness,
} from './harness.js';

let server: Harness;
let db: Database;
let app: FastifyInstance;
let demo: DemoSetup;

before(async () => {
  server = await startServer({ bodyLimit: 64 * 1024, ratePerSecond: 5 });
  ({ db, app, demo } = server);
});
after(() => server.close());

const attempt = () => newAttempt(demo.clientId, demo.clientSecret);
/** A 1.5 s tab_switch of `a`; `extra` replaces or adds fields. */
const record = (a: Attempt, seq: number, extra: Record<string, unknown> = {}) =>
  evidenceRecord(a, { seq, endedAt: Date.now() + 1500, durationMs: 1500, ...extra });
const create = (a: Attempt) => app.inject({ method: 'POST', url: '/api/v1/attempts', payload: a });
const post = (a: Attempt, records: unknown[]) =>
  app.inject({
    method: 'POST',
    url: `/api/v1/attempts/${a.testAttemptId}/evidence`,
    headers: attemptHeaders(a),
    payload: { records },
  });
const stored = async (a: Attempt) =>
  db.query<{ seq: number }>(
    'select e.seq from evidence e join sessions s on s.sid = e.session_sid where s.test_attempt_id = $1 order by e.seq',
    [a.testAttemptId],
  );

describe(`client ingest (${backend})`, () => {
  it('creates an attempt when the HMAC matches, once (a repeat returns the same session)', async () => {
    const a = attempt();
    const first = await create(a);
    assert.equal(first.statusCode, 201);
    assert.match(first.json<{ sessionSid: string }>().sessionSid, /^ES[0-9a-f]{32}$/);
    const again = await create(a);
    assert.equal(again.json<{ sessionSid: string }>().sessionSid, first.json<{ sessionSid: string }>().sessionSid);
    const [row] = await db.query<{ status: string; review_status: string }>(
      'select status, review_status from sessions where test_attempt_id = $1',
      [a.testAttemptId],
    );
    assert.deepEqual(row, { status: 'registered', review_status: 'uncertain' });
  });

  it("records the requirements check's outcome with the attempt, and refuses a malformed one", async () => {
    const a = attempt();
    const checks = { passed: false, completedAt: Date.now(), statuses: { webcam: 'succeeded', microphone: 'failed' } };
    assert.equal((await create({ ...a, checks } as typeof a)).statusCode, 201);
    const [row] = await db.query<{ checks: unknown; system_check_end_at: Date }>(
      'select checks, system_check_end_at from sessions where test_attempt_id = $1',
      [a.testAttemptId],
    );
    assert.deepEqual(row.checks, { passed: false, webcam: 'succeeded', microphone: 'failed' });
    assert.equal(new Date(row.system_check_end_at).getTime(), checks.completedAt);
    const bad = await create({ ...attempt(), checks: { ...checks, statuses: { webcam: 'great' } } } as typeof a);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ message: string }>().message, /body\/checks\/statuses\/webcam/);
  });

  it("carries AutoProctor's userDetails and showHowToVideo to the session details; a later call without them keeps them; bad ones are 400 naming the field", async () => {
    const a = attempt();
    const userDetails = { name: 'Ada Lovelace', email: 'ada@example.org', cohort: 7, accommodations: false };
    const first = await create({ ...a, userDetails, showHowToVideo: true } as typeof a);
    assert.equal(first.statusCode, 201);
    const { sessionSid } = first.json<{ sessionSid: string }>();
    // a reload re-creates the attempt without them (the page's options are gone): they stay
    assert.equal((await create(a)).statusCode, 201);
    const details = await app.inject({
      method: 'GET',
      url: `/v1/installs/${demo.installSid}/exams/${demo.examSid}/sessions/${sessionSid}`,
      headers: { token: demo.token },
    });
    assert.equal(details.statusCode, 200);
    const body = details.json<Record<string, unknown>>();
    assert.deepEqual(body.userDetails, userDetails);
    assert.equal(body.showHowToVideo, true);
    assert.equal(body.candidateName, 'Ada Lovelace');
    assert.equal(body.candidateEmail, 'ada@example.org');
    for (const [bad, field] of [
      [{ address: { city: 'Paris' } }, /body\/userDetails\/address/],
      [{ name: 'x'.repeat(501) }, /body\/userDetails\/name/],
      [{ ['k'.repeat(65)]: 1 }, /body\/userDetails/],
      [Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])), /body\/userDetails/],
      ['Ada', /body\/userDetails/],
    ] as const) {
      const res = await create({ ...attempt(), userDetails: bad } as unknown as typeof a);
      assert.equal(res.statusCode, 400, JSON.stringify(bad).slice(0, 60));
      assert.match(res.json<{ message: string }>().message, field);
    }
    const notBool = await create({ ...attempt(), showHowToVideo: 'yes' } as unknown as typeof a);
    assert.equal(notBool.statusCode, 400);
    assert.match(notBool.json<{ message: string }>().message, /showHowToVideo/);
  });

  it('refuses a forged hash and an unknown client alike with 403 and {code, message}', async () => {
    const a = attempt();
    for (const payload of [
      { ...a, hashedTestAttemptId: hashAttempt('wrong-secret', a.testAttemptId) },
      { ...a, clientId: 'nobody' },
    ]) {
      const res = await create(payload);
      assert.equal(res.statusCode, 403);
      assert.deepEqual(Object.keys(res.json()), ['code', 'message']);
      assert.equal(res.json<{ code: string }>().code, 'forbidden');
    }
    const evidence = await post({ ...a, hashedTestAttemptId: 'x' }, [record(a, 1)]);
    assert.equal(evidence.statusCode, 403);
  });

  it('stores a batch, and a replayed batch adds nothing', async () => {
    const a = attempt();
    await create(a);
    const batch = [record(a, 1), record(a, 2, { code: 5006, type: 'returned_to_test' })];
    assert.deepEqual((await post(a, batch)).json(), { accepted: 2, duplicates: 0 });
    assert.deepEqual((await post(a, batch)).json(), { accepted: 0, duplicates: 2 });
    assert.deepEqual(
      (await stored(a)).map((r) => r.seq),
      [1, 2],
    );
  });

  it('rejects a malformed batch whole, naming what is wrong, and stores none of it', async () => {
    const a = attempt();
    await create(a);
    for (const [records, text] of [
      [[record(a, 1), record(a, 2, { seq: 0 })], 'body/records/1/seq must be >= 1'],
      [[record(a, 1), record(a, 2, { colour: 'red' })], 'must NOT have additional properties'],
      [[record(a, 1, { type: 'cheating' })], 'body/records/0/type must be equal to one of the allowed values'],
      [[record(a, 1, { attemptId: 'someone-else' })], 'belongs to attempt "someone-else"'],
      [[], 'must NOT have fewer than 1 items'],
    ] as const) {
      const res = await post(a, [...records]);
      assert.equal(res.statusCode, 400, text);
      assert.equal(res.json<{ code: string }>().code, 'invalid_request');
      assert.ok(res.json<{ message: string }>().message.includes(text), res.json<{ message: string }>().message);
    }
    assert.deepEqual(await stored(a), []);
  });

  it('refuses records that contradict themselves, naming the record: code ≠ type, an end before the start, a photo that is no JPEG, a date past year 9999', async () => {
    const a = attempt();
    await create(a);
    const jpeg = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]).toString('base64')}`;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ code: 5001, type: 'talking' }, /records\/0\/code: .*has code 5001, but type "talking" is 5111/],
      [{ code: 5999 }, /has code 5999, but type "tab_switch" is 5005/],
      [{ endedAt: 1 }, /records\/0\/endedAt: .* ends before it starts/],
      [{ photo: 'data:image/jpeg;base64,!!!!' }, /photo is not a base64 JPEG/],
      [{ photo: 'data:image/jpeg;base64,iVBORw0KGgo=' }, /photo is not a base64 JPEG/],
      [{ startedAt: 8_640_000_000_000_000, endedAt: undefined, durationMs: undefined }, /startedAt/],
    ];
    for (const [extra, message] of cases) {
      const res = await post(a, [record(a, 1, extra)]);
      assert.equal(res.statusCode, 400, JSON.stringify(extra));
      assert.match(res.json<{ message: string }>().message, message);
    }
    assert.deepEqual(await stored(a), []);
    // the legacy full-screen code and a real JPEG are fine
    assert.equal((await post(a, [record(a, 1, { code: 5100, type: 'fullscreen_exit', photo: jpeg })])).statusCode, 200);
    // "." and ".." cannot name an attempt: URLs resolve them away
    for (const id of ['.', '..']) {
      const res = await create({
        ...attempt(),
        testAttemptId: id,
        hashedTestAttemptId: hashAttempt(demo.clientSecret, id),
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.json<{ message: string }>().message, /testAttemptId/);
    }
  });

  it('answers 413 to an oversized body and 404 to evidence for an attempt never created', async () => {
    const a = attempt();
    await create(a);
    const big = await post(a, [record(a, 1, { photo: `data:image/jpeg;base64,${'A'.repeat(100_000)}` })]);
    assert.equal(big.statusCode, 413);
    assert.equal(big.json<{ code: string }>().code, 'payload_too_large');
    const unknown = attempt();
    assert.equal((await post(unknown, [record(unknown, 1)])).json<{ code: string }>().code, 'unknown_attempt');
  });

  it('rate-limits ingest per attempt with 429', async () => {
    const a = attempt();
    await create(a);
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) codes.push((await post(a, [record(a, i + 1)])).statusCode);
    assert.ok(codes.includes(429), codes.join(','));
    assert.equal(codes[0], 200);
  });

  it("finishes with the server's Trust Score (the client's kept as advisory) and sets the statuses", async () => {
    const a = attempt();
    await create(a);
    const status = await app.inject({
      method: 'PUT',
      url: `/api/v1/attempts/${a.testAttemptId}/status`,
      headers: attemptHeaders(a),
      payload: { status: 'exam_started' },
    });
    assert.equal(status.statusCode, 200);
    const bad = await app.inject({
      method: 'PUT',
      url: `/api/v1/attempts/${a.testAttemptId}/status`,
      headers: attemptHeaders(a),
      payload: { status: 'cheating' },
    });
    assert.equal(bad.statusCode, 400);
    const finish = await app.inject({
      method: 'POST',
      url: `/api/v1/attempts/${a.testAttemptId}/finish`,
      headers: attemptHeaders(a),
      payload: { finishedAt: Date.now(), trustScore: 92, counts: { tab_switch: 1 } },
    });
    assert.equal(finish.statusCode, 200);
    const [row] = await db.query<{
      status: string;
      review_status: string;
      trust_score: number;
      client_trust_score: number;
    }>('select status, review_status, trust_score, client_trust_score from sessions where test_attempt_id = $1', [
      a.testAttemptId,
    ]);
    // no evidence stored: the server's score is 100 whatever the client said
    assert.deepEqual(row, {
      status: 'exam_finished',
      review_status: 'unreviewed',
      trust_score: 100,
      client_trust_score: 92,
    });
  });

  it('accepts the pagehide beacon with credentials in the query string', async () => {
    const a = attempt();
    await create(a);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/attempts/${a.testAttemptId}/evidence?clientId=${a.clientId}&hash=${encodeURIComponent(a.hashedTestAttemptId)}`,
      payload: { records: [record(a, 1)] },
    });
    assert.equal(res.statusCode, 200);
    // the beacon's own form: JSON as text/plain (a CORS simple request, no preflight)
    const beacon = await app.inject({
      method: 'POST',
      url: `/api/v1/attempts/${a.testAttemptId}/evidence?clientId=${a.clientId}&hash=${encodeURIComponent(a.hashedTestAttemptId)}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({ records: [record(a, 2, { photoPending: true })] }),
    });
    assert.equal(beacon.statusCode, 200, beacon.body);
    assert.deepEqual(beacon.json(), { accepted: 1, duplicates: 0 });
    assert.deepEqual(
      (await stored(a)).map((r) => r.seq),
      [1, 2],
    );
    const broken = await app.inject({
      method: 'POST',
      url: `/api/v1/attempts/${a.testAttemptId}/evidence?clientId=${a.clientId}&hash=${encodeURIComponent(a.hashedTestAttemptId)}`,
      headers: { 'content-type': 'text/plain' },
      payload: '{"records": [',
    });
    assert.equal(broken.statusCode, 400);
    assert.equal(broken.json<{ code: string }>().code, 'invalid_request');
  });
});

describe(`speed test and CORS (${backend})`, () => {
  it('downloads exactly the bytes asked for and counts uploads', async () => {
    const down = await app.inject({ method: 'GET', url: '/api/bandwidth/download?bytes=12345' });
    assert.equal(down.rawPayload.length, 12345);
    // random, and marked so that no proxy compresses it: zero bytes gzipped made a slow link read as fast
    assert.ok(gzipSync(down.rawPayload).length > 12345 * 0.95, 'the body does not compress');
    assert.match(String(down.headers['cache-control']), /no-store/);
    assert.match(String(down.headers['cache-control']), /no-transform/);
    // above the 8 MB block: streamed, still the size asked for
    const large = await app.inject({ method: 'GET', url: '/api/bandwidth/download?bytes=20000001' });
    assert.equal(large.rawPayload.length, 20_000_001);
    assert.equal((await app.inject({ method: 'GET', url: '/api/bandwidth/download?bytes=99999999' })).statusCode, 400);
    const up = await app.inject({
      method: 'POST',
      url: '/api/bandwidth/upload',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(5000),
    });
    assert.deepEqual(up.json(), { received: 5000 });
  });

  it('answers preflight requests for the ingest API', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/attempts',
      headers: { origin: 'https://exam.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(String(res.headers['access-control-allow-headers']), /x-ap-attempt-hash/);
  });
});
