/**
 * Response schemas of the reporting API. They are the routes' `response` schemas, so Fastify
 * serialises every answer through them (a field missing here would be dropped, not sent) and the
 * OpenAPI document shows exactly what is sent. server/test/openapi.test.ts checks that every answer
 * carries every documented field.
 */
import { REVIEW_STATUSES, SESSION_STATUSES } from 'proctor-elements/vocabulary';
const t = (type: string, description?: string) => ({ type, ...(description ? { description } : {}) });
const orNull = (type: string, description?: string) => ({
  type: [type, 'null'],
  ...(description ? { description } : {}),
});
const date = (description?: string) => ({ ...orNull('string', description), format: 'date-time' });
/** A SmarterProctoring field proctor-elements has no value for. */
const none = {
  type: ['string', 'null'],
  description: 'SmarterProctoring field without a proctor-elements value: null',
};
export const obj = (properties: Record<string, object>, description?: string) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
  ...(description ? { description } : {}),
});
const nullableObj = (properties: Record<string, object>, description?: string) => ({
  ...obj(properties, description),
  type: ['object', 'null'],
});
const counts = (description: string) => ({
  type: ['object', 'null'],
  additionalProperties: { type: 'integer' },
  description,
});

export const sessionSchema = obj({
  sid: t('string'),
  installSid: t('string'),
  examSid: t('string'),
  enrollmentSid: none,
  userSid: none,
  courseSid: none,
  instructorProctorSid: none,
  proctorTypeSid: none,
  cancellationPolicySid: none,
  cancellationPolicyVersionSid: none,
  status: {
    type: 'string',
    enum: ['Scheduled', 'In Progress', 'Processing', 'Closed', 'Cancelled'],
    description: "SmarterProctoring's name; Closed and Cancelled are terminal",
  },
  statusReason: orNull('string'),
  accessKey: none,
  duration: orNull('integer', 'seconds from inProgressDate to the finish, once Closed'),
  sessionType: t('string'),
  schedulingModule: none,
  proctorReviewProcessSid: none,
  workflowModule: none,
  appointmentDate: none,
  appointmentEndDate: none,
  dateApproved: none,
  dateScheduled: date('registered candidates: when they were registered'),
  createdDate: date(),
  inProgressDate: date("the page's exam_started, else the first evidence"),
  externalAppointmentId: none,
  externalReservedAppointmentId: none,
  externalReservedAppointmentExpires: none,
  externalAppointmentSyncDate: none,
  editDate: date(),
  notes: none,
  recordingStartDate: date(),
  account: none,
  install: obj({ sid: t('string'), name: t('string') }),
  deployment: none,
  sessionReportCount: t('integer'),
  series: none,
  reviewByDate: none,
  reviewByUserSid: none,
  reviewCompletedDate: date(),
  reviewRequired: t('boolean', 'final once Closed; until then from the evidence stored so far'),
  reviewCompleteNotificationUrl: none,
  reviewed: t('boolean'),
  proctorGroups: none,
  URL: none,
  examLocale: none,
  platformVersion: t('string'),
  systemCheckStartDate: none,
  systemCheckEndDate: date(),
  modalityOptions: none,
  exam: nullableObj({ sid: t('string'), title: orNull('string'), status: orNull('string') }),
  enrollment: none,
  course: none,
  examFile: none,
  returnedFile: none,
  photos: {
    type: 'array',
    items: obj({ eventReportSid: t('string'), url: t('string') }),
    description: 'the event reports with a photo, and where to get it',
  },
  sessionStatus: {
    type: 'string',
    enum: [...SESSION_STATUSES],
    description: "ProctorExam's session status, as the exam page reported it",
  },
  closedDate: date('when the finish arrived (or the session was closed as abandoned) and the verdict was computed'),
  closeReason: {
    type: ['string', 'null'],
    enum: ['finished', 'abandoned', 'not_started', null],
    description:
      "why the session is Closed: 'finished' by the exam page, or 'abandoned' (nothing from the page for ABANDON_AFTER_HOURS; scored from the evidence received; closedDate is the page's last word); or why it is Cancelled: 'not_started' (the page opened the attempt, never started it, and sent nothing for ABANDON_AFTER_HOURS; no Trust Score); null while open (and for an attempt cancelled because its exam closed)",
  },
  testAttemptId: t('string'),
  clientId: orNull('string'),
  candidateName: orNull('string', 'registered with the exam, else userDetails.name'),
  candidateEmail: orNull('string', 'registered with the exam, else userDetails.email'),
  userDetails: {
    type: ['object', 'null'],
    additionalProperties: { type: ['string', 'number', 'boolean'] },
    description: "who the candidate is, as the exam page sent it with the attempt (AutoProctor's userDetails)",
  },
  showHowToVideo: orNull('boolean', "AutoProctor's showHowToVideo, as the exam page sent it"),
  emailSentDate: date(),
  setupDate: date(),
  finishedDate: date(),
  trustScore: orNull('integer', "the server's, from the evidence it stored; null until Closed"),
  counts: counts('records per evidence type, at finish'),
  clientTrustScore: orNull('integer', "the exam page's own figure (advisory)"),
  clientCounts: counts("the exam page's own counts (advisory)"),
  trackingOptions: {
    type: ['object', 'null'],
    additionalProperties: { type: ['boolean', 'number'] },
  },
  checks: {
    type: ['object', 'null'],
    additionalProperties: { type: ['string', 'boolean'] },
    description: "the requirements check: {passed, microphone: 'succeeded', …}",
  },
  reviewStatus: { type: 'string', enum: [...REVIEW_STATUSES] },
  reviewCode: t('string'),
  photoCount: t('integer'),
  annotationCount: t('integer'),
});

const eventProperties = {
  sid: t('string'),
  sessionSid: t('string'),
  examSid: t('string'),
  installSid: t('string'),
  evidenceId: t('string'),
  seq: t('integer'),
  code: t('integer'),
  type: t('string'),
  description: t('string'),
  startedDate: { type: 'string', format: 'date-time' },
  endedDate: date(),
  durationMs: orNull('integer'),
  data: { type: ['object', 'null'], additionalProperties: { type: ['string', 'number', 'boolean'] } },
  hasPhoto: t('boolean'),
  photoPending: t('boolean', 'a photo was announced and has not arrived yet'),
  photoUrl: orNull('string'),
  receivedDate: date(),
  createdDate: { type: 'string', format: 'date-time', description: 'when the server stored it (the default order)' },
  ongoing: t(
    'boolean',
    'a violation begun and not ended yet, in a session still open: its end will change this report (false once it ends or its session closes)',
  ),
  changeSeq: t(
    'integer',
    'grows with every change of any event report (stored, ended, photo landed, session closed over it): the sync cursor (changedAfter)',
  ),
  changedDate: { type: 'string', format: 'date-time', description: 'when this report last changed (or was stored)' },
};
export const eventSchema = obj(eventProperties);
/** In the install-wide report, events also name their attempt. */
export const installEventSchema = obj({ ...eventProperties, testAttemptId: t('string') });

export const annotationSchema = obj({
  sid: t('string'),
  installSid: t('string'),
  examSid: t('string'),
  sessionSid: t('string'),
  eventReportSid: orNull('string'),
  type: t('string'),
  text: t('string'),
  author: orNull('string'),
  offsetMs: orNull('integer'),
  createdDate: date(),
});

export const examSchema = obj({
  sid: t('string'),
  installSid: t('string'),
  name: t('string'),
  status: { type: 'string', enum: ['draft', 'open', 'closed'] },
  instructions: orNull('string'),
  lastStartDate: date(),
  closedDate: date(),
  openedDate: date(),
  createdDate: date(),
});

const volumeFigures = {
  totalSessions: t('integer'),
  finishedSessions: t('integer'),
  closedSessions: { type: 'integer', description: "sessions whose status is Closed (SmarterProctoring's)" },
  cancelledSessions: {
    type: 'integer',
    description:
      'sessions whose status is Cancelled: the exam closed before they started, or their page never started them',
  },
  reviewRequiredSessions: t('integer'),
  reviewedSessions: t('integer'),
  averageTrustScore: orNull('integer'),
};
/** One row of Exam Volume: per exam (groupBy=exam) or per period (groupBy=day|week|month). */
export const volumeSchema = {
  type: 'object',
  additionalProperties: false,
  required: Object.keys(volumeFigures),
  properties: {
    examSid: t('string', 'groupBy=exam'),
    title: t('string', 'groupBy=exam'),
    status: { type: 'string', enum: ['past', 'active', 'upcoming'], description: 'groupBy=exam' },
    examOpenDate: date('groupBy=exam'),
    examCloseDate: date('groupBy=exam'),
    sessionsByStatus: { type: 'object', additionalProperties: { type: 'integer' }, description: 'groupBy=exam' },
    period: t('string', 'groupBy=day|week|month: 2026-11-30, 2026-W48 or 2026-11'),
    periodStartDate: t('string', 'groupBy=day|week|month'),
    exams: t('integer', 'groupBy=day|week|month'),
    ...volumeFigures,
  },
};
export const byWeekSchema = obj({
  week: t('string', '2026-W48 (or the day / month when grouped so)'),
  weekStartDate: t('string'),
  exams: t('integer'),
  sessions: t('integer'),
  finishedSessions: t('integer'),
  examList: {
    type: 'array',
    items: obj({
      examSid: t('string'),
      title: t('string'),
      status: t('string'),
      examOpenDate: date(),
      examCloseDate: date(),
      sessions: t('integer'),
    }),
  },
});

/** The event lists' envelope: SmarterProctoring's, plus the change cursor. */
export const eventListOf = (item: object) => {
  const list = listOf(item);
  return obj({
    ...list.properties,
    cursor: orNull(
      'integer',
      "with changedAfter: the changeSeq to pass as changedAfter next time (the last result's, else the one given); null without changedAfter",
    ),
  });
};

const PAGE_LINK =
  "the page's path and query from the server root (/v1/…): resolve it against the server's origin, e.g. new URL(next, origin)";
/** SmarterProctoring's list envelope around `item`. */
export const listOf = (item: object) =>
  obj({
    total: t('integer'),
    count: t('integer'),
    offset: t('integer'),
    limit: t('integer'),
    first: orNull('string', PAGE_LINK),
    next: orNull('string', `${PAGE_LINK}; null on the last page`),
    prev: orNull('string', PAGE_LINK),
    last: orNull('string', PAGE_LINK),
    results: { type: 'array', items: item },
  });
