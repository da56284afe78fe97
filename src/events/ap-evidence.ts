import { ApEvent } from './ap-event.js';
import type { EvidenceRecord } from '../reporting/types.js';
/** An evidence record was written to the outbox. */
export class ApEvidenceEvent extends ApEvent<EvidenceRecord> {
  static readonly eventName = 'ap-evidence';
  constructor(detail: EvidenceRecord) {
    super(ApEvidenceEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-evidence': ApEvidenceEvent;
  }
}
