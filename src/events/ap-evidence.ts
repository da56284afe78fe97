import type { EvidenceRecord } from '../reporting/types.js';
/** An evidence record was written to the outbox. */
export class ApEvidenceEvent extends Event {
  static readonly eventName = 'ap-evidence';
  constructor(readonly detail: EvidenceRecord) {
    super(ApEvidenceEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-evidence': ApEvidenceEvent;
  }
}
