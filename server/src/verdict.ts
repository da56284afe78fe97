/** The server's verdict on an attempt: the package's Trust Score over the evidence it stored. */
import {
  computeTrustScore,
  type EvidenceRecord as PackageRecord,
  type TrustScoreResult,
} from 'proctor-elements/vocabulary';
import type { Queryable } from './db.js';

export interface StoredEvidenceRow {
  id: string;
  seq: number;
  code: number;
  type: PackageRecord['type'];
  started_at: Date;
  ended_at: Date | null;
  duration_ms: number | null;
}

/** A stored row as the package's record; a record still open counts until `endAt` (epoch ms). */
export function packageRecord(r: StoredEvidenceRow, attemptId: string, endAt: number): PackageRecord {
  const startedAt = new Date(r.started_at).getTime();
  const durationMs = r.duration_ms ?? (r.ended_at ? undefined : Math.max(0, endAt - startedAt));
  return { id: r.id, attemptId, seq: r.seq, code: r.code, type: r.type, startedAt, durationMs };
}

/**
 * Scores session `sid` from its stored evidence with the package's `computeTrustScore` and default
 * weights over the exam's span `startedAt`–`endAt` (epoch ms); records still open count until
 * `endAt`. Run it inside the transaction that holds the session row.
 */
export async function scoreSession(
  tx: Queryable,
  sid: string,
  attemptId: string,
  endAt: number,
  startedAt?: number,
): Promise<{ verdict: TrustScoreResult; evidenceCount: number }> {
  const rows = await tx.query<StoredEvidenceRow>(
    'select id::text as id, seq, code, type, started_at, ended_at, duration_ms from evidence where session_sid = $1',
    [sid],
  );
  // the exam's span: the face rule (a face missing for half of it or more means review) needs it
  const verdict = computeTrustScore(
    rows.map((r) => packageRecord(r, attemptId, endAt)),
    {},
    { startedAt, finishedAt: endAt },
  );
  return { verdict, evidenceCount: rows.length };
}
