import { ApEvent } from './ap-event.js';
import type { SessionStatus } from '../statuses.js';
/** The session status changed (in_setup, exam_started, exam_finished, exam_not_started). */
export class ApStatusChangeEvent extends ApEvent<{ status: SessionStatus }> {
  static readonly eventName = 'ap-status-change';
  constructor(detail: { status: SessionStatus }) {
    super(ApStatusChangeEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-status-change': ApStatusChangeEvent;
  }
}
