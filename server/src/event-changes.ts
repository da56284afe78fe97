/**
 * Changes of stored events, for sync jobs that page forward (issue 19). An event report is written
 * in place when its end arrives, when its photo lands, and when its session closes over it while it
 * is still `ongoing`; each such change — and the insert itself — takes the next `change_seq` (the
 * event's `changeSeq`) and `changed_at` (`changedDate`) under one lock held until commit, so both
 * grow in commit order: a reader that saw change N never sees a change ≤ N appear later, and a
 * client paging with `changedAfter` (or a `changedDate` window) sees every change after its cursor.
 */
import type { Queryable } from './db.js';
import { DURATIONAL_TYPES } from 'proctor-elements/vocabulary';

/**
 * One writer of evidence changes at a time, until commit. Take it after the session row's lock (the
 * order every writer uses) and before touching an evidence row.
 */
export const lockEvidenceWriters = (tx: Queryable) => tx.query('select pg_advisory_xact_lock(715518)');

/** `set` clause fragment: the row's next change (call under {@link lockEvidenceWriters}). */
export const NEXT_CHANGE = `change_seq = nextval('evidence_change_seq'), changed_at = clock_timestamp()`;

const DURATIONAL = [...DURATIONAL_TYPES];
/** SQL over `e` (evidence) and `s` (its session): a violation begun, not ended, in an open session. */
export const ONGOING_SQL = `(e.ended_at is null and s.closed_at is null and e.type = any('{${DURATIONAL.join(',')}}'::text[]))`;

/**
 * The session is closing (finish or abandon): its violations still open stop being `ongoing`, a
 * change a sync job must see. Call inside the closing transaction, after the session row's lock.
 */
export async function closeOngoingEvents(tx: Queryable, sessionSid: string): Promise<void> {
  await lockEvidenceWriters(tx);
  await tx.query(
    `update evidence set ${NEXT_CHANGE} where session_sid = $1 and ended_at is null and type = any($2::text[])`,
    [sessionSid, DURATIONAL],
  );
}
