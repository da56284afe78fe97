import type { EvidenceType } from '../reporting/types.js';
/** Monitoring stopped: final evidence delivered, Trust Score computed. */
export class ApMonitoringStoppedEvent extends Event {
  static readonly eventName = 'ap-monitoring-stopped';
  constructor(readonly detail: { trustScore: number; counts: Partial<Record<EvidenceType, number>> }) {
    super(ApMonitoringStoppedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-monitoring-stopped': ApMonitoringStoppedEvent;
  }
}
