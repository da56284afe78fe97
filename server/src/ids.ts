import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SIDs: a two-letter prefix + 32 lowercase hex. AI install, EX exam, ES session (SmarterProctoring's);
 * ER event report (derived from the evidence record's uuid, so a report's SID is stable and
 * reproducible) and AN annotation (ours).
 */
export type SidPrefix = 'AI' | 'EX' | 'ES' | 'ER' | 'AN';
export const sid = (prefix: SidPrefix) => prefix + randomBytes(16).toString('hex');
export const SID_PATTERN = (prefix: SidPrefix) => `^${prefix}[0-9a-f]{32}$`;

/** The event report SID of an evidence record: `ER` + its uuid without dashes. */
export const eventReportSid = (uuid: string) => `ER${uuid.replace(/-/g, '').toLowerCase()}`;
/** The evidence uuid behind an event report SID (already validated against SID_PATTERN('ER')). */
export const evidenceIdOf = (reportSid: string) => {
  const h = reportSid.slice(2);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** AutoProctor's scheme: Base64 of HMAC-SHA256 over the attempt id, keyed with the client's secret. */
export const hashAttempt = (secret: string, testAttemptId: string) =>
  createHmac('sha256', secret).update(testAttemptId).digest('base64');

/** Constant-time comparison of the expected and the given hash. */
export function verifyAttemptHash(secret: string, testAttemptId: string, given: string): boolean {
  const expected = Buffer.from(hashAttempt(secret, testAttemptId));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export const newSecret = () => randomBytes(24).toString('base64url');

/** API tokens are stored as SHA-256 only; the token itself is shown once, when it is created. */
export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
