import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SIDs: a two-letter prefix + 32 lowercase hex. AI install, EX exam, ES session (SmarterProctoring's);
 * ER event report (derived from the session and the evidence record's id, so a report's SID is
 * stable and reproducible) and AN annotation (ours).
 */
export type SidPrefix = 'AI' | 'EX' | 'ES' | 'ER' | 'AN';
export const sid = (prefix: SidPrefix) => prefix + randomBytes(16).toString('hex');
export const SID_PATTERN = (prefix: SidPrefix) => `^${prefix}[0-9a-f]{32}$`;

/**
 * The event report SID of an evidence record: `ER` + the first 32 hex digits of
 * SHA-256(`{sessionSid}/{evidenceId}`). Evidence ids are chosen by clients and are unique only
 * within their session, so the session is part of the SID: two installs (or two attempts) that
 * send the same evidence id get different, stable SIDs. Records stored before migration 4 keep
 * their old SID, `ER` + the uuid without dashes (stored in evidence.report_sid).
 */
export const eventReportSid = (sessionSid: string, evidenceId: string) =>
  'ER' + createHash('sha256').update(`${sessionSid}/${evidenceId.toLowerCase()}`, 'utf8').digest('hex').slice(0, 32);

/** AutoProctor's scheme: Base64 of HMAC-SHA256 over the attempt id, keyed with the client's secret. */
export const hashAttempt = (secret: string, testAttemptId: string) =>
  createHmac('sha256', secret).update(testAttemptId).digest('base64');

/** What `hashedTestAttemptId` must be, for error messages. */
export const ATTEMPT_HASH_SCHEME =
  'HMAC-SHA256(client secret, testAttemptId) as Base64 (44 characters, standard or base64url) or hex (64 characters)';

/**
 * The 32 digest bytes of a hashed attempt id given as Base64 (standard, with or without its `=`),
 * base64url, or hex (either case); undefined for anything else.
 */
export function decodeAttemptHash(given: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(given)) return Buffer.from(given, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(given)) return Buffer.from(given, 'base64');
  if (/^[A-Za-z0-9_-]{43}=?$/.test(given)) return Buffer.from(given, 'base64url');
  return undefined;
}

/**
 * Checks `given` (see {@link decodeAttemptHash}) against HMAC-SHA256(secret, testAttemptId) in
 * constant time. `'malformed'` when it is in none of the accepted encodings.
 */
export function verifyAttemptHash(secret: string, testAttemptId: string, given: string): boolean | 'malformed' {
  const actual = decodeAttemptHash(given);
  if (!actual || actual.length !== 32) return 'malformed';
  const expected = createHmac('sha256', secret).update(testAttemptId).digest();
  return timingSafeEqual(expected, actual);
}

export const newSecret = () => randomBytes(24).toString('base64url');

/** API tokens are stored as SHA-256 only; the token itself is shown once, when it is created. */
export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
