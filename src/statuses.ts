/**
 * The four ProctorExam vocabularies (session, exam, check, review) with the human description of
 * each value and the tone a UI should give it. Plain data: no DOM, no Lit.
 */

export type Tone = 'neutral' | 'progress' | 'success' | 'warning' | 'danger';
export type StatusKind = 'session' | 'exam' | 'check' | 'review';

export const SESSION_STATUSES = [
  'registered',
  'email_sent',
  'after_check_req',
  'in_setup',
  'exam_not_started',
  'exam_started',
  'exam_finished',
] as const;
export const EXAM_STATUSES = ['draft', 'open', 'closed'] as const;
export const CHECK_STATUSES = ['not_started', 'not_completed', 'failed', 'succeeded'] as const;
/** The checks `<ap-requirements-check>` knows, in their default order. */
export const CHECK_NAMES = ['microphone', 'speakers', 'bandwidth', 'webcam', 'mobile', 'screenshare'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
export const REVIEW_STATUSES = [
  'unreviewed',
  'in_review',
  'uncertain',
  'is_reviewed_green',
  'is_reviewed_yellow',
  'is_reviewed_red',
  'unreviewable',
] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];
export type ExamStatus = (typeof EXAM_STATUSES)[number];
export type CheckStatus = (typeof CHECK_STATUSES)[number];
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export type AnyStatus = SessionStatus | ExamStatus | CheckStatus | ReviewStatus;

/** ProctorExam's review codes (strings: the leading zeros matter). */
export const REVIEW_CODES: Readonly<Record<ReviewStatus, string>> = {
  unreviewed: '00',
  in_review: '01',
  uncertain: '10',
  is_reviewed_green: '000',
  is_reviewed_yellow: '001',
  is_reviewed_red: '010',
  unreviewable: '011',
};

export interface StatusInfo {
  readonly kind: StatusKind;
  readonly value: AnyStatus;
  /** Short label for a badge. */
  readonly label: string;
  /** The human description of the value. */
  readonly description: string;
  readonly tone: Tone;
  /** Review code, for review statuses only. */
  readonly code?: string;
}

type Table<S extends string> = Readonly<Record<S, { label: string; description: string; tone: Tone }>>;

const SESSION: Table<SessionStatus> = {
  registered: {
    label: 'Registered',
    description: 'The candidate is registered for the exam.',
    tone: 'neutral',
  },
  email_sent: {
    label: 'Email sent',
    description: 'The invitation email with the exam link has been sent to the candidate.',
    tone: 'neutral',
  },
  after_check_req: {
    label: 'Checks done',
    description: 'The candidate has completed the system requirements check.',
    tone: 'progress',
  },
  in_setup: {
    label: 'In setup',
    description: 'The candidate is setting up camera, microphone and screen for the exam.',
    tone: 'progress',
  },
  exam_not_started: {
    label: 'Not started',
    description: 'The candidate left the setup without starting the exam.',
    tone: 'warning',
  },
  exam_started: {
    label: 'Exam started',
    description: 'The candidate has started the exam and is being proctored.',
    tone: 'progress',
  },
  exam_finished: {
    label: 'Exam finished',
    description: 'The candidate has finished the exam.',
    tone: 'success',
  },
};

const EXAM: Table<ExamStatus> = {
  draft: {
    label: 'Draft',
    description: 'The exam is being prepared; candidates cannot take it yet.',
    tone: 'neutral',
  },
  open: {
    label: 'Open',
    description: 'The exam is open: student instructions are set and candidates can take it.',
    tone: 'success',
  },
  closed: {
    label: 'Closed',
    description: 'The exam is closed: it was closed or its last start time has passed.',
    tone: 'neutral',
  },
};

const CHECK: Table<CheckStatus> = {
  not_started: { label: 'Not started', description: 'This check has not been run yet.', tone: 'neutral' },
  not_completed: {
    label: 'In progress',
    description: 'This check is running or waiting for the candidate.',
    tone: 'progress',
  },
  failed: { label: 'Failed', description: 'This check failed.', tone: 'danger' },
  succeeded: { label: 'Passed', description: 'This check succeeded.', tone: 'success' },
};

const REVIEW: Table<ReviewStatus> = {
  unreviewed: {
    label: 'Unreviewed',
    description: 'The session is finished and waits for a reviewer.',
    tone: 'neutral',
  },
  in_review: { label: 'In review', description: 'A reviewer is reviewing the session.', tone: 'progress' },
  uncertain: {
    label: 'Uncertain',
    description: 'The session has not been judged yet (the default for a new session).',
    tone: 'neutral',
  },
  is_reviewed_green: {
    label: 'Reviewed: green',
    description: 'Reviewed: no irregularities were found.',
    tone: 'success',
  },
  is_reviewed_yellow: {
    label: 'Reviewed: yellow',
    description: 'Reviewed: minor irregularities were found.',
    tone: 'warning',
  },
  is_reviewed_red: {
    label: 'Reviewed: red',
    description: 'Reviewed: serious irregularities were found.',
    tone: 'danger',
  },
  unreviewable: {
    label: 'Unreviewable',
    description: 'The session could not be reviewed (for example, recordings are missing).',
    tone: 'danger',
  },
};

const TABLES: Readonly<Record<StatusKind, Table<AnyStatus>>> = {
  session: SESSION as Table<AnyStatus>,
  exam: EXAM as Table<AnyStatus>,
  check: CHECK as Table<AnyStatus>,
  review: REVIEW as Table<AnyStatus>,
};

/** Which vocabulary each kind's values come from, in the order used to resolve a bare value. */
export const STATUS_KINDS: readonly StatusKind[] = ['session', 'check', 'review', 'exam'];

const VALUES: Readonly<Record<StatusKind, readonly string[]>> = {
  session: SESSION_STATUSES,
  exam: EXAM_STATUSES,
  check: CHECK_STATUSES,
  review: REVIEW_STATUSES,
};

export const isSessionStatus = (v: unknown): v is SessionStatus =>
  typeof v === 'string' && (SESSION_STATUSES as readonly string[]).includes(v);
export const isExamStatus = (v: unknown): v is ExamStatus =>
  typeof v === 'string' && (EXAM_STATUSES as readonly string[]).includes(v);
export const isCheckStatus = (v: unknown): v is CheckStatus =>
  typeof v === 'string' && (CHECK_STATUSES as readonly string[]).includes(v);
export const isReviewStatus = (v: unknown): v is ReviewStatus =>
  typeof v === 'string' && (REVIEW_STATUSES as readonly string[]).includes(v);

/** Every vocabulary that holds `value` (the four are disjoint today, so at most one). */
export function kindsOf(value: string): StatusKind[] {
  return STATUS_KINDS.filter((k) => VALUES[k].includes(value));
}

/**
 * Looks a status up. With `kind`, only that vocabulary is searched; without it, the first vocabulary
 * (in {@link STATUS_KINDS} order) that holds the value wins. Returns `undefined` for unknown values
 * and for an unknown `kind`; never throws.
 */
export function describeStatus(value: string, kind?: StatusKind): StatusInfo | undefined {
  const k = kind || kindsOf(value)[0];
  // an unknown kind (e.g. `kind="bogus"` from markup) knows no value: undefined, never a TypeError
  if (!k || !Object.hasOwn(VALUES, k) || !VALUES[k].includes(value)) return undefined;
  const row = TABLES[k][value as AnyStatus];
  return {
    kind: k,
    value: value as AnyStatus,
    ...row,
    ...(k === 'review' ? { code: REVIEW_CODES[value as ReviewStatus] } : {}),
  };
}

/** Every known status, for stories, docs and tests. */
export function allStatuses(): StatusInfo[] {
  return STATUS_KINDS.flatMap((k) => VALUES[k].map((v) => describeStatus(v, k)!));
}
