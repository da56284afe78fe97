/** Something went wrong; `detail` carries the numeric code and a message. */
export class ApErrorEvent extends Event {
  static readonly eventName = 'ap-error';
  constructor(readonly detail: { code: number; message: string }) {
    super(ApErrorEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-error': ApErrorEvent;
  }
}
