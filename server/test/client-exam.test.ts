// A client created without an exam: its attempts' sessions must be reachable through the reporting
// API, whose routes all go through an exam. Such a client gets an exam of its own (open, named
// after it); clients and sessions stored before that (no exam) get one by a migration.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.js';
import { CLIENT_EXAMS_VERSION, migrate } from '../src/db.js';
import {
  attemptHeaders,
  backend,
  call,
  evidenceRecord,
  newAttempt,
  openTestDb,
  startServer,
  type Harness,
} from './harness.js';

type Page = { total: number; results: { sid: string; testAttemptId?: string }[] };

async function sendOne(origin: string, clientId: string, secret: string) {
  const a = newAttempt(clientId, secret);
  assert.equal((await call(origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
  assert.equal(
    (
      await call(origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
        headers: attemptHeaders(a),
        body: { records: [evidenceRecord(a)] },
      })
    ).status,
    200,
  );
  return a;
}

describe(`a client without an exam (${backend})`, () => {
  let s: Harness;
  before(async () => {
    s = await startServer({ adminToken: 'admin-token-for-client-exam-test', logLevel: 'silent' });
  });
  after(() => s.close());

  it('gets an exam of its own, through which its sessions and their events are reachable', async () => {
    const install = await call<{ sid: string; token: string }>(s.origin, 'POST', '/v1/installs', {
      token: 'admin-token-for-client-exam-test',
      body: { name: 'No-exam university' },
    });
    const client = await call<{ clientId: string; clientSecret: string; examSid: string | null }>(
      s.origin,
      'POST',
      `/v1/installs/${install.body.sid}/clients`,
      { token: install.body.token, body: {} },
    );
    assert.equal(client.status, 201);
    assert.match(client.body.examSid ?? '', /^EX[0-9a-f]{32}$/, 'the client names its exam');
    const a = await sendOne(s.origin, client.body.clientId, client.body.clientSecret);
    const base = `/v1/installs/${install.body.sid}/exams/${client.body.examSid}`;
    const exam = await call<{ name: string; status: string }>(s.origin, 'GET', base, { token: install.body.token });
    assert.equal(exam.status, 200);
    assert.equal(exam.body.status, 'open');
    assert.match(exam.body.name, new RegExp(client.body.clientId));
    const sessions = await call<Page>(s.origin, 'GET', `${base}/sessions`, { token: install.body.token });
    assert.equal(sessions.status, 200);
    assert.equal(sessions.body.total, 1);
    const events = await call<Page>(s.origin, 'GET', `${base}/sessions/${sessions.body.results[0].sid}/events`, {
      token: install.body.token,
    });
    assert.equal(events.status, 200);
    assert.equal(events.body.total, 1);
    assert.ok(a);
  });
});

describe(`clients and sessions stored without an exam before the migration (${backend})`, () => {
  it('are given an exam of their own by the migration, and become reachable', async () => {
    const db = await openTestDb(CLIENT_EXAMS_VERSION - 1);
    try {
      await db.query("insert into installs (sid, name) values ('AI00000000000000000000000000000001', 'Old')");
      await db.query(
        "insert into clients (client_id, install_sid, exam_sid, secret) values ('cl_old', 'AI00000000000000000000000000000001', null, 'old-secret')",
      );
      await db.query(`insert into sessions (sid, install_sid, exam_sid, client_id, test_attempt_id, status)
        values ('ES00000000000000000000000000000001', 'AI00000000000000000000000000000001', null, 'cl_old', 'old-1', 'exam_finished')`);
      await migrate(db);
      const [client] = await db.query<{ exam_sid: string | null }>(
        "select exam_sid from clients where client_id = 'cl_old'",
      );
      assert.match(client.exam_sid ?? '', /^EX[0-9a-f]{32}$/);
      const [session] = await db.query<{ exam_sid: string | null }>(
        "select exam_sid from sessions where sid = 'ES00000000000000000000000000000001'",
      );
      assert.equal(session.exam_sid, client.exam_sid);
      // through the API
      const app = await buildApp({ db, logLevel: 'silent' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
        const { createToken } = await import('../src/admin.js');
        const { token } = await createToken(db, 'AI00000000000000000000000000000001');
        const sessions = await call<Page>(
          origin,
          'GET',
          `/v1/installs/AI00000000000000000000000000000001/exams/${client.exam_sid}/sessions`,
          { token },
        );
        assert.equal(sessions.status, 200);
        assert.deepEqual(
          sessions.body.results.map((r) => r.sid),
          ['ES00000000000000000000000000000001'],
        );
      } finally {
        await app.close();
      }
    } finally {
      await db.close();
    }
  });
});
