/**
 * Administration: installs, exams, clients, API tokens, candidate registration and invitation
 * emails. Plain functions over the database, used by both the admin API routes and the
 * `npm run admin` CLI, so the two cannot drift apart.
 */
import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from './db.js';
import { HttpError } from './errors.js';
import { newSecret, sid, tokenHash } from './ids.js';
import type { LogSink, Mailer } from './mailer.js';

/** ProctorExam's exam statuses, derived: closed by a close date or a past last start time; open once it has instructions. */
export const EXAM_STATUS_SQL = (e = 'e') =>
  `case when ${e}.closed_at is not null or (${e}.last_start_at is not null and ${e}.last_start_at <= now()) then 'closed'
        when ${e}.instructions is not null then 'open' else 'draft' end`;

export interface ExamView {
  sid: string;
  installSid: string;
  name: string;
  status: 'draft' | 'open' | 'closed';
  instructions: string | null;
  lastStartDate: string | null;
  closedDate: string | null;
  /** When it got its instructions (it opened). */
  openedDate: string | null;
  createdDate: string;
}

const isoOf = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function installExists(db: Queryable, installSid: string) {
  return (await db.query('select 1 from installs where sid = $1', [installSid])).length === 1;
}

/** A new install and its first API token (shown once). */
export async function createInstall(db: Database, name: string) {
  const installSid = sid('AI');
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ created_at: Date }>(
      'insert into installs (sid, name) values ($1, $2) returning created_at',
      [installSid, name],
    );
    const { token } = await createToken(tx, installSid, 'first token');
    return { sid: installSid, name, createdDate: isoOf(row.created_at)!, token };
  });
}

async function requireInstall(db: Queryable, installSid: string) {
  if (!(await installExists(db, installSid))) throw new HttpError(404, 'unknown_install', `No install ${installSid}.`);
}

export async function getExam(db: Queryable, installSid: string, examSid: string): Promise<ExamView> {
  const [e] = await db.query<{
    sid: string;
    install_sid: string;
    name: string;
    status: ExamView['status'];
    instructions: string | null;
    last_start_at: Date | null;
    closed_at: Date | null;
    opened_at: Date | null;
    created_at: Date;
  }>(`select e.*, ${EXAM_STATUS_SQL()} as status from exams e where e.sid = $1 and e.install_sid = $2`, [
    examSid,
    installSid,
  ]);
  if (!e) throw new HttpError(404, 'unknown_exam', `No exam ${examSid} in install ${installSid}.`);
  return {
    sid: e.sid,
    installSid: e.install_sid,
    name: e.name,
    status: e.status,
    instructions: e.instructions,
    lastStartDate: isoOf(e.last_start_at),
    closedDate: isoOf(e.closed_at),
    openedDate: isoOf(e.opened_at),
    createdDate: isoOf(e.created_at)!,
  };
}

export async function listExams(db: Queryable, installSid: string) {
  await requireInstall(db, installSid);
  const rows = await db.query<{ sid: string }>('select sid from exams where install_sid = $1 order by created_at', [
    installSid,
  ]);
  return Promise.all(rows.map((r) => getExam(db, installSid, r.sid)));
}

export interface ExamInput {
  name?: string;
  /** Student instructions: adding them opens the exam. */
  instructions?: string;
  /** ISO date: after it, the exam is closed. */
  lastStartDate?: string | null;
}

export async function createExam(db: Queryable, installSid: string, input: ExamInput & { name: string }) {
  await requireInstall(db, installSid);
  const examSid = sid('EX');
  await db.query(
    `insert into exams (sid, install_sid, name, instructions, last_start_at, opened_at)
     values ($1, $2, $3, $4, $5, case when $4::text is null then null else now() end)`,
    [examSid, installSid, input.name, input.instructions ?? null, input.lastStartDate ?? null],
  );
  return getExam(db, installSid, examSid);
}

export async function updateExam(db: Queryable, installSid: string, examSid: string, input: ExamInput) {
  await getExam(db, installSid, examSid);
  await db.query(
    `update exams set name = coalesce($3, name), instructions = coalesce($4, instructions),
       opened_at = case when opened_at is null and $4::text is not null then now() else opened_at end,
       last_start_at = case when $5::boolean then $6::timestamptz else last_start_at end
     where sid = $1 and install_sid = $2`,
    [
      examSid,
      installSid,
      input.name ?? null,
      input.instructions ?? null,
      input.lastStartDate !== undefined,
      input.lastStartDate ?? null,
    ],
  );
  return getExam(db, installSid, examSid);
}

export async function closeExam(db: Queryable, installSid: string, examSid: string) {
  await getExam(db, installSid, examSid);
  await db.query('update exams set closed_at = coalesce(closed_at, now()) where sid = $1', [examSid]);
  return getExam(db, installSid, examSid);
}

/** A client (id + HMAC secret) for exam pages; bound to one exam when `examSid` is given. */
/**
 * A client (id + HMAC secret) for `examSid`; without one, the client gets an open exam of its own,
 * "Attempts of client cl_…", so that its sessions are reachable through the reporting API (whose
 * routes all go through an exam). Answers the exam either way.
 */
export async function createClient(db: Queryable, installSid: string, examSid?: string) {
  await requireInstall(db, installSid);
  if (examSid) await getExam(db, installSid, examSid);
  const clientId = `cl_${randomBytes(8).toString('hex')}`;
  const secret = newSecret();
  const exam =
    examSid ?? (await createExam(db, installSid, { name: `Attempts of client ${clientId}`, instructions: '' })).sid;
  await db.query('insert into clients (client_id, install_sid, exam_sid, secret) values ($1, $2, $3, $4)', [
    clientId,
    installSid,
    exam,
    secret,
  ]);
  return { clientId, clientSecret: secret, installSid, examSid: exam };
}

/** A reporting/admin API token for one install. Only its SHA-256 is stored: show it once. */
export async function createToken(db: Queryable, installSid: string, label?: string) {
  await requireInstall(db, installSid);
  const token = newSecret();
  await db.query('insert into api_tokens (token_sha256, install_sid, label) values ($1, $2, $3)', [
    tokenHash(token),
    installSid,
    label ?? null,
  ]);
  return { token, installSid, label: label ?? null };
}

/** The install a token belongs to, or undefined. */
export async function installOfToken(db: Queryable, token: string) {
  const [row] = await db.query<{ install_sid: string }>('select install_sid from api_tokens where token_sha256 = $1', [
    tokenHash(token),
  ]);
  return row?.install_sid;
}

export interface Registration {
  testAttemptId: string;
  email: string;
  name?: string;
}

/** Registers a candidate for an exam: their session exists from now on, as `registered`. */
export async function registerCandidate(db: Database, installSid: string, examSid: string, input: Registration) {
  const exam = await getExam(db, installSid, examSid);
  if (exam.status === 'closed')
    throw new HttpError(409, 'exam_closed', `Exam ${examSid} is closed: no new candidates.`);
  const sessionSid = sid('ES');
  const inserted = await db.query<{ sid: string }>(
    `insert into sessions (sid, install_sid, exam_sid, test_attempt_id, candidate_email, candidate_name)
     values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning sid`,
    [sessionSid, installSid, examSid, input.testAttemptId, input.email, input.name ?? null],
  );
  if (!inserted.length)
    throw new HttpError(
      409,
      'already_registered',
      `Attempt "${input.testAttemptId}" is already registered for exam ${examSid}.`,
    );
  return { sessionSid, examSid, testAttemptId: input.testAttemptId, status: 'registered' as const };
}

/**
 * ProctorExam's send_emails: invites every candidate registered for the exam (POST …/sessions: an
 * email, no exam page yet) and marks them `email_sent`; answers `{examSid, emailed, sessionSids}`.
 * Sessions an exam page opened (status `registered` too until the page reports one, but with a
 * client and no email) are neither invited nor marked. With the default logging mailer nothing is
 * sent, but the status still moves. `log`: the request's log sink, for the mailer's lines.
 */
export async function sendEmails(db: Database, installSid: string, examSid: string, mailer: Mailer, log?: LogSink) {
  const exam = await getExam(db, installSid, examSid);
  const pending = await db.query<{ sid: string; candidate_email: string; test_attempt_id: string }>(
    `select sid, candidate_email, test_attempt_id from sessions
     where exam_sid = $1 and status = 'registered' and client_id is null and candidate_email is not null
     order by created_at`,
    [examSid],
  );
  const sent: string[] = [];
  for (const s of pending) {
    await mailer.send(
      {
        to: s.candidate_email,
        subject: `Your proctored exam: ${exam.name}`,
        text: `You are registered for "${exam.name}" (attempt ${s.test_attempt_id}).\n\n${exam.instructions ?? ''}`,
      },
      log,
    );
    await db.query(
      "update sessions set status = 'email_sent', emailed_at = now(), updated_at = now() where sid = $1 and status = 'registered' and client_id is null",
      [s.sid],
    );
    sent.push(s.sid);
  }
  return { examSid, emailed: sent.length, sessionSids: sent };
}
