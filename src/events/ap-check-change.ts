import type { CheckResult } from '../checks/types.js';

/** A requirements check changed status (started, succeeded, failed, reset). */
export class ApCheckChangeEvent extends Event {
  static readonly eventName = 'ap-check-change';
  constructor(readonly detail: CheckResult) {
    super(ApCheckChangeEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-check-change': ApCheckChangeEvent;
  }
}
