import { ApEvent } from './ap-event.js';
import type { DeliveryProgress } from '../reporting/delivery.js';
import type { EvidenceType } from '../reporting/types.js';

export interface MonitoringStoppedDetail {
  /** The Trust Score computed on the device (the results server computes the score of record). */
  trustScore: number;
  counts: Partial<Record<EvidenceType, number>>;
  /**
   * Where delivery stood when `stop()` returned (it goes on while the page is open):
   * `delivery.done` false means `delivery.pending` records or photos are still on this device.
   */
  delivery?: DeliveryProgress;
}

/** Monitoring stopped: Trust Score computed, the finish queued after the last evidence. */
export class ApMonitoringStoppedEvent extends ApEvent<MonitoringStoppedDetail> {
  static readonly eventName = 'ap-monitoring-stopped';
  constructor(detail: MonitoringStoppedDetail) {
    super(ApMonitoringStoppedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-monitoring-stopped': ApMonitoringStoppedEvent;
  }
}
