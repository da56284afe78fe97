import type { SessionStatus } from '../statuses.js';
/** The session status changed (in_setup, exam_started, exam_finished, exam_not_started). */
export class ApStatusChangeEvent extends Event {
  static readonly eventName = 'ap-status-change';
  constructor(readonly detail: { status: SessionStatus }) {
    super(ApStatusChangeEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-status-change': ApStatusChangeEvent;
  }
}
