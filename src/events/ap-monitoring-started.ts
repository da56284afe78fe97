import { ApEvent } from './ap-event.js';
/** Monitoring runs: devices granted, trackers started (`resumed` after a reload). */
export class ApMonitoringStartedEvent extends ApEvent<{ testAttemptId: string; resumed: boolean }> {
  static readonly eventName = 'ap-monitoring-started';
  constructor(detail: { testAttemptId: string; resumed: boolean }) {
    super(ApMonitoringStartedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-monitoring-started': ApMonitoringStartedEvent;
  }
}
