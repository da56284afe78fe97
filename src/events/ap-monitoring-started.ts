/** Monitoring runs: devices granted, trackers started (`resumed` after a reload). */
export class ApMonitoringStartedEvent extends Event {
  static readonly eventName = 'ap-monitoring-started';
  constructor(readonly detail: { testAttemptId: string; resumed: boolean }) {
    super(ApMonitoringStartedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-monitoring-started': ApMonitoringStartedEvent;
  }
}
