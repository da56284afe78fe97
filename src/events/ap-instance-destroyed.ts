/** The monitor was destroyed: every device released, its UI removed. */
export class ApInstanceDestroyedEvent extends Event {
  static readonly eventName = 'ap-instance-destroyed';
  constructor(readonly detail: { testAttemptId: string }) {
    super(ApInstanceDestroyedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-instance-destroyed': ApInstanceDestroyedEvent;
  }
}
