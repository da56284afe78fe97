/**
 * Exponential back-off, the one formula behind every retry loop here (evidence delivery, pairing
 * signalling): `firstMs · 2^failures`, at most `maxMs`.
 *
 * @param failures - Failures so far, minus one: 0 for the first retry.
 * @returns The wait before the next try, in ms.
 */
export function backoffDelay(failures: number, firstMs: number, maxMs: number): number {
  return Math.min(firstMs * 2 ** Math.min(Math.max(failures, 0), 30), maxMs);
}
