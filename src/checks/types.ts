import type { CheckStatus } from '../statuses.js';

/** The checks `<ap-requirements-check>` knows, in their default order. */
export const CHECK_NAMES = ['microphone', 'speakers', 'bandwidth', 'webcam', 'mobile', 'screenshare'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** The outcome (or current state) of one requirements check. */
export interface CheckResult {
  readonly name: CheckName;
  readonly status: CheckStatus;
  /** Epoch ms; absent while `not_started`. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Numeric error code (DESIGN.md section 4) when the check failed for a known reason. */
  readonly code?: number;
  readonly message: string;
  readonly metrics: Readonly<Record<string, number | string | boolean>>;
}
