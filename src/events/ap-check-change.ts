import { ApEvent } from './ap-event.js';
import type { CheckResult } from '../checks/types.js';

/** A requirements check changed status (started, succeeded, failed, reset). */
export class ApCheckChangeEvent extends ApEvent<CheckResult> {
  static readonly eventName = 'ap-check-change';
  constructor(detail: CheckResult) {
    super(ApCheckChangeEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-check-change': ApCheckChangeEvent;
  }
}
