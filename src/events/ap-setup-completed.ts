/** Setup finished: options are valid and what the trackers need is loaded. */
export class ApSetupCompletedEvent extends Event {
  static readonly eventName = 'ap-setup-completed';
  constructor(readonly detail: { testAttemptId: string }) {
    super(ApSetupCompletedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-setup-completed': ApSetupCompletedEvent;
  }
}
