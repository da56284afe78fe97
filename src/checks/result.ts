import { ProctorError, messageOf } from '../errors.js';
import type { CheckFailureReason, CheckName, CheckResult } from './types.js';

type Metrics = CheckResult['metrics'];

/** A finished result. */
export function finished(
  name: CheckName,
  startedAt: number,
  outcome:
    | { ok: true; message: string; metrics?: Metrics; warnings?: string[] }
    | { ok: false; message: string; reason: CheckFailureReason; code?: number; metrics?: Metrics; warnings?: string[] },
): CheckResult {
  const { ok, message, metrics = {}, warnings } = outcome;
  return {
    name,
    status: ok ? 'succeeded' : 'failed',
    startedAt,
    finishedAt: Date.now(),
    message,
    metrics,
    ...(ok ? {} : { reason: outcome.reason, ...(outcome.code ? { code: outcome.code } : {}) }),
    ...(warnings?.length ? { warnings } : {}),
  };
}

/** A failed result from a thrown error (typed errors keep their code). */
export function failedFromError(name: CheckName, startedAt: number, error: unknown, metrics?: Metrics): CheckResult {
  return finished(name, startedAt, {
    ok: false,
    reason: 'error',
    message: messageOf(error),
    ...(error instanceof ProctorError ? { code: error.code } : {}),
    metrics,
  });
}
