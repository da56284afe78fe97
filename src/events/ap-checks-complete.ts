import { ApEvent } from './ap-event.js';
import type { ChecksSummary } from '../checks/runner.js';

/** Every requirements check has a final result (or was skipped). */
export class ApChecksCompleteEvent extends ApEvent<ChecksSummary> {
  static readonly eventName = 'ap-checks-complete';
  constructor(detail: ChecksSummary) {
    super(ApChecksCompleteEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-checks-complete': ApChecksCompleteEvent;
  }
}
