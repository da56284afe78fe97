import { ApEvent } from './ap-event.js';
/** Something went wrong; `detail` carries the numeric code and a message. */
export class ApErrorEvent extends ApEvent<{ code: number; message: string }> {
  static readonly eventName = 'ap-error';
  constructor(detail: { code: number; message: string }) {
    super(ApErrorEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-error': ApErrorEvent;
  }
}
