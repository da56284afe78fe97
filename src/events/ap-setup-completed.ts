import { ApEvent } from './ap-event.js';
/** Setup finished: options are valid and what the trackers need is loaded. */
export class ApSetupCompletedEvent extends ApEvent<{ testAttemptId: string }> {
  static readonly eventName = 'ap-setup-completed';
  constructor(detail: { testAttemptId: string }) {
    super(ApSetupCompletedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-setup-completed': ApSetupCompletedEvent;
  }
}
