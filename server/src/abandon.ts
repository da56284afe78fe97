/**
 * Attempts the exam page never finished: a candidate who closed the laptop, a crashed browser, an
 * integration that never called `stop()`. Without a rule they would stay "In Progress" for ever,
 * and a SmarterProctoring-style sync job that polls until a session is `Closed` or `Cancelled`
 * would never collect them.
 *
 * The rule: a started session (status `exam_started` / `exam_finished`, or any evidence stored) that
 * has not been closed, and from whose exam page nothing arrived for `afterMs` (the page's own
 * traffic only: the attempt, its statuses, evidence and photos; a reviewer's actions do not count),
 * is closed as **abandoned**: the server scores it from the evidence it stored (a record still open
 * counts until the last word from the page), `reviewRequired` follows from that score, `status`
 * becomes `Closed` with `closeReason: 'abandoned'`, and `closedDate` is that last word (so
 * `duration` is the time the page was heard from).

A session the exam page opened (POST /api/v1/attempts: it has a client) but never started, silent
for as long, is **cancelled** (`closeReason: 'not_started'`, SmarterProctoring's `Cancelled`, no
Trust Score): a poll loop waiting for a terminal state ends. A session only registered (no page
yet) stays `Scheduled` until its exam closes.
 *
 * `Closed` stays terminal: what the page sends later (the outbox delivers on the candidate's next
 * visit) is stored and listed, never refused, and the verdict stays; a late finish answers it.
 */
import type { Database, Queryable } from './db.js';
import { scoreSession } from './verdict.js';
import { closeOngoingEvents } from './event-changes.js';

/** Default: a day without a word from the exam page (`ABANDON_AFTER_HOURS`). */
export const DEFAULT_ABANDON_AFTER_MS = 24 * 3_600_000;

/** The last word from the session's exam page: the attempt, its statuses, its evidence and photos. */
const LAST_ACTIVITY = `greatest(s.created_at, s.started_at, s.system_check_end_at, s.setup_at, s.in_progress_at,
  s.finished_at, (select max(e.received_at) from evidence e where e.session_sid = s.sid),
  (select max(p.created_at) from photos p where p.session_sid = s.sid))`;
const STARTED = `(s.status in ('exam_started', 'exam_finished') or s.in_progress_at is not null
  or exists (select 1 from evidence e where e.session_sid = s.sid))`;
/** The exam page opened the attempt (a registration alone has no client yet). */
const OPENED = 's.client_id is not null';

/** Closes every session abandoned for `afterMs` or longer; resolves with how many it closed. */
export async function closeAbandoned(db: Database, afterMs: number): Promise<number> {
  const due = await db.query<{ sid: string; test_attempt_id: string }>(
    `select s.sid, s.test_attempt_id from sessions s where s.closed_at is null and (${STARTED} or ${OPENED})
       and ${LAST_ACTIVITY} <= now() - make_interval(secs => $1::float8 / 1000) order by s.updated_at limit 500`,
    [afterMs],
  );
  let closed = 0;
  for (const s of due) if (await db.transaction((tx) => closeOne(tx, s.sid, s.test_attempt_id, afterMs))) closed++;
  return closed;
}

async function closeOne(tx: Queryable, sid: string, testAttemptId: string, afterMs: number): Promise<boolean> {
  // locked like a finish; checked again, since the page (or another instance) may have acted since
  const [row] = await tx.query<{ last: Date; started_at: Date | null; started: boolean }>(
    `select ${LAST_ACTIVITY} as last, s.started_at, ${STARTED} as started from sessions s where s.sid = $1
       and s.closed_at is null and ${LAST_ACTIVITY} <= now() - make_interval(secs => $2::float8 / 1000) for update`,
    [sid, afterMs],
  );
  if (!row) return false;
  if (!row.started) {
    // opened, never started: nothing to score
    await tx.query(
      `update sessions set closed_at = $2, close_reason = 'not_started', updated_at = now() where sid = $1`,
      [sid, row.last],
    );
    return true;
  }
  const { verdict } = await scoreSession(
    tx,
    sid,
    testAttemptId,
    new Date(row.last).getTime(),
    row.started_at ? new Date(row.started_at).getTime() : undefined,
  );
  await closeOngoingEvents(tx, sid);
  await tx.query(
    `update sessions set closed_at = $4, close_reason = 'abandoned', trust_score = $2, counts = $3, updated_at = now(),
       review_status = case when review_status = 'uncertain' then 'unreviewed' else review_status end
     where sid = $1`,
    [sid, verdict.trustScore, JSON.stringify(verdict.counts), row.last],
  );
  return true;
}

/**
 * Runs {@link closeAbandoned} now and then every `min(5 min, afterMs / 4)` (at least every second).
 * The returned function stops it and resolves once a run in progress has ended. Safe with any number
 * of instances on one database (each session is closed under its row lock, once). `afterMs` 0 turns
 * it off.
 */
export function sweepAbandoned(db: Database, afterMs: number, onError: (error: unknown) => void): () => Promise<void> {
  if (!(afterMs > 0)) return () => Promise.resolve();
  let stopped = false;
  let running: Promise<void> | undefined;
  const run = () => {
    if (stopped || running) return;
    running = closeAbandoned(db, afterMs)
      .then(() => undefined, onError)
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, Math.max(1000, Math.min(300_000, afterMs / 4)));
  timer.unref();
  run();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
