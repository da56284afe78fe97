import { ApEvent } from './ap-event.js';
/** The monitor was destroyed: every device released, its UI removed. */
export class ApInstanceDestroyedEvent extends ApEvent<{ testAttemptId: string }> {
  static readonly eventName = 'ap-instance-destroyed';
  constructor(detail: { testAttemptId: string }) {
    super(ApInstanceDestroyedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-instance-destroyed': ApInstanceDestroyedEvent;
  }
}
