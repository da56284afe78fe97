/**
 * An attempt's report for the exam platform's own pages, authorised like ingest (AutoProctor's
 * model: the client id and the hashed attempt id are the credential, no reporting token): what
 * `AutoProctor.getReport()` / `showReport()` read on a device whose outbox does not hold the attempt
 * (a teacher's page, Moodle's `loadreport.php`), and the photos of its evidence.
 */
import type { FastifyInstance } from 'fastify';
import type { Database } from './db.js';
import type { AttemptRateLimiter } from './rate-limit.js';
import { PHOTO_RESPONSE, sendPhoto } from './photo-response.js';
import { HttpError, errorResponses } from './errors.js';
import { attemptParams, attemptSecurity, authenticateAttempt, photoParams } from './ingest.js';
import { REVIEW_THRESHOLD } from 'proctor-elements/vocabulary';

export interface AttemptReportOptions {
  db: Database;
  /**
   * The per-attempt rate limit (429 `rate_limited` with Retry-After): the report and its photos take
   * from a bucket of their own (`…/report`), so a teacher's page never slows the candidate's delivery.
   */
  limiter?: AttemptRateLimiter;
}

const security = attemptSecurity;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const photoPath = (testAttemptId: string, evidenceId: string) =>
  `/api/v1/attempts/${encodeURIComponent(testAttemptId)}/photos/${evidenceId}`;

interface SessionRow {
  sid: string;
  status: string;
  review_status: string;
  trust_score: number | null;
  counts: Record<string, number> | null;
  started_at: Date | null;
  finished_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  user_details: Record<string, string | number | boolean> | null;
  show_how_to_video: boolean | null;
}
interface EvidenceRow {
  id: string;
  seq: number;
  code: number;
  type: string;
  started_at: Date;
  ended_at: Date | null;
  duration_ms: number | null;
  data: Record<string, unknown> | null;
  inline_photo: string | null;
  stored_type: string | null;
  stored_bytes: Buffer | Uint8Array | null;
  has_stored: boolean;
  has_inline: boolean;
  photo_pending: boolean;
}

const evidenceSchema = {
  type: 'object',
  required: ['evidenceId', 'seq', 'code', 'type', 'startedDate', 'endedDate', 'durationMs', 'data', 'photoUrl'],
  properties: {
    evidenceId: { type: 'string', format: 'uuid' },
    seq: { type: 'integer' },
    code: { type: 'integer', description: 'AutoProctor evidence code (5001–5009), or ours (5100+)' },
    type: { type: 'string' },
    startedDate: { type: 'string', format: 'date-time' },
    endedDate: { type: ['string', 'null'], format: 'date-time' },
    durationMs: { type: ['integer', 'null'] },
    data: { type: ['object', 'null'], additionalProperties: true },
    photoUrl: {
      type: ['string', 'null'],
      description:
        'GET it with the same x-ap-client-id / x-ap-attempt-hash headers; null without a stored photo. A path from the server root (/api/v1/…): behind a proxy that mounts the server under a prefix, resolve it without its leading slash against your endpoint (as the package does)',
    },
    photo: {
      type: 'string',
      description: 'With photos=inline only: the photo as a data URL (data:image/jpeg;base64,…)',
    },
    photoPending: {
      type: 'boolean',
      description: 'The record announced a photo that has not reached the server yet',
    },
  },
} as const;

export function attemptReportRoutes(app: FastifyInstance, options: AttemptReportOptions) {
  const { db } = options;

  async function sessionOf(
    request: Parameters<typeof authenticateAttempt>[1],
    testAttemptId: string,
  ): Promise<SessionRow & { client_id: string }> {
    const { clientId } = await authenticateAttempt(db, request, testAttemptId);
    await options.limiter?.take(`${clientId}/${testAttemptId}/report`);
    const [session] = await db.query<SessionRow>(
      `select sid, status, review_status, trust_score, counts, started_at, finished_at, closed_at, close_reason,
         user_details, show_how_to_video from sessions where client_id = $1 and test_attempt_id = $2`,
      [clientId, testAttemptId],
    );
    if (!session)
      throw new HttpError(
        404,
        'unknown_attempt',
        `No attempt "${testAttemptId}" for client "${clientId}" on this server: it never started here (or reached another results server).`,
      );
    return { ...session, client_id: clientId };
  }

  app.get<{ Params: { testAttemptId: string }; Querystring: { photos?: 'url' | 'inline' } }>(
    '/api/v1/attempts/:testAttemptId/report',
    {
      schema: {
        tags: ['ingest'],
        summary: "An attempt's report (Trust Score, counts, evidence), for the exam platform's pages",
        description: [
          "What AutoProctor.getReport() / showReport() read on a device whose outbox does not hold the attempt (a teacher's page): authorised like ingest, by the client id and the hashed attempt id (AutoProctor's model: whoever holds the hash of an attempt may read its report; no reporting token).",
          "trustScore, reviewRequired and finishedDate are null until the attempt is finished (or closed as abandoned) and scored by the server: poll until trustScore is a number. counts: the verdict's once scored, until then records per type so far.",
          'Evidence in the order the page recorded it (seq). photos=url (default): photoUrl per record, fetched with the same headers; photos=inline: each stored photo as a data URL in `photo` (one request, larger).',
        ].join(' '),
        security,
        params: attemptParams,
        querystring: {
          type: 'object',
          properties: {
            photos: { type: 'string', enum: ['url', 'inline'], description: 'url (default) or inline' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: [
              'testAttemptId',
              'clientId',
              'sessionSid',
              'sessionStatus',
              'reviewStatus',
              'testAttemptStatus',
              'trustScore',
              'reviewRequired',
              'counts',
              'startedDate',
              'finishedDate',
              'closeReason',
              'userDetails',
              'showHowToVideo',
              'evidence',
            ],
            properties: {
              testAttemptId: { type: 'string' },
              clientId: { type: 'string' },
              sessionSid: { type: 'string' },
              sessionStatus: { type: 'string', description: "ProctorExam's session status, as the page reported it" },
              reviewStatus: { type: 'string' },
              testAttemptStatus: {
                type: 'string',
                enum: ['not_started', 'started', 'completed'],
                description: "AutoProctor's: completed once the server has scored it",
              },
              trustScore: { type: ['integer', 'null'], description: "0–100, the server's; null until scored" },
              reviewRequired: { type: ['boolean', 'null'], description: `trustScore < ${REVIEW_THRESHOLD}` },
              counts: { type: 'object', additionalProperties: { type: 'integer' } },
              startedDate: { type: ['string', 'null'], format: 'date-time' },
              finishedDate: { type: ['string', 'null'], format: 'date-time' },
              closeReason: {
                type: ['string', 'null'],
                description: 'finished, abandoned or not_started (see the sessions API)',
              },
              userDetails: {
                type: ['object', 'null'],
                additionalProperties: { type: ['string', 'number', 'boolean'] },
              },
              showHowToVideo: { type: ['boolean', 'null'] },
              evidence: { type: 'array', items: evidenceSchema },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { testAttemptId } = request.params;
      const inline = request.query.photos === 'inline';
      const session = await sessionOf(request, testAttemptId);
      const rows = await db.query<EvidenceRow>(
        `select e.id::text as id, e.seq, e.code, e.type, e.started_at, e.ended_at, e.duration_ms, e.data,
           ${inline ? 'e.photo' : 'null'} as inline_photo, e.photo is not null as has_inline,
           p.content_type as stored_type, ${inline ? 'p.bytes' : 'null'} as stored_bytes,
           (p.evidence_id is not null) as has_stored, e.photo_pending
         from evidence e left join photos p on p.session_sid = e.session_sid and p.evidence_id = e.id
         where e.session_sid = $1 order by e.seq, e.created_seq`,
        [session.sid],
      );
      const scored = session.closed_at !== null && session.trust_score !== null;
      const counts: Record<string, number> = {};
      if (scored) Object.assign(counts, session.counts ?? {});
      else for (const r of rows) counts[r.type] = (counts[r.type] ?? 0) + 1;
      const evidence = rows.map((r) => {
        const hasPhoto = r.has_stored || r.has_inline;
        const photo = !inline
          ? undefined
          : r.stored_bytes
            ? `data:${r.stored_type};base64,${Buffer.from(r.stored_bytes).toString('base64')}`
            : (r.inline_photo ?? undefined);
        return {
          evidenceId: r.id,
          seq: r.seq,
          code: r.code,
          type: r.type,
          startedDate: iso(r.started_at),
          endedDate: iso(r.ended_at),
          durationMs: r.duration_ms,
          data: r.data,
          photoUrl: hasPhoto ? photoPath(testAttemptId, r.id) : null,
          ...(photo ? { photo } : {}),
          ...(r.photo_pending && !hasPhoto ? { photoPending: true } : {}),
        };
      });
      return reply.header('cache-control', 'no-store').send({
        testAttemptId,
        clientId: session.client_id,
        sessionSid: session.sid,
        sessionStatus: session.status,
        reviewStatus: session.review_status,
        testAttemptStatus: scored
          ? 'completed'
          : session.started_at || rows.length || session.status !== 'exam_not_started'
            ? 'started'
            : 'not_started',
        trustScore: scored ? session.trust_score : null,
        reviewRequired: scored ? session.trust_score! < REVIEW_THRESHOLD : null,
        counts,
        startedDate: iso(session.started_at),
        finishedDate: scored ? iso(session.finished_at ?? session.closed_at) : null,
        closeReason: session.closed_at ? (session.close_reason ?? 'finished') : null,
        userDetails: session.user_details,
        showHowToVideo: session.show_how_to_video,
        evidence,
      });
    },
  );

  app.get<{ Params: { testAttemptId: string; evidenceId: string } }>(
    '/api/v1/attempts/:testAttemptId/photos/:evidenceId',
    {
      schema: {
        tags: ['ingest'],
        summary: "The photo of one of an attempt's evidence records (image/jpeg or image/png)",
        description:
          'Authorised like ingest (x-ap-client-id / x-ap-attempt-hash): the photoUrl of GET …/report. 404 unknown_evidence for a record not of this attempt, photo_pending for a photo announced that has not arrived, no_photo for a record without one.',
        security,
        params: photoParams,
        response: {
          200: PHOTO_RESPONSE,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { testAttemptId } = request.params;
      const evidenceId = request.params.evidenceId.toLowerCase();
      const session = await sessionOf(request, testAttemptId);
      const [row] = await db.query<{
        photo: string | null;
        photo_pending: boolean;
        content_type: string | null;
        bytes: Buffer | Uint8Array | null;
      }>(
        `select e.photo, e.photo_pending, p.content_type, p.bytes from evidence e
           left join photos p on p.session_sid = e.session_sid and p.evidence_id = e.id
         where e.session_sid = $1 and e.id = $2`,
        [session.sid, evidenceId],
      );
      if (!row)
        throw new HttpError(
          404,
          'unknown_evidence',
          `Attempt "${testAttemptId}" has no evidence record ${evidenceId}.`,
        );
      const sent = sendPhoto(reply, row, row.photo);
      if (sent) return sent;
      throw new HttpError(
        404,
        row.photo_pending ? 'photo_pending' : 'no_photo',
        row.photo_pending
          ? `The photo of record ${evidenceId} has not reached the server yet.`
          : `Record ${evidenceId} has no photo.`,
      );
    },
  );
}
