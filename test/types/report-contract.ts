// <ap-report>'s server mode (src/report/report-data.ts, fromServer) reads the reporting API with its
// own small interfaces. This file makes the type check fail when the server's OpenAPI document
// (review/api.d.ts, generated from the routes' response schemas) stops sending what they read.
import type { paths } from '../../review/api.js';
import type { ServerAttemptReport, ServerEvent, ServerSession } from '../../src/report/report-data.js';

type Answer<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer R } } } };
}
  ? R
  : never;
type SessionDetails = Answer<'/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}'>;
type AttemptReport = Answer<'/api/v1/attempts/{testAttemptId}/report'>;
type EventList = Answer<'/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}/events'>;

export const sessionFits = (details: SessionDetails): ServerSession => details;
export const eventFits = (event: EventList['results'][number]): ServerEvent => event;
export const listFits = (list: EventList): { results: unknown[]; total: number } => list;
export const attemptReportFits = (report: AttemptReport): ServerAttemptReport => report;
