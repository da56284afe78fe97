import { createContext } from '@lit/context';
import type { CheckName, CheckResult } from '../checks/types.js';
import type { MonitorState } from '../monitoring/types.js';
import type { SessionStatus } from '../statuses.js';

/**
 * What `<ap-monitor>` and `<ap-requirements-check>` share with the elements inside them.
 * Providers replace the whole object on every change (never mutate it): consumers are only
 * notified when the value changes identity.
 */
export interface SessionContextValue {
  readonly sessionStatus?: SessionStatus;
  readonly checks: Readonly<Partial<Record<CheckName, CheckResult>>>;
  readonly monitorState?: MonitorState;
}

export const sessionContext = createContext<SessionContextValue>(Symbol('ap-session'));
