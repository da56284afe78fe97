/**
 * The reporting API (SmarterProctoring's shape, `token` header): session details, event reports,
 * annotations, review status, install reports; plus the session and exam lists the reviewer
 * dashboard needs. Lists answer `{total, count, offset, limit, first, next, prev, last, results}`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from './db.js';
import { HttpError, errorSchema } from './errors.js';
import { SID_PATTERN, sid } from './ids.js';
import { getExam, listExams } from './admin.js';
import { authorizeInstall, tokenInstall } from './auth.js';
import { EvidenceCode } from '../../src/reporting/types.js';
import { REVIEW_CODES, REVIEW_STATUSES, SESSION_STATUSES, type ReviewStatus } from '../../src/statuses.js';

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
  fullscreen_exit: 'Left full screen',
  camera_lost: 'Camera stopped',
  microphone_lost: 'Microphone stopped',
  screen_share_lost: 'Screen sharing stopped',
  second_camera_lost: 'Second camera stopped',
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
// query values are strings (no type coercion): integers and dates are validated by pattern / format
const paging = {
  offset: { type: 'string', pattern: '^(0|[1-9][0-9]{0,8})$', description: 'integer ≥ 0; default 0' },
  limit: { type: 'string', pattern: '^([1-9][0-9]{0,2})$', description: 'integer 1–500; default 50' },
  sortOrder: { type: 'string', enum: ['ASC', 'DESC'], description: 'default ASC' },
} as const;
const dateRange = {
  from: { type: 'string', format: 'date-time', description: 'only items at or after this ISO date-time' },
  to: { type: 'string', format: 'date-time', description: 'only items before this ISO date-time' },
} as const;
const listSchema = (item: object) => ({
  type: 'object',
  properties: {
    total: { type: 'integer' },
    count: { type: 'integer' },
    offset: { type: 'integer' },
    limit: { type: 'integer' },
    first: { type: ['string', 'null'] },
    next: { type: ['string', 'null'] },
    prev: { type: ['string', 'null'] },
    last: { type: ['string', 'null'] },
    results: { type: 'array', items: item },
  },
});
const anyObject = { type: 'object', additionalProperties: true } as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };
const security = [{ token: [] }];

interface Paging {
  offset?: string;
  limit?: string;
  sortOrder?: 'ASC' | 'DESC';
}

/** The list envelope, with page URLs that keep the request's other query parameters. */
function page<T>(request: FastifyRequest, total: number, q: Paging, results: T[]) {
  const offset = Number(q.offset ?? 0);
  const limit = Number(q.limit ?? 50);
  const url = (o: number) => {
    const [path, query = ''] = request.url.split('?');
    const params = new URLSearchParams(query);
    params.set('offset', String(o));
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
    next: offset + limit < total ? url(offset + limit) : null,
    prev: offset > 0 ? url(Math.max(0, offset - limit)) : null,
    last: url(lastOffset),
    results,
  };
}
const limits = (q: Paging) => {
  const limit = Number(q.limit ?? 50);
  if (limit > 500) throw new HttpError(400, 'invalid_request', 'querystring/limit must be at most 500.');
  return { offset: Number(q.offset ?? 0), limit };
};
const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

interface SessionRow {
  sid: string;
  install_sid: string;
  exam_sid: string;
  client_id: string | null;
  test_attempt_id: string;
  status: string;
  review_status: ReviewStatus;
  tracking_options: Record<string, unknown> | null;
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
  photo_count: number;
  annotation_count: number;
}
const SESSION_SELECT = `select s.*,
  (select count(*)::int from evidence e where e.session_sid = s.sid) as report_count,
  (select count(*)::int from evidence e where e.session_sid = s.sid and e.photo is not null)
    + (select count(*)::int from photos p where p.session_sid = s.sid) as photo_count,
  (select count(*)::int from annotations a where a.session_sid = s.sid) as annotation_count
  from sessions s`;

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
  test_attempt_id?: string;
}
const HAS_PHOTO = `(e.photo is not null or exists (select 1 from photos p
  where p.session_sid = e.session_sid and p.evidence_id = e.id))`;
const EVIDENCE_SELECT = `select e.id::text as id, e.report_sid, e.session_sid, s.exam_sid, s.install_sid, s.test_attempt_id,
  e.seq, e.code, e.type, e.started_at, e.ended_at, e.duration_ms, e.data, e.received_at,
  ${HAS_PHOTO} as has_photo, (e.photo_pending and not ${HAS_PHOTO}) as photo_pending
  from evidence e join sessions s on s.sid = e.session_sid`;

const SORT_COLUMNS: Record<string, string> = {
  startedDate: 'e.started_at',
  seq: 'e.seq',
  durationMs: 'e.duration_ms',
  type: 'e.type',
  receivedDate: 'e.received_at',
  createdDate: 's.created_at',
  status: 's.status',
  trustScore: 's.trust_score',
};

export function reportingRoutes(app: FastifyInstance, options: ReportingOptions) {
  const { db, version, reviewThreshold = 85 } = options;

  const sessionView = (s: SessionRow) => {
    const duration =
      s.in_progress_at && s.finished_at
        ? Math.max(0, Math.round((+new Date(s.finished_at) - +new Date(s.in_progress_at)) / 1000))
        : null;
    return {
      // SmarterProctoring's Exam Session Details fields (null where we have no such thing)
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
      status: s.status,
      statusReason: null,
      accessKey: null,
      duration,
      sessionType: 'automated',
      schedulingModule: null,
      proctorReviewProcessSid: null,
      workflowModule: null,
      appointmentDate: null,
      appointmentEndDate: null,
      dateApproved: null,
      dateScheduled: null,
      createdDate: iso(s.created_at),
      inProgressDate: iso(s.in_progress_at),
      externalAppointmentId: null,
      externalReservedAppointmentId: null,
      externalReservedAppointmentExpires: null,
      externalAppointmentSyncDate: null,
      editDate: iso(s.updated_at),
      notes: null,
      recordingStartDate: iso(s.started_at),
      account: null,
      install: null,
      deployment: null,
      sessionReportCount: s.report_count,
      series: null,
      reviewByDate: null,
      reviewByUserSid: null,
      reviewCompletedDate: iso(s.review_completed_at),
      reviewRequired: s.trust_score === null ? null : s.trust_score < reviewThreshold,
      reviewCompleteNotificationUrl: null,
      reviewed: REVIEWED.has(s.review_status),
      proctorGroups: null,
      URL: null,
      examLocale: null,
      platformVersion: `proctor-elements ${version}`,
      systemCheckStartDate: null,
      systemCheckEndDate: iso(s.system_check_end_at),
      modalityOptions: null,
      exam: null,
      enrollment: null,
      course: null,
      examFile: null,
      returnedFile: null,
      photos: null,
      // ours
      testAttemptId: s.test_attempt_id,
      clientId: s.client_id,
      candidateName: s.candidate_name,
      candidateEmail: s.candidate_email,
      emailSentDate: iso(s.emailed_at),
      setupDate: iso(s.setup_at),
      finishedDate: iso(s.finished_at),
      /** The server's, computed at finish from the evidence it stored. */
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
      photoCount: s.photo_count,
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
    };
  };
  const sessionBase = (p: { installSid: string; examSid: string; sessionSid: string }) =>
    `/v1/installs/${p.installSid}/exams/${p.examSid}/sessions/${p.sessionSid}`;

  const authorize = (request: FastifyRequest, installSid: string) => authorizeInstall(db, request, installSid);
  async function sessionRow(p: { installSid: string; examSid: string; sessionSid: string }) {
    const [s] = await db.query<SessionRow>(
      `${SESSION_SELECT} where s.sid = $1 and s.install_sid = $2 and s.exam_sid = $3`,
      [p.sessionSid, p.installSid, p.examSid],
    );
    if (!s) throw new HttpError(404, 'unknown_session', `No session ${p.sessionSid} in exam ${p.examSid}.`);
    return s;
  }
  /** `where` clauses for types / from / to over evidence, appended to params. */
  function evidenceFilters(q: { types?: string; from?: string; to?: string }, params: unknown[]) {
    const where: string[] = [];
    if (q.types) {
      const types = q.types.split(',');
      const unknown = types.find((t) => !EVIDENCE_TYPES.includes(t));
      if (unknown)
        throw new HttpError(400, 'invalid_request', `querystring/types: unknown evidence type "${unknown}".`);
      params.push(types);
      where.push(`e.type = any($${params.length})`);
    }
    if (q.from) {
      params.push(q.from);
      where.push(`e.started_at >= $${params.length}`);
    }
    if (q.to) {
      params.push(q.to);
      where.push(`e.started_at < $${params.length}`);
    }
    return where;
  }
  const orderBy = (keys: string | undefined, allowed: string[], order: string | undefined, tiebreak: string) => {
    const list = (keys ?? allowed[0]).split(',');
    const bad = list.find((k) => !allowed.includes(k));
    if (bad)
      throw new HttpError(
        400,
        'invalid_request',
        `querystring/sortKeys: "${bad}" is not one of ${allowed.join(', ')}.`,
      );
    const dir = order === 'DESC' ? 'desc' : 'asc';
    return `order by ${list.map((k) => `${SORT_COLUMNS[k]} ${dir} nulls last`).join(', ')}, ${tiebreak} ${dir}`;
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

  app.get<{ Params: { installSid: string } }>(
    '/v1/installs/:installSid/exams',
    {
      schema: {
        tags: ['reporting'],
        summary: 'List the exams of an install',
        security,
        params: { type: 'object', required: ['installSid'], properties: { installSid: sidParam('AI') } },
        response: { 200: { type: 'object', properties: { results: { type: 'array', items: anyObject } } }, ...errors },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      return { results: await listExams(db, request.params.installSid) };
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
        response: { 200: anyObject, ...errors },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      return getExam(db, request.params.installSid, request.params.examSid);
    },
  );

  app.get<{
    Params: { installSid: string; examSid: string };
    Querystring: Paging & { status?: string; reviewStatus?: string; sortKeys?: string };
  }>(
    '/v1/installs/:installSid/exams/:examSid/sessions',
    {
      schema: {
        tags: ['reporting'],
        summary: "List an exam's sessions",
        security,
        params: {
          type: 'object',
          required: ['installSid', 'examSid'],
          properties: { installSid: sidParam('AI'), examSid: sidParam('EX') },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...paging,
            status: { type: 'string', enum: [...SESSION_STATUSES] },
            reviewStatus: { type: 'string', enum: [...REVIEW_STATUSES] },
            sortKeys: { type: 'string', description: 'comma list of createdDate, status, trustScore' },
          },
        },
        response: { 200: listSchema(anyObject), ...errors },
      },
    },
    async (request) => {
      const { installSid, examSid } = request.params;
      await authorize(request, installSid);
      await getExam(db, installSid, examSid);
      const q = request.query;
      const { offset, limit } = limits(q);
      const params: unknown[] = [installSid, examSid];
      const where = ['s.install_sid = $1', 's.exam_sid = $2'];
      if (q.status) where.push(`s.status = $${params.push(q.status)}`);
      if (q.reviewStatus) where.push(`s.review_status = $${params.push(q.reviewStatus)}`);
      const order = orderBy(q.sortKeys, ['createdDate', 'status', 'trustScore'], q.sortOrder, 's.sid');
      const [{ total }] = await db.query<{ total: number }>(
        `select count(*)::int as total from sessions s where ${where.join(' and ')}`,
        params,
      );
      const rows = await db.query<SessionRow>(
        `${SESSION_SELECT} where ${where.join(' and ')} ${order} offset ${offset} limit ${limit}`,
        params,
      );
      return page(request, total, q, rows.map(sessionView));
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
        response: { 200: anyObject, ...errors },
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
          ...errors,
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
    ...dateRange,
    types: { type: 'string', description: 'comma list of evidence types, e.g. no_face,tab_switch' },
    sortKeys: { type: 'string', description: 'comma list of startedDate, seq, durationMs, type, receivedDate' },
  } as const;
  type EventsQuery = Paging & { types?: string; from?: string; to?: string; sortKeys?: string };

  app.get<{ Params: { installSid: string; examSid: string; sessionSid: string }; Querystring: EventsQuery }>(
    '/v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/events',
    {
      schema: {
        tags: ['reporting'],
        summary: 'List Event Reports of a session',
        security,
        params: sessionParams,
        querystring: { type: 'object', additionalProperties: false, properties: eventsQuery },
        response: { 200: listSchema(anyObject), ...errors },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      const session = await sessionRow(request.params);
      const q = request.query;
      const { offset, limit } = limits(q);
      const params: unknown[] = [session.sid];
      const where = ['e.session_sid = $1', ...evidenceFilters(q, params)].join(' and ');
      const order = orderBy(
        q.sortKeys,
        ['startedDate', 'seq', 'durationMs', 'type', 'receivedDate'],
        q.sortOrder,
        'e.report_sid',
      );
      const [{ total }] = await db.query<{ total: number }>(
        `select count(*)::int as total from evidence e where ${where}`,
        params,
      );
      const rows = await db.query<EvidenceRow>(
        `${EVIDENCE_SELECT} where ${where} ${order} offset ${offset} limit ${limit}`,
        params,
      );
      const base = sessionBase(request.params);
      return page(
        request,
        total,
        q,
        rows.map((r) => eventView({ ...r, test_attempt_id: undefined }, base)),
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
        response: { 200: anyObject, ...errors },
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
        response: errors,
      },
    },
    async (request, reply) => {
      await authorize(request, request.params.installSid);
      const row = await eventRow(request.params);
      const [stored] = await db.query<{ content_type: string; bytes: Buffer | Uint8Array }>(
        'select content_type, bytes from photos where session_sid = $1 and evidence_id = $2',
        [row.session_sid, row.id],
      );
      reply.header('cache-control', 'private, max-age=3600');
      if (stored) return reply.type(stored.content_type).send(Buffer.from(stored.bytes));
      const [inline] = await db.query<{ photo: string | null }>(
        'select photo from evidence where session_sid = $1 and id = $2',
        [row.session_sid, row.id],
      );
      const match = inline?.photo && /^data:(image\/jpeg);base64,(.*)$/s.exec(inline.photo);
      if (!match)
        throw new HttpError(
          404,
          row.photo_pending ? 'photo_pending' : 'no_photo',
          row.photo_pending
            ? `The photo of event report ${request.params.eventReportSid} has not reached the server yet.`
            : `Event report ${request.params.eventReportSid} has no photo.`,
        );
      return reply.type(match[1]).send(Buffer.from(match[2], 'base64'));
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
        querystring: { type: 'object', additionalProperties: false, properties: paging },
        response: { 200: listSchema(anyObject), ...errors },
      },
    },
    async (request) => {
      await authorize(request, request.params.installSid);
      const session = await sessionRow(request.params);
      const { offset, limit } = limits(request.query);
      const dir = request.query.sortOrder === 'DESC' ? 'desc' : 'asc';
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
        response: { 201: anyObject, ...errors },
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
        response: { 200: anyObject, ...errors },
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
        security,
        params: installParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...eventsQuery, examSid: sidParam('EX') },
        },
        response: { 200: listSchema(anyObject), ...errors },
      },
    },
    async (request) => {
      const { installSid } = request.params;
      await authorize(request, installSid);
      const q = request.query;
      const { offset, limit } = limits(q);
      const params: unknown[] = [installSid];
      const where = ['s.install_sid = $1'];
      if (q.examSid) where.push(`s.exam_sid = $${params.push(q.examSid)}`);
      where.push(...evidenceFilters(q, params));
      const order = orderBy(
        q.sortKeys,
        ['startedDate', 'seq', 'durationMs', 'type', 'receivedDate'],
        q.sortOrder,
        'e.report_sid',
      );
      const [{ total }] = await db.query<{ total: number }>(
        `select count(*)::int as total from evidence e join sessions s on s.sid = e.session_sid where ${where.join(' and ')}`,
        params,
      );
      const rows = await db.query<EvidenceRow>(
        `${EVIDENCE_SELECT} where ${where.join(' and ')} ${order} offset ${offset} limit ${limit}`,
        params,
      );
      return page(
        request,
        total,
        q,
        rows.map((r) => eventView(r, sessionBase({ installSid, examSid: r.exam_sid, sessionSid: r.session_sid }))),
      );
    },
  );

  /** An install report over sessions created `from` / `to`: token, paging and sort order handled here. */
  const installReport = (
    name: string,
    summary: string,
    description: string,
    run: (r: {
      installSid: string;
      from: string | null;
      to: string | null;
      offset: number;
      limit: number;
      dir: 'asc' | 'desc';
    }) => Promise<{ total: number; results: unknown[] }>,
  ) =>
    app.get<{ Params: { installSid: string }; Querystring: Paging & { from?: string; to?: string } }>(
      `/v1/installs/:installSid/reports/${name}`,
      {
        schema: {
          tags: ['reports'],
          summary,
          description,
          security,
          params: installParams,
          querystring: { type: 'object', additionalProperties: false, properties: { ...paging, ...dateRange } },
          response: { 200: listSchema(anyObject), ...errors },
        },
      },
      async (request) => {
        const { installSid } = request.params;
        await authorize(request, installSid);
        const q = request.query;
        const { total, results } = await run({
          installSid,
          from: q.from ?? null,
          to: q.to ?? null,
          ...limits(q),
          dir: q.sortOrder === 'DESC' ? 'desc' : 'asc',
        });
        return page(request, total, q, results);
      },
    );
  const created = (alias: string) =>
    `($2::timestamptz is null or ${alias}.created_at >= $2) and ($3::timestamptz is null or ${alias}.created_at < $3)`;

  installReport(
    'examVolume',
    'Exam Volume: sessions per exam, by status, with Trust Score figures',
    'from / to filter on the session creation date.',
    async ({ installSid, from, to, offset, limit, dir }) => {
      const [{ total }] = await db.query<{ total: number }>(
        'select count(*)::int as total from exams where install_sid = $1',
        [installSid],
      );
      const rows = await db.query<{
        sid: string;
        name: string;
        total_sessions: number;
        finished_sessions: number;
        review_required: number;
        reviewed_sessions: number;
        average_trust_score: number | null;
        by_status: Record<string, number> | null;
      }>(
        `select x.sid, x.name,
           count(s.sid)::int as total_sessions,
           count(s.sid) filter (where s.status = 'exam_finished')::int as finished_sessions,
           count(s.sid) filter (where s.trust_score < $4)::int as review_required,
           count(s.sid) filter (where s.review_completed_at is not null)::int as reviewed_sessions,
           round(avg(s.trust_score))::int as average_trust_score,
           (select jsonb_object_agg(status, n) from (select s2.status, count(*)::int as n from sessions s2
              where s2.exam_sid = x.sid and ${created('s2')} group by s2.status) t) as by_status
         from exams x left join sessions s on s.exam_sid = x.sid and ${created('s')}
         where x.install_sid = $1 group by x.sid, x.name, x.created_at
         order by x.created_at ${dir}, x.sid ${dir} offset ${offset} limit ${limit}`,
        [installSid, from, to, reviewThreshold],
      );
      const results = rows.map((r) => ({
        examSid: r.sid,
        title: r.name,
        totalSessions: r.total_sessions,
        finishedSessions: r.finished_sessions,
        reviewRequiredSessions: r.review_required,
        reviewedSessions: r.reviewed_sessions,
        averageTrustScore: r.average_trust_score,
        sessionsByStatus: r.by_status ?? {},
      }));
      return { total, results };
    },
  );

  installReport(
    'examsByWeek',
    'Exams by Week: per ISO week (Monday, UTC), the exams taken and their sessions',
    'A week counts a session by its creation date; from / to filter on it.',
    async ({ installSid, from, to, offset, limit, dir }) => {
      const filter = `s.install_sid = $1 and ${created('s')}`;
      const week = `date_trunc('week', s.created_at at time zone 'UTC')`;
      const params = [installSid, from, to];
      const [{ total }] = await db.query<{ total: number }>(
        `select count(distinct ${week})::int as total from sessions s where ${filter}`,
        params,
      );
      const rows = await db.query<{ week: string; exams: number; sessions: number; finished: number }>(
        `select to_char(${week}, 'YYYY-MM-DD') as week, count(distinct s.exam_sid)::int as exams, count(*)::int as sessions,
           count(*) filter (where s.status = 'exam_finished')::int as finished
         from sessions s where ${filter} group by 1 order by 1 ${dir} offset ${offset} limit ${limit}`,
        params,
      );
      const results = rows.map((r) => {
        const start = new Date(`${r.week}T00:00:00Z`);
        return {
          week: isoWeek(start),
          weekStartDate: start.toISOString().slice(0, 10),
          exams: r.exams,
          sessions: r.sessions,
          finishedSessions: r.finished,
        };
      });
      return { total, results };
    },
  );
}

/** `2026-W48` for the Monday `monday` (UTC). */
function isoWeek(monday: Date): string {
  const thursday = new Date(monday.getTime() + 3 * 86400000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86400000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
