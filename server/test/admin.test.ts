import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoggingMailer } from '../src/mailer.js';
import { attemptHeaders, backend, call, evidenceRecord, newAttempt, startServer, type Harness } from './harness.js';

const ADMIN = 'admin-secret-for-tests';
const mailer = new LoggingMailer(() => undefined);
let s: Harness;

before(async () => {
  s = await startServer({ adminToken: ADMIN, mailer });
});
after(() => s.close());

interface Install {
  sid: string;
  token: string;
}
interface Exam {
  sid: string;
  status: string;
}

async function newInstall(): Promise<Install> {
  const res = await call<Install>(s.origin, 'POST', '/v1/installs', { token: ADMIN, body: { name: 'University' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

describe(`admin API (${backend})`, () => {
  it('creates installs only with the admin token, each with a first API token that works', async () => {
    assert.equal((await call(s.origin, 'POST', '/v1/installs', { body: { name: 'x' } })).status, 401);
    const wrong = await call(s.origin, 'POST', '/v1/installs', { token: 'nope', body: { name: 'x' } });
    assert.equal(wrong.status, 403);
    assert.equal((await call(s.origin, 'POST', '/v1/installs', { token: ADMIN, body: {} })).status, 400);
    const install = await newInstall();
    assert.match(install.sid, /^AI[0-9a-f]{32}$/);
    const me = await call(s.origin, 'GET', '/v1/me', { token: install.token });
    assert.equal(me.body.installSid, install.sid);
    // tokens are stored hashed only
    const rows = await s.db.query<{ token: string | null }>('select token from api_tokens where install_sid = $1', [
      install.sid,
    ]);
    assert.deepEqual(rows, [{ token: null }]);
    const more = await call<{ token: string }>(s.origin, 'POST', `/v1/installs/${install.sid}/tokens`, {
      token: install.token,
      body: { label: 'LMS' },
    });
    assert.equal(more.status, 201);
    assert.equal((await call(s.origin, 'GET', '/v1/me', { token: more.body.token })).body.installSid, install.sid);
  });

  it('refuses to create installs when the server has no ADMIN_TOKEN', async () => {
    const plain = await startServer();
    try {
      const res = await call(plain.origin, 'POST', '/v1/installs', { token: 'anything', body: { name: 'x' } });
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 'admin_disabled');
    } finally {
      await plain.close();
    }
  });

  it("follows ProctorExam's exam statuses: draft, open with instructions, closed by date or by hand", async () => {
    const install = await newInstall();
    const t = install.token;
    const exams = `/v1/installs/${install.sid}/exams`;
    const exam = (await call<Exam>(s.origin, 'POST', exams, { token: t, body: { name: 'Physics' } })).body;
    assert.equal(exam.status, 'draft');
    // a client bound to a draft exam cannot start attempts yet
    const client = (
      await call<{ clientId: string; clientSecret: string }>(s.origin, 'POST', `/v1/installs/${install.sid}/clients`, {
        token: t,
        body: { examSid: exam.sid },
      })
    ).body;
    const a = newAttempt(client.clientId, client.clientSecret);
    const early = await call(s.origin, 'POST', '/api/v1/attempts', { body: a });
    assert.equal(early.status, 409);
    assert.equal(early.body.code, 'exam_not_open');
    const opened = await call<Exam>(s.origin, 'PATCH', `${exams}/${exam.sid}`, {
      token: t,
      body: { instructions: 'Calculator allowed.' },
    });
    assert.equal(opened.body.status, 'open');
    assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
    const past = await call<Exam>(s.origin, 'PATCH', `${exams}/${exam.sid}`, {
      token: t,
      body: { lastStartDate: '2020-01-01T00:00:00Z' },
    });
    assert.equal(past.body.status, 'closed');
    const late = await call(s.origin, 'POST', '/api/v1/attempts', {
      body: newAttempt(client.clientId, client.clientSecret),
    });
    assert.equal(late.body.code, 'exam_closed');
    // the attempt that already exists resumes
    assert.equal((await call(s.origin, 'POST', '/api/v1/attempts', { body: a })).status, 201);
    const reopened = await call<Exam>(s.origin, 'PATCH', `${exams}/${exam.sid}`, {
      token: t,
      body: { lastStartDate: null },
    });
    assert.equal(reopened.body.status, 'open');
    const closed = await call<Exam>(s.origin, 'POST', `${exams}/${exam.sid}/close`, { token: t });
    assert.equal(closed.body.status, 'closed');
    const listed = await call<{ results: Exam[] }>(s.origin, 'GET', exams, { token: t });
    assert.deepEqual(
      listed.body.results.map((e) => e.status),
      ['closed'],
    );
    // another install's token sees none of it
    const other = await newInstall();
    assert.equal((await call(s.origin, 'GET', exams, { token: other.token })).status, 403);
    assert.equal((await call(s.origin, 'PATCH', `${exams}/${exam.sid}`, { token: t, body: {} })).status, 400);
  });

  it('registers candidates, send_emails moves them to email_sent through the mailer, and the exam page claims the session', async () => {
    const install = await newInstall();
    const t = install.token;
    const exam = (
      await call<Exam>(s.origin, 'POST', `/v1/installs/${install.sid}/exams`, {
        token: t,
        body: { name: 'Chemistry', instructions: 'Work alone.' },
      })
    ).body;
    const client = (
      await call<{ clientId: string; clientSecret: string }>(s.origin, 'POST', `/v1/installs/${install.sid}/clients`, {
        token: t,
        body: { examSid: exam.sid },
      })
    ).body;
    const register = (testAttemptId: string, email: string) =>
      call<{ sessionSid: string; status: string; code?: string }>(
        s.origin,
        'POST',
        `/v1/installs/${install.sid}/exams/${exam.sid}/sessions`,
        { token: t, body: { testAttemptId, email, name: 'Ada' } },
      );
    const ada = await register('ada-1', 'ada@example.org');
    assert.equal(ada.status, 201);
    assert.equal(ada.body.status, 'registered');
    await register('bob-1', 'bob@example.org');
    assert.equal((await register('ada-1', 'ada@example.org')).body.code, 'already_registered');
    assert.equal((await register('eve-1', 'not-an-email')).status, 400);
    // found by a new user: an attempt an exam page opened by itself (no email, in progress, with
    // evidence) was marked email_sent and counted in `emailed`
    const walkIn = newAttempt(client.clientId, client.clientSecret, 'walk-in-1');
    const opened = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: walkIn });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const evidence = await call(s.origin, 'POST', '/api/v1/attempts/walk-in-1/evidence', {
      headers: attemptHeaders(walkIn),
      body: { records: [evidenceRecord(walkIn)] },
    });
    assert.ok(evidence.status < 300, JSON.stringify(evidence.body));
    const walkInPath = `/v1/installs/${install.sid}/exams/${exam.sid}/sessions/${opened.body.sessionSid}`;
    const walkInBefore = (await call(s.origin, 'GET', walkInPath, { token: t })).body;
    const before = mailer.sent.length;
    const sent = await call<{ emailed: number; sessionSids: string[] }>(
      s.origin,
      'POST',
      `/v1/exams/${exam.sid}/send_emails`,
      { token: t },
    );
    assert.equal(sent.body.emailed, 2);
    assert.ok(!sent.body.sessionSids.includes(opened.body.sessionSid));
    const walkInAfter = (await call(s.origin, 'GET', walkInPath, { token: t })).body;
    assert.equal(walkInAfter.sessionStatus, walkInBefore.sessionStatus);
    assert.equal(walkInAfter.emailSentDate ?? null, null);
    assert.deepEqual(
      mailer.sent.slice(before).map((m) => m.to),
      ['ada@example.org', 'bob@example.org'],
    );
    // a second call has nobody left to invite
    assert.equal(
      (await call<{ emailed: number }>(s.origin, 'POST', `/v1/exams/${exam.sid}/send_emails`, { token: t })).body
        .emailed,
      0,
    );
    const sessionPath = `/v1/installs/${install.sid}/exams/${exam.sid}/sessions/${ada.body.sessionSid}`;
    const details = await call(s.origin, 'GET', sessionPath, { token: t });
    assert.equal(details.body.sessionStatus, 'email_sent');
    assert.equal(details.body.status, 'Scheduled'); // SmarterProctoring's name
    assert.equal(details.body.candidateEmail, 'ada@example.org');
    // the candidate's exam page creates the attempt: the registered session is taken over
    const a = newAttempt(client.clientId, client.clientSecret, 'ada-1');
    const created = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: a });
    assert.equal(created.body.sessionSid, ada.body.sessionSid);
    await call(s.origin, 'PUT', `/api/v1/attempts/ada-1/status`, {
      headers: attemptHeaders(a),
      body: { status: 'in_setup' },
    });
    assert.equal((await call(s.origin, 'GET', sessionPath, { token: t })).body.sessionStatus, 'in_setup');
    // send_emails on another install's exam: not found for this token
    const other = await newInstall();
    assert.equal(
      (await call(s.origin, 'POST', `/v1/exams/${exam.sid}/send_emails`, { token: other.token })).status,
      404,
    );
    // a session list filtered by status
    const list = await call<{ total: number }>(
      s.origin,
      'GET',
      `/v1/installs/${install.sid}/exams/${exam.sid}/sessions?status=email_sent`,
      { token: t },
    );
    assert.equal(list.body.total, 1);
  });
});

describe('npm run admin (CLI, PGlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pe-admin-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: join(dir, 'db') };
  delete env.DATABASE_URL;
  const admin = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['--conditions=proctor-elements-source', '--import', 'tsx', 'server/src/cli.ts', ...args],
      { env, encoding: 'utf8' },
    );

  it('creates an install, an exam, a client and a token, and prints them as JSON', () => {
    const install = admin('install', 'create', '--name', 'College');
    assert.equal(install.status, 0, install.stderr);
    const { sid, token } = JSON.parse(install.stdout) as Install;
    assert.match(sid, /^AI[0-9a-f]{32}$/);
    assert.ok(token);
    const exam = JSON.parse(admin('exam', 'create', '--install', sid, '--name', 'Maths').stdout) as Exam;
    assert.equal(exam.status, 'draft');
    const open = JSON.parse(
      admin('exam', 'update', '--install', sid, '--exam', exam.sid, '--instructions', 'Go').stdout,
    ) as Exam;
    assert.equal(open.status, 'open');
    const client = JSON.parse(admin('client', 'create', '--install', sid, '--exam', exam.sid).stdout) as {
      clientSecret: string;
    };
    assert.ok(client.clientSecret.length >= 32);
    const reg = admin(
      'candidate',
      'register',
      '--install',
      sid,
      '--exam',
      exam.sid,
      '--attempt',
      'a1',
      '--email',
      'a@b.c',
    );
    assert.equal(reg.status, 0, reg.stderr);
    const mail = admin('exam', 'send-emails', '--install', sid, '--exam', exam.sid);
    assert.equal((JSON.parse(mail.stdout) as { emailed: number }).emailed, 1);
    // one JSON line per email: values in fields, so an exam name cannot forge a line
    // and the recipient's domain only: a candidate's address is personal data
    const line = JSON.parse(mail.stderr.trim().split('\n').at(-1) ?? '') as { msg: string; toDomain: string };
    assert.deepEqual([line.msg, line.toDomain], ['email suppressed (logging mailer)', 'b.c']);
    assert.doesNotMatch(mail.stderr, /a@b\.c/);
  });

  it('fails with a clear message and exit code 1 on bad input', () => {
    const missing = admin('exam', 'create', '--name', 'x');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /error missing_option: --install is required/);
    const unknown = admin('frobnicate');
    assert.match(unknown.stderr, /error unknown_command: Unknown command "frobnicate"/);
    const noInstall = admin('exam', 'create', '--install', `AI${'0'.repeat(32)}`, '--name', 'x');
    assert.match(noInstall.stderr, /error unknown_install/);
  });

  it('a malformed command line is the same tidy error, not a Node stack (a value starting with a dash, an unknown option)', () => {
    for (const args of [
      ['quota', 'set', '--name', 'PHOTOS_PER_ATTEMPT', '--value', '-1'],
      ['install', 'create', '--nmae', 'College'],
    ]) {
      const run = admin(...args);
      assert.equal(run.status, 1, args.join(' '));
      assert.match(run.stderr, /^error invalid_option: /, args.join(' '));
      assert.doesNotMatch(run.stderr, /ERR_PARSE_ARGS|\n\s+at /, args.join(' '));
    }
    // the value given as --value=-1 reaches the check of the value itself
    assert.match(
      admin('quota', 'set', '--name', 'PHOTOS_PER_ATTEMPT', '--value=-1').stderr,
      /--value must be a positive integer/,
    );
  });
});
