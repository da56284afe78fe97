/**
 * The reporting API (SmarterProctoring's shape, `token` header): session details, event reports,
 * annotations, review status, install reports; plus the session and exam lists the reviewer
 * dashboard needs. Lists answer `{total, count, offset, limit, first, next, prev, last, results}`.
 */
import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify';
import type { Database } from './db.js';
import { HttpError, errorResponses, errorSchema } from './errors.js';
import { PHOTO_RESPONSE, sendPhoto } from './photo-response.js';
import { SID_PATTERN, sid } from './ids.js';
import {
  annotationSchema,
  byWeekSchema,
  eventListOf,
  eventSchema,
  examSchema,
  installEventSchema,
  listOf,
  sessionSchema,
  volumeSchema,
} from './schemas.js';
import { EXAM_STATUS_SQL, getExam } from './admin.js';
import { authorizeInstall, tokenInstall } from './auth.js';
import { ONGOING_SQL } from './event-changes.js';
import {
  EvidenceCode,
  REVIEW_CODES,
  REVIEW_STATUSES,
  SESSION_STATUSES,
  computeTrustScore,
  type EvidenceRecord,
  type EvidenceType,
  type ReviewStatus,
} from 'proctor-elements/vocabulary';

export interface ReportingOptions {
  db: Database;
  /** Reported as platformVersion. */
  version: string;
  /** Trust Scores below this mean "review required" (the package's default: 85). */
  reviewThreshold?: number;
}

const EVIDENCE_TYPES = Object.keys(EvidenceCode);
/** Reviewer-facing descriptions of the evidence types. */
const DESCRIPTIONS: Record<string, string> = {
  no_face: 'No face in view',
  multiple_people: 'More than one person in view',
  random_photo: 'Routine photo',
  audio_above_background: 'Sound above the background level',
  tab_switch: 'Left the exam page',
  returned_to_test: 'Returned to the exam page',
  multiple_monitors: 'More than one monitor connected',
  multiple_monitors_suspected: 'More than one monitor suspected (not a violation)',
  fullscreen_exit: 'Left full screen',
  camera_lost: 'Camera stopped',
  microphone_lost: 'Microphone stopped',
  screen_share_lost: 'Screen sharing stopped',
  second_camera_lost: 'Second camera stopped',
  camera_frozen: 'Camera picture frozen (the track stayed live)',
  copy_paste: 'Copy, cut or paste blocked',
  detection_limited: 'A detector could not run in this browser (see data.note)',
  talking: 'Someone talking',
};
const REVIEWED: ReadonlySet<string> = new Set([
  'is_reviewed_green',
  'is_reviewed_yellow',
  'is_reviewed_red',
  'unreviewable',
]);

const sidParam = (prefix: Parameters<typeof SID_PATTERN>[0]) => ({ type: 'string', pattern: SID_PATTERN(prefix) });
const sessionParams = {
  type: 'object',
  required: ['installSid', 'examSid', 'sessionSid'],
  properties: { installSid: sidParam('AI'), examSid: sidParam('EX'), sessionSid: sidParam('ES') },
} as const;
// SmarterProctoring's paging rules: offset empty or absent on the first call; limit 0 or absent means
// the default, above the maximum it is the maximum. Query integers are coerced; anything else is a 400.
const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 50;
const paging = {
  // bounded: a coerced "1e999" is Infinity, which no SQL can take
  offset: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'items to skip; empty or absent: 0' },
  limit: {
    type: 'integer',
    minimum: 0,
    maximum: 2147483647,
    description: `items per page; 0, empty or absent: ${DEFAULT_LIMIT}; above ${MAX_LIMIT}: ${MAX_LIMIT}`,
  },
  sortOrder: { type: 'string', enum: ['ASC', 'DESC', 'asc', 'desc'], description: 'default ASC' },
} as const;
const sortKeys = (keys: readonly string[]) => ({
  type: 'array',
  items: { type: 'string', minLength: 1 },
  description: `sort keys, repeated (sortKeys=a&sortKeys=b) or as a comma list: ${keys.join(', ')}; default ${keys[0]}`,
});
const dateRange = {
  from: { type: 'string', format: 'date-time', description: 'only items at or after this ISO date-time' },
  to: { type: 'string', format: 'date-time', description: 'only items before this ISO date-time' },
} as const;
const security = [{ token: [] }];

interface Paging {
  offset?: number;
  limit?: number;
  sortOrder?: 'ASC' | 'DESC' | 'asc' | 'desc';
}

/**
 * offset and limit after SmarterProctoring's rules. They reach SQL as numbers, so anything but a
 * safe whole number (a coerced "1e999" is Infinity) is a 400 here, whatever the schema let through.
 */
const limits = (q: Paging) => {
  for (const key of ['offset', 'limit'] as const) {
    const v = q[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0 || v > 2147483647))
      throw new HttpError(400, 'invalid_request', `querystring/${key} must be a whole number from 0 to 2147483647.`);
  }
  return { offset: q.offset ?? 0, limit: q.limit ? Math.min(q.limit, MAX_LIMIT) : DEFAULT_LIMIT };
};
const direction = (q: Paging) => (q.sortOrder?.toUpperCase() === 'DESC' ? 'desc' : 'asc');

/**
 * The list envelope, with page URLs that keep the request's other query parameters. `keyset`: a
 * list paged by cursor (the sessions list): `offset` is the page's position, `next` the URL with
 * `after` (null on the last page), and the other page URLs are by offset, without `after`.
 */
function page<T>(
  request: FastifyRequest,
  total: number,
  q: Paging,
  results: T[],
  keyset?: { offset: number; after: string | null },
) {
  const limit = limits(q).limit;
  const offset = keyset ? keyset.offset : limits(q).offset;
  const url = (o: number | { after: string }) => {
    const [path, query = ''] = request.url.split('?');
    const params = new URLSearchParams(query);
    params.delete('after');
    params.delete('offset');
    if (typeof o === 'number') params.set('offset', String(o));
    else params.set('after', o.after);
    params.set('limit', String(limit));
    return `${path}?${params.toString()}`;
  };
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  return {
    total,
    count: results.length,
    offset,
    limit,
    first: url(0),
    next: keyset
      ? keyset.after
        ? url({ after: keyset.after })
        : null
      : offset + limit < total
        ? url(offset + limit)
        : null,
    prev: offset > 0 ? url(Math.max(0, offset - limit)) : null,
    last: url(lastOffset),
    results,
  };
}
const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * The sessions list's cursor (`after`, in `next`): the last row's createdDate as the database
 * holds it (microseconds; its text form) and its sid, as base64url JSON. Keyset paging by
 * (createdDate, sid) cannot be moved by a change of status, review status or Trust Score.
 */
const sessionCursor = (createdText: string, sid: string, order: 'asc' | 'desc') =>
  Buffer.from(JSON.stringify([createdText, sid, order])).toString('base64url');
/** The cursor's position; a cursor of the other direction is refused (it would give a wrong page). */
function readSessionCursor(raw: string, order: 'asc' | 'desc'): [string, string] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'string' ||
    !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/.test(value[0]) ||
    Number.isNaN(Date.parse(value[0].replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))) ||
    !/^[A-Za-z0-9]{1,100}$/.test(value[1])
  )
    throw new HttpError(
      400,
      'invalid_request',
      'querystring/after: not a cursor this server gave; follow `next` as it is.',
    );
  if (value[2] !== order)
    throw new HttpError(
      400,
      'invalid_request',
      `querystring/after: this cursor pages the ${String(value[2]).slice(0, 10)} order, not sortOrder ${order.toUpperCase()}; follow \`next\` as it is.`,
    );
  return [value[0], value[1]];
}

interface SessionRow {
  sid: string;
  install_sid: string;
  exam_sid: string;
  client_id: string | null;
  test_attempt_id: string;
  status: string;
  review_status: ReviewStatus;
  tracking_options: Record<string, unknown> | null;
  user_details: Record<string, string | number | boolean> | null;
  show_how_to_video: boolean | null;
  close_reason: 'finished' | 'abandoned' | 'not_started' | null;
  checks: Record<string, string | boolean> | null;
  started_at: Date | null;
  finished_at: Date | null;
  trust_score: number | null;
  counts: Record<string, number> | null;
  client_trust_score: number | null;
  client_counts: Record<string, number> | null;
  closed_at: Date | null;
  created_at: Date;
  candidate_email: string | null;
  candidate_name: string | null;
  emailed_at: Date | null;
  system_check_end_at: Date | null;
  setup_at: Date | null;
  in_progress_at: Date | null;
  review_completed_at: Date | null;
  updated_at: Date;
  report_count: number;
  photo_sids: string[];
  annotation_count: number;
  exam_name: string | null;
  exam_status: string | null;
  install_name: string;
  first_evidence_at: Date | null;
  /** evidence type → [records, milliseconds so far] */
  by_type: Record<string, [number, number]> | null;
  sp_status: SmarterStatus;
}

/**
 * SmarterProctoring's session status names, on their `status` field, so their sync jobs see when a
 * session is over without learning ProctorExam's vocabulary (which stays in `sessionStatus`):
 * `Scheduled` (not started), `In Progress` (started, or evidence arrived), `Processing` (the page
 * reported the end, the finish with its verdict has not arrived), `Closed` (finished: the server's
 * verdict is final; terminal), `Cancelled` (the exam closed before the attempt started; terminal).
 */
export const SMARTER_STATUSES = ['Scheduled', 'In Progress', 'Processing', 'Closed', 'Cancelled'] as const;
export type SmarterStatus = (typeof SMARTER_STATUSES)[number];
/** Status names SmarterProctoring documents that proctor-elements never sets: accepted as filters. */
const OTHER_SMARTER_STATUSES = ['Needs Proctor', 'Pending Approval', 'Approval Denied', 'Incident'];
const HAS_PHOTO = `(e.photo is not null or exists (select 1 from photos p
  where p.session_sid = e.session_sid and p.evidence_id = e.id))`;
const HAS_EVIDENCE = 'exists (select 1 from evidence e where e.session_sid = s.sid)';
const SESSIONS = `select * from (select s.*, x.name as exam_name, ${EXAM_STATUS_SQL('x')} as exam_status,
  i.name as install_name,
  (select count(*)::int from evidence e where e.session_sid = s.sid) as report_count,
  (select coalesce(json_agg(e.report_sid order by e.created_seq), '[]'::json) from evidence e
    where e.session_sid = s.sid and ${HAS_PHOTO}) as photo_sids,
  (select count(*)::int from annotations a where a.session_sid = s.sid) as annotation_count,
  (select min(e.started_at) from evidence e where e.session_sid = s.sid) as first_evidence_at,
  (select json_object_agg(t.type, json_build_array(t.n, t.ms)) from (select e.type, count(*)::int as n,
     sum(coalesce(e.duration_ms, greatest(0, extract(epoch from now() - e.started_at) * 1000)))::float8 as ms
     from evidence e where e.session_sid = s.sid group by e.type) t) as by_type,
  case when s.closed_at is not null and s.close_reason = 'not_started' then 'Cancelled'
       when s.closed_at is not null then 'Closed'
       when s.status = 'exam_finished' then 'Processing'
       when s.status = 'exam_started' or s.in_progress_at is not null or ${HAS_EVIDENCE} then 'In Progress'
       when x.sid is not null and ${EXAM_STATUS_SQL('x')} = 'closed' then 'Cancelled'
       else 'Scheduled' end as sp_status
  from sessions s join installs i on i.sid = s.install_sid left join exams x on x.sid = s.exam_sid) v`;

const textOf = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** The Trust Score so far, from per-type counts and durations (open records count until now). */
function provisionalScore(byType: Record<string, [number, number]> | null) {
  const records: EvidenceRecord[] = Object.entries(byType ?? {}).flatMap(([type, [n, ms]]) =>
    Array.from({ length: n }, () => ({
      id: '',
      attemptId: '',
      seq: 0,
      code: 0,
      type: type as EvidenceType,
      startedAt: 0,
      durationMs: ms / n,
    })),
  );
  return computeTrustScore(records).trustScore;
}

interface EvidenceRow {
  id: string;
  report_sid: string;
  session_sid: string;
  exam_sid: string;
  install_sid: string;
  seq: number;
  code: number;
  type: string;
  started_at: Date;
  ended_at: Date | null;
  duration_ms: number | null;
  data: Record<string, unknown> | null;
  has_photo: boolean;
  photo_pending: boolean;
  received_at: Date;
  change_seq: number;
  changed_at: Date;
  ongoing: boolean;
  test_attempt_id?: string;
}
const EVIDENCE_SELECT = `select e.id::text as id, e.report_sid, e.session_sid, s.exam_sid, s.install_sid, s.test_attempt_id,
  e.seq, e.code, e.type, e.started_at, e.ended_at, e.duration_ms, e.data, e.received_at,
  e.change_seq::float8 as change_seq, e.changed_at, ${ONGOING_SQL} as ongoing, ${HAS_PHOTO} as has_photo, (e.photo_pending and not ${HAS_PHOTO}) as photo_pending
  from evidence e join sessions s on s.sid = e.session_sid`;

const STATUS_REASONS: Record<SmarterStatus, string | null> = {
  Scheduled: null,
  'In Progress': null,
  Processing: 'The exam page reported the end; the finish with its verdict has not arrived yet.',
  Closed: null,
  Cancelled: 'The exam closed before this attempt started.',
};

const NOT_STARTED_REASON =
  'Not started: the exam page opened this attempt and sent nothing for the inactivity limit (ABANDON_AFTER_HOURS) without starting the exam.';
const ABANDONED_REASON =
  'Abandoned: the exam page sent nothing for the inactivity limit (ABANDON_AFTER_HOURS) without finishing; scored from the evidence received up to its last word (closedDate). What it sends later is stored and listed; the verdict stays.';

const EVENT_SORT: Record<string, string> = {
  createdDate: 'e.created_seq',
  startedDate: 'e.started_at',
  seq: 'e.seq',
  durationMs: 'e.duration_ms',
  type: 'e.type',
  receivedDate: 'e.received_at',
  changeSeq: 'e.change_seq',
  changedDate: 'e.change_seq',
};
const EXAM_SORT: Record<string, string> = { createdDate: 'x.created_at' };
const SESSION_SORT: Record<string, string> = {
  createdDate: 'v.created_at',
  status: 'v.status',
  trustScore: 'v.trust_score',
};

/**
 * A preValidation hook: the integer query parameters `names` take plain decimal digits only. The
 * query validator coerces text to numbers, which would also read "0x10", "1e3", " 5" or "+5"; those
 * are a 400 naming the parameter here, before the validator sees them.
 */
function plainIntegers(names: string[]): preValidationHookHandler {
  return (request, _reply, done) => {
    const q = (request.query ?? {}) as Record<string, unknown>;
    for (const name of names) {
      const given = q[name];
      for (const v of Array.isArray(given) ? given : given === undefined ? [] : [given])
        if (typeof v === 'string' && !/^[0-9]+$/.test(v))
          return done(
            new HttpError(
              400,
              'invalid_request',
              `querystring/${name} must be a whole number in decimal digits (0-9 only), not ${JSON.stringify(v.slice(0, 20))}.`,
            ),
          );
    }
    done();
  };
}

export function reportingRoutes(app: FastifyInstance, options: ReportingOptions) {
  const { db, version, reviewThreshold = 85 } = options;
  // every route registered below: its integer query parameters take decimal digits only
  let registering = true;
  app.addHook('onRoute', (route) => {
    if (!registering) return;
    const props = (route.schema?.querystring as { properties?: Record<string, { type?: unknown }> } | undefined)
      ?.properties;
    const names = Object.entries(props ?? {})
      .filter(([, p]) => p.type === 'integer')
      .map(([name]) => name);
    if (!names.length) return;
    const hooks = route.preValidation;
    route.preValidation = [...(Array.isArray(hooks) ? hooks : hooks ? [hooks] : []), plainIntegers(names)];
  });

  const sessionView = (s: SessionRow) => {
    // started: the client's exam_started, else the first evidence, else (finished) the attempt's start
    const inProgress =
      s.in_progress_at ??
      s.first_evidence_at ??
      (s.closed_at && s.close_reason !== 'not_started' ? s.started_at : null);
    const end = s.finished_at ?? s.closed_at;
    const duration =
      inProgress && end && s.sp_status === 'Closed'
        ? Math.max(0, Math.round((+new Date(end) - +new Date(inProgress)) / 1000))
        : null;
    const closed = s.sp_status === 'Closed';
    const base = `/v1/installs/${s.install_sid}/exams/${s.exam_sid}/sessions/${s.sid}`;
    return {
      // SmarterProctoring's Exam Session Details fields (null where proctor-elements has no such thing)
      sid: s.sid,
      installSid: s.install_sid,
      examSid: s.exam_sid,
      enrollmentSid: null,
      userSid: null,
      courseSid: null,
      instructorProctorSid: null,
      proctorTypeSid: null,
      cancellationPolicySid: null,
      cancellationPolicyVersionSid: null,
      status: s.sp_status,
      statusReason:
        s.close_reason === 'not_started'
          ? NOT_STARTED_REASON
          : s.sp_status === 'Closed' && s.close_reason === 'abandoned'
            ? ABANDONED_REASON
            : STATUS_REASONS[s.sp_status],
      accessKey: null,
      duration,
      sessionType: 'automated',
      schedulingModule: null,
      proctorReviewProcessSid: null,
      workflowModule: null,
      appointmentDate: null,
      appointmentEndDate: null,
      dateApproved: null,
      dateScheduled: s.candidate_email ? iso(s.created_at) : null,
      createdDate: iso(s.created_at),
      inProgressDate: iso(inProgress),
      externalAppointmentId: null,
      externalReservedAppointmentId: null,
      externalReservedAppointmentExpires: null,
      externalAppointmentSyncDate: null,
      editDate: iso(s.updated_at),
      notes: null,
      recordingStartDate: iso(s.started_at),
      account: null,
      install: { sid: s.install_sid, name: s.install_name },
      deployment: null,
      sessionReportCount: s.report_count,
      series: null,
      reviewByDate: null,
      reviewByUserSid: null,
      reviewCompletedDate: iso(s.review_completed_at),
      // final once Closed (the server's verdict); until then from the evidence stored so far
      reviewRequired:
        (closed && s.trust_score !== null ? s.trust_score : provisionalScore(s.by_type)) < reviewThreshold,
      reviewCompleteNotificationUrl: null,
      reviewed: REVIEWED.has(s.review_status),
      proctorGroups: null,
      URL: null,
      examLocale: null,
      platformVersion: `proctor-elements ${version}`,
      systemCheckStartDate: null,
      systemCheckEndDate: iso(s.system_check_end_at),
      modalityOptions: null,
      exam: s.exam_sid ? { sid: s.exam_sid, title: s.exam_name, status: s.exam_status } : null,
      enrollment: null,
      course: null,
      examFile: null,
      returnedFile: null,
      photos: s.photo_sids.map((sid) => ({ eventReportSid: sid, url: `${base}/events/${sid}/photo` })),
      // ours
      /** ProctorExam's session status (the candidate's progress), as the exam page reported it. */
      sessionStatus: s.status,
      closedDate: iso(s.closed_at),
      /** Why it is Closed: the page finished it, or it was abandoned (no word from the page; see abandon.ts). */
      closeReason: s.closed_at ? (s.close_reason ?? 'finished') : null,
      testAttemptId: s.test_attempt_id,
      clientId: s.client_id,
      // registered with the exam, else what the exam page sent as userDetails.name / .email
      candidateName: s.candidate_name ?? textOf(s.user_details?.name),
      candidateEmail: s.candidate_email ?? textOf(s.user_details?.email),
      userDetails: s.user_details,
      showHowToVideo: s.show_how_to_video,
      emailSentDate: iso(s.emailed_at),
      setupDate: iso(s.setup_at),
      finishedDate: iso(s.finished_at),
      /** The server's, computed at finish from the evidence it stored (null until Closed). */
      trustScore: s.trust_score,
      counts: s.counts,
      /** What the exam page computed (advisory, never used for reviewRequired). */
      clientTrustScore: s.client_trust_score,
      clientCounts: s.client_counts,
      trackingOptions: s.tracking_options,
      /** ProctorExam-style per-check statuses ({passed, microphone: 'succeeded', …}), null without a check run. */
      checks: s.checks,
      reviewStatus: s.review_status,
      reviewCode: REVIEW_CODES[s.review_status],
      photoCount: s.photo_sids.length,
      annotationCount: s.annotation_count,
    };
  };

  const eventView = (e: EvidenceRow, base: string) => {
    const reportSid = e.report_sid;
    return {
      sid: reportSid,
      sessionSid: e.session_sid,
      examSid: e.exam_sid,
      installSid: e.install_sid,
      ...(e.test_attempt_id !== undefined ? { testAttemptId: e.test_attempt_id } : {}),
      evidenceId: e.id,
      seq: e.seq,
      code: e.code,
      type: e.type,
      description: DESCRIPTIONS[e.type] ?? e.type,
      startedDate: iso(e.started_at),
      endedDate: iso(e.ended_at),
      durationMs: e.duration_ms,
      data: e.data,
      hasPhoto: e.has_photo,
      /** The record announced a photo that has not reached the server yet (photoUrl is null until it does). */
      photoPending: e.photo_pending,
      photoUrl: e.has_photo ? `${base}/events/${reportSid}/photo` : null,
      receivedDate: iso(e.received_at),
      /** When the server stored the record (SmarterProctoring's createdDate; the default order). */
      createdDate: iso(e.received_at),
      /** A violation begun and not ended yet, in a session still open: its end will change this report. */
      ongoing: e.ongoing,
      /** This report's last change (stored, ended, photo landed, session closed over it): the sync cursor. */
      changeSeq: e.change_seq,
      changedDate: iso(e.changed_at),
    };
  };
  const sessionBase = (p: { installSid: string; examSid: string; sessionSid: string }) =>
    `/v1/installs/${p.installSid}/exams/${p.examSid}/sessions/${p.sessionSid}`;

  const authorize = (request: FastifyRequest, installSid: string) => authorizeInstall(db, request, installSid);
  async function sessionRow(p: { installSid: string; examSid: string; sessionSid: string }) {
    const [s] = await db.query<SessionRow>(`${SESSIONS} where v.sid = $1 and v.install_sid = $2 and v.exam_sid = $3`, [
      p.sessionSid,
      p.installSid,
      p.examSid,
    ]);
    if (!s) throw new HttpError(404, 'unknown_session', `No session ${p.sessionSid} in exam ${p.examSid}.`);
    return s;
  }
  /** A repeatable parameter given repeated and/or as comma lists: its values. */
  const values = (v: string[] | undefined) =>
    (v ?? [])
      .flatMap((x) => x.split(','))
      .map((x) => x.trim())
      .filter(Boolean);
  /** `where` clauses for types and the event time range over evidence, appended to params. */
  function evidenceFilters(q: EventsQuery, params: unknown[]) {
    const where: string[] = [];
    const types = values(q.types);
    if (types.length) {
      const unknown = types.find((t) => !EVIDENCE_TYPES.includes(t));
      if (unknown)
        throw new HttpError(400, 'invalid_request', `querystring/types: unknown evidence type "${unknown}".`);
      where.push(`e.type = any($${params.push(types)})`);
    }
    // from / to: what happened then (the event's own span overlaps the window; a violation still
    // going on reaches to now); eventTimeRangeStart / End: the sync window, on createdDate (when the
    // server stored the record), which never changes: offsets over a window never skip or repeat
    if (q.from)
      where.push(
        `coalesce(e.ended_at, case when ${ONGOING_SQL} then 'infinity'::timestamptz end, e.started_at) >= $${params.push(q.from)}`,
      );
    if (q.to) where.push(`e.started_at < $${params.push(q.to)}`);
    if (q.eventTimeRangeStart) where.push(`e.received_at >= $${params.push(q.eventTimeRangeStart)}`);
    if (q.eventTimeRangeEnd) where.push(`e.received_at < $${params.push(q.eventTimeRangeEnd)}`);
    if (q.changedAfter !== undefined) {
      if (!Number.isSafeInteger(q.changedAfter) || q.changedAfter < 0)
        throw new HttpError(400, 'invalid_request', 'querystring/changedAfter must be a whole number from 0.');
      where.push(`e.change_seq > $${params.push(q.changedAfter)}`);
    }
    return where;
  }
  const orderBy = (q: Paging & { sortKeys?: string[] }, columns: Record<string, string>, tiebreak: string) => {
    const allowed = Object.keys(columns);
    const list = values(q.sortKeys);
    if (!list.length) list.push(allowed[0]);
    const bad = list.find((k) => !allowed.includes(k));
    if (bad !== undefined)
      throw new HttpError(
        400,
        'invalid_request',
        `querystring/sortKeys: "${bad}" is not one of ${allowed.join(', ')}.`,
      );
    const dir = direction(q);
    return `order by ${list.map((k) => `${columns[k]} ${dir} nulls last`).join(', ')}, ${tiebreak} ${dir}`;
  };

  // --- who am I: the dashboard starts here ---------------------------------------------------------
  app.get(
    '/v1/me',
    {
      schema: {
        tags: ['reporting'],
        summary: 'The install the token belongs to',
        security,
        response: {
          200: { type: 'object', properties: { installSid: { type: 'string' }, name: { type: 'string' } } },
          401: errorSchema,
        },
      },
    },
    async (request) => {
      const installSid = await tokenInstall(db, request);
      const [install] = await db.query<{ name: string }>('select name from installs where sid = $1', [installSid]);
      return { installSid, name: install.name };
    },
  );

  app.get<{ Params: { installSid: string }; Querystring: Paging & { sortKeys?: string[] } }>(
    '/v1/installs/:installSid/exams',
    {
      schema: {
        tags: ['reporting'],
        summary: 'List the exams of an install',
        description:
          'Paged like every list: offset, limit, sortKeys (createdDate), sortOrder; oldest first unless sortOrder=DESC. Unknown parameters are ignored.',
        security,
        params: { type: 'object', required: ['installSid'], properties: { installSid: sidParam('AI') } },
        querystring: { type: 'object', properties: { ...paging, sortKeys: sortKeys(Object.keys(EXAM_SORT)) } },
        response: { 200: listOf(examSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { installSid } = request.params;
      await authorize(request, installSid);
      const q = request.query;
      const { offset, limit } = limits(q);
      const order = orderBy(q, EXAM_SORT, 'x.sid');
      const [{ total }] = await db.query<{ total: number }>(
        'select count(*)::int as total from exams x where x.install_sid = $1',
        [installSid],
      );
      const rows = await db.query<{ sid: string }>(
        `select x.sid from exams x where x.install_sid = $1 ${order} offset ${offset} limit ${limit}`,
        [installSid],
      );
      return page(request, total, q, await Promise.all(rows.map((r) => getExam(db, installSid, r.sid))));
    },
  );

  app.get<{ Params: { installSid: string; examSid: string } }>(
    '/v1/installs/:installSid/exams/:examSid',
    {
      schema: {
        tags: ['reporting'],
        summary: 'Exam details (status draft / open / closed)',
        security,
        params: {
          type: 'object',
          required: ['installSid', 'examSid'],
          properties: { installSid: sidParam('AI'), examSid: sidParam('EX') },
        },
        response: { 200: examSchema, ...errorResponses },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      return getExam(db, request.params.installSid, request.params.examSid);
    },
  );

  const STATUS_FILTERS = [...SMARTER_STATUSES, ...OTHER_SMARTER_STATUSES, ...SESSION_STATUSES];
  app.get<{
    Params: { installSid: string; examSid: string };
    Querystring: Paging & {
      status?: string[];
      sessionStatus?: string[];
      reviewStatus?: string[];
      sortKeys?: string[];
      includeActive?: boolean;
      after?: string;
    };
  }>(
    '/v1/installs/:installSid/exams/:examSid/sessions',
    {
      schema: {
        tags: ['reporting'],
        summary: "List an exam's sessions",
        description:
          "SmarterProctoring's parameters: offset, limit, sortKeys (createdDate, status, trustScore), sortOrder, status (their names: Scheduled, In Progress, Processing, Closed, Cancelled; the other names they document are accepted and match nothing; ProctorExam's session statuses are accepted too), includeActive (accepted, ignored: every session is listed). Ours: sessionStatus, reviewStatus. Repeatable parameters may also be comma lists. Unknown parameters are ignored.",
        security,
        params: {
          type: 'object',
          required: ['installSid', 'examSid'],
          properties: { installSid: sidParam('AI'), examSid: sidParam('EX') },
        },
        querystring: {
          type: 'object',
          properties: {
            ...paging,
            status: {
              type: 'array',
              items: { type: 'string' },
              description: `repeatable / comma list of ${STATUS_FILTERS.join(', ')}`,
            },
            sessionStatus: {
              type: 'array',
              items: { type: 'string' },
              description: `repeatable / comma list of ${SESSION_STATUSES.join(', ')}`,
            },
            reviewStatus: {
              type: 'array',
              items: { type: 'string' },
              description: `repeatable / comma list of ${REVIEW_STATUSES.join(', ')}`,
            },
            sortKeys: sortKeys(Object.keys(SESSION_SORT)),
            includeActive: { type: 'boolean', description: "SmarterProctoring's; accepted and ignored" },
            after: {
              type: 'string',
              maxLength: 400,
              description:
                'the cursor `next` carries in the createdDate order (the default): the page after that session. Paging by it, a session whose status changes between pages is neither repeated nor skipped; `offset` is then ignored. A cursor pages the sortOrder it was given in (another: 400).',
            },
          },
        },
        response: { 200: listOf(sessionSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { installSid, examSid } = request.params;
      await authorize(request, installSid);
      await getExam(db, installSid, examSid);
      const q = request.query;
      const { offset, limit } = limits(q);
      const params: unknown[] = [installSid, examSid];
      const where = ['v.install_sid = $1', 'v.exam_sid = $2'];
      const filter = (name: string, given: string[] | undefined, allowed: readonly string[]) => {
        const list = values(given);
        const bad = list.find((x) => !allowed.includes(x));
        if (bad)
          throw new HttpError(
            400,
            'invalid_request',
            `querystring/${name}: "${bad}" is not one of ${allowed.join(', ')}.`,
          );
        return list.length ? list : undefined;
      };
      const status = filter('status', q.status, STATUS_FILTERS);
      if (status) {
        const n = params.push(status);
        where.push(`(v.sp_status = any($${n}) or v.status = any($${n}))`);
      }
      const sessionStatus = filter('sessionStatus', q.sessionStatus, SESSION_STATUSES);
      if (sessionStatus) where.push(`v.status = any($${params.push(sessionStatus)})`);
      const reviewStatus = filter('reviewStatus', q.reviewStatus, REVIEW_STATUSES);
      if (reviewStatus) where.push(`v.review_status = any($${params.push(reviewStatus)})`);
      const order = orderBy(q, SESSION_SORT, 'v.sid');
      const [{ total }] = await db.query<{ total: number }>(
        `select count(*)::int as total from (${SESSIONS} where ${where.join(' and ')}) c`,
        params,
      );
      // in the createdDate order (the default), `next` is a keyset cursor: a session whose status
      // changes between pages (leaving or entering a status filter) cannot shift the pages after it
      const keyset = values(q.sortKeys).every((k) => k === 'createdDate');
      if (q.after !== undefined && !keyset)
        throw new HttpError(
          400,
          'invalid_request',
          'querystring/after pages in the createdDate order only (no other sortKeys).',
        );
      if (!keyset) {
        const rows = await db.query<SessionRow>(
          `${SESSIONS} where ${where.join(' and ')} ${order} offset ${offset} limit ${limit}`,
          params,
        );
        return page(request, total, q, rows.map(sessionView));
      }
      const before = direction(q) === 'asc' ? '<=' : '>=';
      let position = offset;
      if (q.after !== undefined) {
        const [createdText, sid] = readSessionCursor(q.after, direction(q));
        const at = params.push(createdText);
        params.push(sid);
        const [{ n }] = await db.query<{ n: number }>(
          `select count(*)::int as n from (${SESSIONS} where ${where.join(' and ')}
             and (v.created_at, v.sid) ${before} ($${at}::timestamptz, $${at + 1})) c`,
          params,
        );
        position = n;
        where.push(`(v.created_at, v.sid) ${before === '<=' ? '>' : '<'} ($${at}::timestamptz, $${at + 1})`);
      }
      // one row more than the page: whether there is a next page
      const rows = await db.query<SessionRow & { cursor_at: string }>(
        `${SESSIONS.replace(/^select \* from/, 'select v.*, v.created_at::text as cursor_at from')}
           where ${where.join(' and ')} ${order} offset ${q.after === undefined ? offset : 0} limit ${limit + 1}`,
        params,
      );
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      return page(request, total, q, shown.map(sessionView), {
        offset: position,
        after: rows.length > limit && last ? sessionCursor(last.cursor_at, last.sid, direction(q)) : null,
      });
    },
  );

  app.get<{ Params: { installSid: string; examSid: string; sessionSid: string } }>(
    '/v1/installs/:installSid/exams/:examSid/sessions/:sessionSid',
    {
      schema: {
        tags: ['reporting'],
        summary: 'Exam Session Details',
        description:
          "SmarterProctoring's session-details fields (null where proctor-elements has no such value), then ours: testAttemptId, trustScore, counts, reviewStatus, reviewCode, photoCount, annotationCount …",
        security,
        params: sessionParams,
        response: { 200: sessionSchema, ...errorResponses },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      return sessionView(await sessionRow(request.params));
    },
  );

  app.put<{
    Params: { installSid: string; examSid: string; sessionSid: string };
    Body: { status?: ReviewStatus; code?: string };
  }>(
    '/v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/review',
    {
      schema: {
        tags: ['reporting'],
        summary: 'Set the review status',
        description:
          "ProctorExam's review vocabulary: give `status` or its `code` (or both, agreeing). Setting a reviewed status (is_reviewed_* or unreviewable) stamps reviewCompletedDate.",
        security,
        params: sessionParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            status: { type: 'string', enum: [...REVIEW_STATUSES] },
            code: { type: 'string', enum: Object.values(REVIEW_CODES) },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, code: { type: 'string' }, reviewed: { type: 'boolean' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      const session = await sessionRow(request.params);
      const { status, code } = request.body;
      const byCode = code
        ? (Object.keys(REVIEW_CODES) as ReviewStatus[]).find((k) => REVIEW_CODES[k] === code)
        : undefined;
      if (status && byCode && status !== byCode)
        throw new HttpError(400, 'invalid_request', `body: status "${status}" and code "${code}" disagree.`);
      const next = (status ?? byCode)!;
      const reviewed = REVIEWED.has(next);
      await db.query(
        `update sessions set review_status = $2, updated_at = now(),
           review_completed_at = case when $3::boolean then coalesce(review_completed_at, now()) else null end
         where sid = $1`,
        [session.sid, next, reviewed],
      );
      return { status: next, code: REVIEW_CODES[next], reviewed };
    },
  );

  const eventsQuery = {
    ...paging,
    from: {
      type: 'string',
      format: 'date-time',
      description:
        'what happened then: only events that end at or after this ISO date-time (one without an end: its start; a violation still ongoing: now)',
    },
    to: { type: 'string', format: 'date-time', description: 'only events that started before this ISO date-time' },
    eventTimeRangeStart: {
      type: 'string',
      format: 'date-time',
      description:
        "SmarterProctoring's, the sync window: only events the server stored (createdDate) at or after this ISO date-time",
    },
    eventTimeRangeEnd: {
      type: 'string',
      format: 'date-time',
      description:
        "SmarterProctoring's, the sync window: only events the server stored (createdDate) before this ISO date-time; end it 10 s or more before now (a record is visible a moment after its createdDate)",
    },
    changedAfter: {
      type: 'integer',
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description:
        "the sync cursor: only events whose changeSeq is greater, in changeSeq order (sortKeys and sortOrder are then ignored); start with 0, then pass the answer's cursor. An event that changes later (its end, its photo, its session closing) comes again after the cursor, with its new state",
    },
    types: {
      type: 'array',
      items: { type: 'string' },
      description: 'evidence types, repeated or as a comma list, e.g. no_face,tab_switch',
    },
    sortKeys: sortKeys(Object.keys(EVENT_SORT)),
  } as const;
  type EventsQuery = Paging & {
    changedAfter?: number;
    types?: string[];
    from?: string;
    to?: string;
    eventTimeRangeStart?: string;
    eventTimeRangeEnd?: string;
    sortKeys?: string[];
  };
  const EVENTS_DESCRIPTION =
    "Default order: createdDate (when the server stored each record: insertion order), so paging ASC while records are still arriving — late ones included — never skips or repeats one. An event is written in place when its end arrives, when its photo lands and when its session closes while it is ongoing: each change gives it a new changeSeq / changedDate. To sync changes too, page with the cursor: changedAfter=0, then changedAfter=<the answer's cursor> until a page is empty (or follow next until null), and keep each event by its sid (the latest copy wins). SmarterProctoring's parameters: offset, limit, sortKeys, sortOrder, eventTimeRangeStart / eventTimeRangeEnd (the sync window, on createdDate, which never changes: offsets or next over a window read each event once, as first stored; its later changes come with changedAfter); ours: changedAfter, types, from / to (what happened then: the event's span overlaps the window). Repeatable parameters may also be comma lists; unknown parameters are ignored.";

  /**
   * An event list, by offset (SmarterProctoring's paging, any order; a sync window too, as its
   * members never change) or, with changedAfter, by the change cursor: changeSeq order, `next`
   * carries the cursor (null once the rest fitted in the page).
   */
  async function eventList(
    request: FastifyRequest<{ Querystring: EventsQuery }>,
    from: string,
    where: string,
    params: unknown[],
    view: (r: EvidenceRow) => unknown,
  ) {
    const q = request.query;
    const { offset, limit } = limits(q);
    // the change cursor: an event that changes while the job pages moves after it (and comes again)
    const keyset = q.changedAfter !== undefined;
    const after = q.changedAfter ?? 0;
    const order = keyset ? 'order by e.change_seq asc' : orderBy(q, EVENT_SORT, 'e.created_seq');
    const [{ total }] = await db.query<{ total: number }>(
      `select count(*)::int as total ${from} where ${where}`,
      params,
    );
    const rows = await db.query<EvidenceRow>(
      `${EVIDENCE_SELECT} where ${where} ${order} offset ${offset} limit ${limit}`,
      params,
    );
    const envelope = page(request, total, q, rows.map(view));
    if (!keyset) return { ...envelope, cursor: null };
    const cursor = rows.length ? rows[rows.length - 1].change_seq : after;
    const url = (after: number) => {
      const [path, query = ''] = request.url.split('?');
      const p = new URLSearchParams(query);
      p.delete('offset');
      p.set('changedAfter', String(after));
      p.set('limit', String(limit));
      return `${path}?${p.toString()}`;
    };
    return {
      ...envelope,
      first: url(after),
      next: offset + rows.length < total ? url(cursor) : null,
      prev: null,
      last: null,
      cursor,
    };
  }

  app.get<{ Params: { installSid: string; examSid: string; sessionSid: string }; Querystring: EventsQuery }>(
    '/v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/events',
    {
      schema: {
        tags: ['reporting'],
        summary: 'List Event Reports of a session',
        description: EVENTS_DESCRIPTION,
        security,
        params: sessionParams,
        querystring: { type: 'object', properties: eventsQuery },
        response: { 200: eventListOf(eventSchema), ...errorResponses },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      const session = await sessionRow(request.params);
      const params: unknown[] = [session.sid];
      const where = ['e.session_sid = $1', ...evidenceFilters(request.query, params)].join(' and ');
      const base = sessionBase(request.params);
      return eventList(request, 'from evidence e join sessions s on s.sid = e.session_sid', where, params, (r) =>
        eventView({ ...r, test_attempt_id: undefined }, base),
      );
    },
  );

  const eventParams = {
    ...sessionParams,
    required: [...sessionParams.required, 'eventReportSid'],
    properties: { ...sessionParams.properties, eventReportSid: sidParam('ER') },
  } as const;
  async function eventRow(p: { installSid: string; examSid: string; sessionSid: string; eventReportSid: string }) {
    const session = await sessionRow(p);
    const [row] = await db.query<EvidenceRow & { photo: string | null }>(
      `${EVIDENCE_SELECT} where e.report_sid = $1 and e.session_sid = $2`,
      [p.eventReportSid, session.sid],
    );
    if (!row) throw new HttpError(404, 'unknown_event_report', `No event report ${p.eventReportSid} in this session.`);
    return row;
  }

  app.get<{ Params: { installSid: string; examSid: string; sessionSid: string; eventReportSid: string } }>(
    '/v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/events/:eventReportSid',
    {
      schema: {
        tags: ['reporting'],
        summary: 'Event Report details',
        security,
        params: eventParams,
        response: { 200: eventSchema, ...errorResponses },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      const row = await eventRow(request.params);
      return eventView({ ...row, test_attempt_id: undefined }, sessionBase(request.params));
    },
  );

  app.get<{ Params: { installSid: string; examSid: string; sessionSid: string; eventReportSid: string } }>(
    '/v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/events/:eventReportSid/photo',
    {
      schema: {
        tags: ['reporting'],
        summary: "An event report's photo (image/jpeg or image/png)",
        security,
        params: eventParams,
        response: {
          200: PHOTO_RESPONSE,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      await authorize(request, request.params.installSid);
      const row = await eventRow(request.params);
      const [stored] = await db.query<{ content_type: string; bytes: Buffer | Uint8Array }>(
        'select content_type, bytes from photos where session_sid = $1 and evidence_id = $2',
        [row.session_sid, row.id],
      );
      const [inline] = stored
        ? []
        : await db.query<{ photo: string | null }>('select photo from evidence where session_sid = $1 and id = $2', [
            row.session_sid,
            row.id,
          ]);
      const sent = sendPhoto(reply, stored, inline?.photo);
      if (sent) return sent;
      throw new HttpError(
        404,
        row.photo_pending ? 'photo_pending' : 'no_photo',
        row.photo_pending
          ? `The photo of event report ${request.params.eventReportSid} has not reached the server yet.`
          : `Event report ${request.params.eventReportSid} has no photo.`,
      );
    },
  );

  // --- annotations ---------------------------------------------------------------------------------
  interface AnnotationRow {
    sid: string;
    session_sid: string;
    event_report_sid: string | null;
    type: string;
    text: string;
    author: string | null;
    offset_ms: number | null;
    created_at: Date;
  }
  const annotationView = (a: AnnotationRow, p: { installSid: string; examSid: string }) => ({
    sid: a.sid,
    installSid: p.installSid,
    examSid: p.examSid,
    sessionSid: a.session_sid,
    eventReportSid: a.event_report_sid,
    type: a.type,
    text: a.text,
    author: a.author,
    offsetMs: a.offset_ms,
    createdDate: iso(a.created_at),
  });
  const ANNOTATION_TYPES = ['note', 'incident', 'dismissal'];

  app.get<{ Params: { installSid: string; examSid: string; sessionSid: string }; Querystring: Paging }>(
    '/v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/annotations',
    {
      schema: {
        tags: ['reporting'],
        summary: 'List Annotations of a session (oldest first unless sortOrder=DESC)',
        security,
        params: sessionParams,
        querystring: { type: 'object', properties: paging },
        response: { 200: listOf(annotationSchema), ...errorResponses },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      const session = await sessionRow(request.params);
      const { offset, limit } = limits(request.query);
      const dir = direction(request.query);
      const [{ total }] = await db.query<{ total: number }>(
        'select count(*)::int as total from annotations where session_sid = $1',
        [session.sid],
      );
      const rows = await db.query<AnnotationRow>(
        `select * from annotations where session_sid = $1 order by created_at ${dir}, sid ${dir} offset ${offset} limit ${limit}`,
        [session.sid],
      );
      return page(
        request,
        total,
        request.query,
        rows.map((a) => annotationView(a, request.params)),
      );
    },
  );

  app.post<{
    Params: { installSid: string; examSid: string; sessionSid: string };
    Body: { text: string; type?: string; author?: string; eventReportSid?: string; offsetMs?: number };
  }>(
    '/v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/annotations',
    {
      schema: {
        tags: ['reporting'],
        summary: 'Create an Annotation',
        description:
          'A reviewer note on the session, optionally tied to one event report and a time offset into the session.',
        security,
        params: sessionParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['text'],
          properties: {
            text: { type: 'string', minLength: 1, maxLength: 4000 },
            type: { type: 'string', enum: ANNOTATION_TYPES, default: 'note' },
            author: { type: 'string', minLength: 1, maxLength: 200 },
            eventReportSid: sidParam('ER'),
            offsetMs: { type: 'integer', minimum: 0 },
          },
        },
        response: { 201: annotationSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      await authorize(request, request.params.installSid);
      const session = await sessionRow(request.params);
      const b = request.body;
      if (b.eventReportSid) await eventRow({ ...request.params, eventReportSid: b.eventReportSid });
      const [row] = await db.query<AnnotationRow>(
        `insert into annotations (sid, session_sid, event_report_sid, type, text, author, offset_ms)
         values ($1, $2, $3, $4, $5, $6, $7) returning *`,
        [
          sid('AN'),
          session.sid,
          b.eventReportSid ?? null,
          b.type ?? 'note',
          b.text,
          b.author ?? null,
          b.offsetMs ?? null,
        ],
      );
      await db.query('update sessions set updated_at = now() where sid = $1', [session.sid]);
      return reply.status(201).send(annotationView(row, request.params));
    },
  );

  app.get<{ Params: { installSid: string; examSid: string; sessionSid: string; annotationSid: string } }>(
    '/v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/annotations/:annotationSid',
    {
      schema: {
        tags: ['reporting'],
        summary: 'Annotation details',
        security,
        params: {
          ...sessionParams,
          required: [...sessionParams.required, 'annotationSid'],
          properties: { ...sessionParams.properties, annotationSid: sidParam('AN') },
        },
        response: { 200: annotationSchema, ...errorResponses },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      const session = await sessionRow(request.params);
      const [row] = await db.query<AnnotationRow>('select * from annotations where sid = $1 and session_sid = $2', [
        request.params.annotationSid,
        session.sid,
      ]);
      if (!row)
        throw new HttpError(
          404,
          'unknown_annotation',
          `No annotation ${request.params.annotationSid} in this session.`,
        );
      return annotationView(row, request.params);
    },
  );

  // --- install reports -----------------------------------------------------------------------------
  const installParams = {
    type: 'object',
    required: ['installSid'],
    properties: { installSid: sidParam('AI') },
  } as const;

  app.get<{ Params: { installSid: string }; Querystring: EventsQuery & { examSid?: string } }>(
    '/v1/installs/:installSid/reports/examSessionEvents',
    {
      schema: {
        tags: ['reports'],
        summary: 'Session Events Report: every event report of the install',
        description: EVENTS_DESCRIPTION,
        security,
        params: installParams,
        querystring: {
          type: 'object',
          properties: { ...eventsQuery, examSid: sidParam('EX') },
        },
        response: { 200: eventListOf(installEventSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { installSid } = request.params;
      await authorize(request, installSid);
      const q = request.query;
      const params: unknown[] = [installSid];
      const where = ['s.install_sid = $1'];
      if (q.examSid) where.push(`s.exam_sid = $${params.push(q.examSid)}`);
      where.push(...evidenceFilters(q, params));
      return eventList(
        request,
        'from evidence e join sessions s on s.sid = e.session_sid',
        where.join(' and '),
        params,
        (r) => eventView(r, sessionBase({ installSid, examSid: r.exam_sid, sessionSid: r.session_sid })),
      );
    },
  );

  // --- volume reports at SmarterProctoring's paths (and ours under /reports/, as aliases) ---------
  const PHASES = ['past', 'active', 'upcoming'] as const;
  const GROUPS = ['exam', 'day', 'week', 'month'] as const;
  interface VolumeQuery extends Paging {
    status?: string[];
    groupBy?: (typeof GROUPS)[number];
    examOpenDate?: string;
    examCloseDate?: string;
    startDate?: string;
    endDate?: string;
    from?: string;
    to?: string;
  }
  const volumeQuery = (groups: readonly string[], fallback: string) => ({
    type: 'object',
    properties: {
      ...paging,
      status: {
        type: 'array',
        items: { type: 'string' },
        description: 'exams by phase, repeatable / comma list: past (closed), active (open), upcoming (not open yet)',
      },
      groupBy: { type: 'string', enum: [...groups], description: `default ${fallback}` },
      examOpenDate: {
        type: 'string',
        format: 'date-time',
        description: 'only exams that opened at or after this ISO date-time',
      },
      examCloseDate: {
        type: 'string',
        format: 'date-time',
        description: 'only exams that close (or closed) at or before this ISO date-time',
      },
      startDate: { type: 'string', format: 'date-time', description: 'window start (inclusive), ISO date-time' },
      endDate: { type: 'string', format: 'date-time', description: 'window end (exclusive), ISO date-time' },
      ...dateRange,
    },
  });
  /** The install's exams with their open / close dates and phase, filtered by status / examOpenDate / examCloseDate. */
  const EXAMS_CTE = `with ex as (select * from (select x.sid, x.name, x.created_at,
      coalesce(x.opened_at, case when x.instructions is not null then x.created_at end) as open_date,
      coalesce(x.closed_at, x.last_start_at) as close_date,
      case ${EXAM_STATUS_SQL('x')} when 'closed' then 'past' when 'open' then 'active' else 'upcoming' end as phase
    from exams x where x.install_sid = $1) e
    where ($2::text[] is null or e.phase = any($2::text[]))
      and ($3::timestamptz is null or e.open_date >= $3) and ($4::timestamptz is null or e.close_date <= $4))`;
  const reportParams = (installSid: string, q: VolumeQuery) => {
    const phases = values(q.status);
    const bad = phases.find((x) => !(PHASES as readonly string[]).includes(x));
    if (bad)
      throw new HttpError(400, 'invalid_request', `querystring/status: "${bad}" is not one of ${PHASES.join(', ')}.`);
    return [
      installSid,
      phases.length ? phases : null,
      q.examOpenDate ?? null,
      q.examCloseDate ?? null,
      q.startDate ?? q.from ?? null,
      q.endDate ?? q.to ?? null,
    ];
  };
  const window = (column: string) =>
    `($5::timestamptz is null or ${column} >= $5) and ($6::timestamptz is null or ${column} < $6)`;
  const periodStart = (unit: string, column: string) =>
    `to_char(date_trunc('${unit}', ${column} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const periodName = (unit: string, start: string) =>
    unit === 'week' ? isoWeek(new Date(`${start}T00:00:00Z`)) : unit === 'month' ? start.slice(0, 7) : start;
  // over sessions `s` of exams `e` (EXAMS_CTE): Closed and Cancelled as the sessions' status says
  const sessionFigures = (s: string) => `count(${s}.sid)::int as total_sessions,
      count(${s}.sid) filter (where ${s}.status = 'exam_finished')::int as finished_sessions,
      count(${s}.sid) filter (where ${s}.closed_at is not null and ${s}.close_reason <> 'not_started')::int as closed_sessions,
      count(${s}.sid) filter (where ${s}.close_reason = 'not_started' or (${s}.closed_at is null and e.phase = 'past'
        and ${s}.status not in ('exam_started', 'exam_finished') and ${s}.in_progress_at is null
        and not exists (select 1 from evidence ev where ev.session_sid = ${s}.sid)))::int as cancelled_sessions,
      count(${s}.sid) filter (where ${s}.trust_score < $7)::int as review_required,
      count(${s}.sid) filter (where ${s}.review_completed_at is not null)::int as reviewed_sessions,
      round(avg(${s}.trust_score))::int as average_trust_score`;
  interface Figures {
    total_sessions: number;
    finished_sessions: number;
    closed_sessions: number;
    cancelled_sessions: number;
    review_required: number;
    reviewed_sessions: number;
    average_trust_score: number | null;
  }
  const figures = (r: Figures) => ({
    totalSessions: r.total_sessions,
    finishedSessions: r.finished_sessions,
    closedSessions: r.closed_sessions,
    cancelledSessions: r.cancelled_sessions,
    reviewRequiredSessions: r.review_required,
    reviewedSessions: r.reviewed_sessions,
    averageTrustScore: r.average_trust_score,
  });

  const volumeDescription =
    "SmarterProctoring's Exam Volume. groupBy=exam (default): one row per exam (its phase, open and close dates) with its sessions; groupBy=day|week|month: one row per period of session creation. status (past/active/upcoming), examOpenDate and examCloseDate choose the exams; startDate / endDate (or from / to) the sessions' creation window.";
  const examVolume = async (request: FastifyRequest<{ Params: { installSid: string }; Querystring: VolumeQuery }>) => {
    const { installSid } = request.params;
    await authorize(request, installSid);
    const q = request.query;
    const { offset, limit } = limits(q);
    const dir = direction(q);
    const params = [...reportParams(installSid, q), reviewThreshold];
    const unit = q.groupBy ?? 'exam';
    if (unit === 'exam') {
      const [{ total }] = await db.query<{ total: number }>(
        `${EXAMS_CTE} select count(*)::int as total from ex`,
        params.slice(0, 4),
      );
      const rows = await db.query<
        Figures & {
          sid: string;
          name: string;
          phase: string;
          open_date: Date | null;
          close_date: Date | null;
          by_status: Record<string, number> | null;
        }
      >(
        `${EXAMS_CTE} select e.sid, e.name, e.phase, e.open_date, e.close_date, ${sessionFigures('s')},
           (select jsonb_object_agg(status, n) from (select s2.status, count(*)::int as n from sessions s2
              where s2.exam_sid = e.sid and ${window('s2.created_at')} group by s2.status) t) as by_status
         from ex e left join sessions s on s.exam_sid = e.sid and ${window('s.created_at')}
         group by e.sid, e.name, e.phase, e.open_date, e.close_date, e.created_at
         order by e.created_at ${dir}, e.sid ${dir} offset ${offset} limit ${limit}`,
        params,
      );
      const results = rows.map((r) => ({
        examSid: r.sid,
        title: r.name,
        status: r.phase,
        examOpenDate: iso(r.open_date),
        examCloseDate: iso(r.close_date),
        ...figures(r),
        sessionsByStatus: r.by_status ?? {},
      }));
      return page(request, total, q, results);
    }
    const bucket = periodStart(unit, 's.created_at');
    const from = `from sessions s join ex e on e.sid = s.exam_sid where ${window('s.created_at')}`;
    const [{ total }] = await db.query<{ total: number }>(
      `${EXAMS_CTE} select count(distinct ${bucket})::int as total ${from}`,
      params.slice(0, 6),
    );
    const rows = await db.query<Figures & { period: string; exams: number }>(
      `${EXAMS_CTE} select ${bucket} as period, count(distinct s.exam_sid)::int as exams, ${sessionFigures('s')}
       ${from} group by 1 order by 1 ${dir} offset ${offset} limit ${limit}`,
      params,
    );
    const results = rows.map((r) => ({
      period: periodName(unit, r.period),
      periodStartDate: r.period,
      exams: r.exams,
      ...figures(r),
    }));
    return page(request, total, q, results);
  };

  const byWeekDescription =
    "SmarterProctoring's Exams by Week: exams bucketed by their open date (groupBy=week by default, or day / month), with each exam and the sessions it has. Exams not open yet have no open date and are left out. startDate / endDate (or from / to) bound the open date; status, examOpenDate and examCloseDate choose the exams.";
  const examsByWeek = async (request: FastifyRequest<{ Params: { installSid: string }; Querystring: VolumeQuery }>) => {
    const { installSid } = request.params;
    await authorize(request, installSid);
    const q = request.query;
    const { offset, limit } = limits(q);
    const dir = direction(q);
    const params = reportParams(installSid, q);
    const unit = q.groupBy === 'day' || q.groupBy === 'month' ? q.groupBy : 'week';
    const bucket = periodStart(unit, 'e.open_date');
    const from = `from ex e where e.open_date is not null and ${window('e.open_date')}`;
    const [{ total }] = await db.query<{ total: number }>(
      `${EXAMS_CTE} select count(distinct ${bucket})::int as total ${from}`,
      params,
    );
    const rows = await db.query<{
      period: string;
      exams: number;
      sessions: number;
      finished: number;
      exam_list: {
        sid: string;
        name: string;
        phase: string;
        open_date: string;
        close_date: string | null;
        n: number;
      }[];
    }>(
      `${EXAMS_CTE} select ${bucket} as period, count(*)::int as exams, coalesce(sum(c.n), 0)::int as sessions,
         coalesce(sum(c.f), 0)::int as finished,
         json_agg(json_build_object('sid', e.sid, 'name', e.name, 'phase', e.phase, 'open_date', e.open_date,
           'close_date', e.close_date, 'n', c.n) order by e.open_date, e.sid) as exam_list
       from ex e left join lateral (select count(*)::int as n,
         count(*) filter (where s.status = 'exam_finished')::int as f from sessions s where s.exam_sid = e.sid) c on true
       where e.open_date is not null and ${window('e.open_date')}
       group by 1 order by 1 ${dir} offset ${offset} limit ${limit}`,
      params,
    );
    const results = rows.map((r) => ({
      week: periodName(unit, r.period),
      weekStartDate: r.period,
      exams: r.exams,
      sessions: r.sessions,
      finishedSessions: r.finished,
      examList: r.exam_list.map((e) => ({
        examSid: e.sid,
        title: e.name,
        status: e.phase,
        examOpenDate: iso(e.open_date),
        examCloseDate: iso(e.close_date),
        sessions: e.n,
      })),
    }));
    return page(request, total, q, results);
  };

  /** Registers the install report `name` at /v1/installs/:installSid/{name} and its alias …/reports/{name}. */
  const installReport = (
    name: string,
    title: string,
    description: string,
    querystring: ReturnType<typeof volumeQuery>,
    item: object,
    handler: (
      request: FastifyRequest<{ Params: { installSid: string }; Querystring: VolumeQuery }>,
    ) => Promise<unknown>,
  ) => {
    for (const [path, alias] of [
      [`/v1/installs/:installSid/${name}`, false],
      [`/v1/installs/:installSid/reports/${name}`, true],
    ] as const)
      app.get<{ Params: { installSid: string }; Querystring: VolumeQuery }>(
        path,
        {
          schema: {
            tags: ['reports'],
            summary: alias ? `${title} (alias of /v1/installs/{installSid}/${name})` : title,
            description,
            security,
            params: installParams,
            querystring,
            response: { 200: listOf(item), ...errorResponses },
          },
        },
        handler,
      );
  };
  installReport('examVolume', 'Exam Volume', volumeDescription, volumeQuery(GROUPS, 'exam'), volumeSchema, examVolume);
  installReport(
    'examsByWeek',
    'Exams by Week',
    byWeekDescription,
    volumeQuery(['day', 'week', 'month'], 'week'),
    byWeekSchema,
    examsByWeek,
  );
  registering = false;
}

/** `2026-W48` for the Monday `monday` (UTC). */
function isoWeek(monday: Date): string {
  const thursday = new Date(monday.getTime() + 3 * 86400000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86400000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
