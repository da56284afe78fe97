import { ApEvent } from './ap-event.js';
import type { EvidenceType } from '../reporting/types.js';
/** Monitoring stopped: final evidence delivered, Trust Score computed. */
export class ApMonitoringStoppedEvent extends ApEvent<{
  trustScore: number;
  counts: Partial<Record<EvidenceType, number>>;
}> {
  static readonly eventName = 'ap-monitoring-stopped';
  constructor(detail: { trustScore: number; counts: Partial<Record<EvidenceType, number>> }) {
    super(ApMonitoringStoppedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-monitoring-stopped': ApMonitoringStoppedEvent;
  }
}
