import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** SIDs: a two-letter prefix + 32 lowercase hex (AI install, EX exam, ES session, ER event report, AN annotation). */
export const sid = (prefix: 'AI' | 'EX' | 'ES' | 'ER' | 'AN') => prefix + randomBytes(16).toString('hex');
export const SID_PATTERN = (prefix: string) => `^${prefix}[0-9a-f]{32}$`;

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
