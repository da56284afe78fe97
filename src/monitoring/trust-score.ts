/**
 * The Trust Score (0–100): 100 minus a penalty per evidence type. A type's penalty is
 * `perEvent × events + perMinute × minutes of violation`, capped at `max`; the score is
 * `max(0, round(100 − Σ penalties))`. Below {@link REVIEW_THRESHOLD} the attempt needs review.
 *
 * The face rule: when the exam's span is known and the candidate's face was missing (`no_face`
 * plus `camera_lost` time) for at least `faceMissingShare` of it (default
 * {@link FACE_MISSING_SHARE}, half), the score is at most `REVIEW_THRESHOLD − 1`: the attempt goes
 * to review whatever its length. Per-minute weights alone cannot do that: a candidate never seen in
 * a 2-minute exam loses only a few points.
 *
 * The same for a second person: `multiple_people` time for at least `multiplePeopleShare` of the
 * exam (default {@link MULTIPLE_PEOPLE_SHARE}, a quarter) caps the score below review. A second
 * person is confirmed only after a persistent second face track, so this is rarely a false alarm,
 * and someone beside the candidate for a quarter of a short exam must not read "no review needed".
 */
import type { EvidenceRecord, EvidenceType } from '../reporting/types.js';

export interface PenaltyWeight {
  perEvent: number;
  perMinute: number;
  max: number;
}
export type TrustWeights = Record<EvidenceType, PenaltyWeight>;

export const REVIEW_THRESHOLD = 85;
/** The share of the exam (0–1) without a face from which an attempt always needs review. */
export const FACE_MISSING_SHARE = 0.5;

/** The share of the exam (0–1) with more than one person from which an attempt always needs review. */
export const MULTIPLE_PEOPLE_SHARE = 0.25;

/** The exam's span, for the face rule (epoch ms); without both ends the rule does not apply. */
export interface ExamSpan {
  startedAt?: number;
  finishedAt?: number;
  /** Override of {@link FACE_MISSING_SHARE} (0–1; 1 or more turns the rule off). */
  faceMissingShare?: number;
  /** Override of {@link MULTIPLE_PEOPLE_SHARE} (0–1; 1 or more turns the rule off). */
  multiplePeopleShare?: number;
}

export const DEFAULT_WEIGHTS: TrustWeights = {
  no_face: { perEvent: 3, perMinute: 4, max: 40 },
  multiple_people: { perEvent: 8, perMinute: 8, max: 60 },
  audio_above_background: { perEvent: 2, perMinute: 2, max: 20 },
  tab_switch: { perEvent: 4, perMinute: 4, max: 40 },
  returned_to_test: { perEvent: 0, perMinute: 0, max: 0 },
  multiple_monitors: { perEvent: 10, perMinute: 0, max: 20 },
  multiple_monitors_suspected: { perEvent: 0, perMinute: 0, max: 0 },
  fullscreen_exit: { perEvent: 3, perMinute: 3, max: 30 },
  random_photo: { perEvent: 0, perMinute: 0, max: 0 },
  camera_lost: { perEvent: 3, perMinute: 4, max: 30 },
  microphone_lost: { perEvent: 2, perMinute: 2, max: 20 },
  screen_share_lost: { perEvent: 3, perMinute: 4, max: 30 },
  second_camera_lost: { perEvent: 2, perMinute: 2, max: 20 },
  camera_frozen: { perEvent: 3, perMinute: 4, max: 30 },
  copy_paste: { perEvent: 2, perMinute: 0, max: 10 },
  detection_limited: { perEvent: 0, perMinute: 0, max: 0 },
  talking: { perEvent: 3, perMinute: 3, max: 30 },
};

export interface TrustScoreResult {
  trustScore: number;
  needsReview: boolean;
  counts: Partial<Record<EvidenceType, number>>;
  penalties: Partial<Record<EvidenceType, number>>;
  /** The share of the exam (0–1) the face was missing, when the exam's span was given. */
  faceMissing?: number;
  /** The share of the exam (0–1) with more than one person, when the exam's span was given. */
  multiplePeople?: number;
}

export function computeTrustScore(
  records: readonly EvidenceRecord[],
  weights: Partial<TrustWeights> = {},
  exam: ExamSpan = {},
): TrustScoreResult {
  const w = { ...DEFAULT_WEIGHTS, ...weights };
  const counts: Partial<Record<EvidenceType, number>> = {};
  const minutes: Partial<Record<EvidenceType, number>> = {};
  for (const r of records) {
    counts[r.type] = (counts[r.type] ?? 0) + 1;
    minutes[r.type] = (minutes[r.type] ?? 0) + (r.durationMs ?? 0) / 60_000;
  }
  const penalties: Partial<Record<EvidenceType, number>> = {};
  let total = 0;
  for (const type of Object.keys(counts) as EvidenceType[]) {
    const { perEvent, perMinute, max } = w[type];
    const p = Math.min(max, perEvent * counts[type]! + perMinute * minutes[type]!);
    penalties[type] = Math.round(p * 10) / 10;
    total += p;
  }
  let trustScore = Math.max(0, Math.round(100 - total));
  const span = (exam.finishedAt ?? NaN) - (exam.startedAt ?? NaN);
  let shares: { faceMissing: number; multiplePeople: number } | undefined;
  if (span > 0) {
    const share = (ms: number) => Math.round(Math.min(1, ms / span) * 1000) / 1000;
    shares = {
      faceMissing: share(((minutes.no_face ?? 0) + (minutes.camera_lost ?? 0)) * 60_000),
      multiplePeople: share((minutes.multiple_people ?? 0) * 60_000),
    };
    if (
      shares.faceMissing >= (exam.faceMissingShare ?? FACE_MISSING_SHARE) ||
      shares.multiplePeople >= (exam.multiplePeopleShare ?? MULTIPLE_PEOPLE_SHARE)
    )
      trustScore = Math.min(trustScore, REVIEW_THRESHOLD - 1);
  }
  return { trustScore, needsReview: trustScore < REVIEW_THRESHOLD, counts, penalties, ...shares };
}
