import type { ChecksSummary } from '../checks/runner.js';

/** Every requirements check has a final result (or was skipped). */
export class ApChecksCompleteEvent extends Event {
  static readonly eventName = 'ap-checks-complete';
  constructor(readonly detail: ChecksSummary) {
    super(ApChecksCompleteEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-checks-complete': ApChecksCompleteEvent;
  }
}
