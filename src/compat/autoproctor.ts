/**
 * AutoProctor-compatible API, so its integrations can switch with few changes:
 * `new AutoProctor({clientId, testAttemptId, hashedTestAttemptId})`, `setup()`, `start()`, `stop()`,
 * `destroy()`, and AutoProctor's window events (`apSetupCompleted`, `apMonitoringStarted`,
 * `apMonitoringStopped`, `apInstanceDestroyed`, `apErrorEvent`, `apEvidenceEvent`).
 */
import { ApMonitor } from '../elements/ap-monitor/ap-monitor.js';
import { ErrorCode, ProctorError } from '../errors.js';
import type { MonitorCredentials, MonitorSetupOptions } from '../monitoring/session.js';
import type { TrackingOptions } from '../monitoring/options.js';

export interface AutoProctorSetupOptions extends Omit<MonitorSetupOptions, 'track'> {
  trackingOptions?: TrackingOptions;
  track?: TrackingOptions | string[] | string;
  /** Id of the element to put the monitor in (AutoProctor's name). */
  testContainerId?: string;
  /** The element to put the monitor in. Default: `document.body`. */
  container?: HTMLElement;
  /** Ask the browser to confirm before the candidate leaves the page while monitoring. */
  alertBeforeUnload?: boolean;
}

/** Element event → AutoProctor window event. */
export const AUTOPROCTOR_EVENTS = {
  'ap-setup-completed': 'apSetupCompleted',
  'ap-monitoring-started': 'apMonitoringStarted',
  'ap-monitoring-stopped': 'apMonitoringStopped',
  'ap-instance-destroyed': 'apInstanceDestroyed',
  'ap-error': 'apErrorEvent',
  'ap-evidence': 'apEvidenceEvent',
} as const;

export class AutoProctor {
  private element?: ApMonitor;
  private stoppedOnce = false;

  constructor(readonly credentials: MonitorCredentials) {
    for (const key of ['clientId', 'testAttemptId', 'hashedTestAttemptId'] as const)
      if (typeof credentials?.[key] !== 'string' || !credentials[key])
        throw new ProctorError(ErrorCode.INVALID_OPTION, `AutoProctor: ${key} is required (a non-empty string).`);
  }

  /** The `<ap-monitor>` this instance created (after `setup()`). */
  get monitor(): ApMonitor | undefined {
    return this.element;
  }

  async setup(options: AutoProctorSetupOptions = {}): Promise<void> {
    const { testContainerId, container, alertBeforeUnload, ...monitorOptions } = options;
    if (!customElements.get('ap-monitor')) customElements.define('ap-monitor', ApMonitor);
    const host = container ?? (testContainerId ? document.getElementById(testContainerId) : document.body);
    let element = this.element;
    if (!element) {
      element = this.element = document.createElement('ap-monitor');
      element.clientId = this.credentials.clientId;
      element.testAttemptId = this.credentials.testAttemptId;
      element.hashedTestAttemptId = this.credentials.hashedTestAttemptId;
      for (const [from, to] of Object.entries(AUTOPROCTOR_EVENTS))
        element.addEventListener(from, (e) =>
          dispatchEvent(new CustomEvent<unknown>(to, { detail: (e as CustomEvent<unknown>).detail })),
        );
    }
    if (!host) {
      const error = new ProctorError(
        ErrorCode.INVALID_OPTION,
        `testContainerId: no element with id "${testContainerId}".`,
      );
      dispatchEvent(new CustomEvent('apErrorEvent', { detail: error.toJSON() }));
      throw error;
    }
    if (alertBeforeUnload) addEventListener('beforeunload', this.onBeforeUnload);
    host.append(element);
    await element.setup(monitorOptions);
  }

  async start(): Promise<void> {
    if (this.stoppedOnce) {
      const error = new ProctorError(
        ErrorCode.INVALID_STATE,
        `start() again after stop() for testAttemptId "${this.credentials.testAttemptId}".`,
      );
      dispatchEvent(new CustomEvent('apErrorEvent', { detail: error.toJSON() }));
      throw error;
    }
    if (!this.element) throw new ProctorError(ErrorCode.INVALID_STATE, 'start() before setup().');
    await this.element.start();
  }

  async stop(): Promise<{ trustScore: number }> {
    if (!this.element) throw new ProctorError(ErrorCode.INVALID_STATE, 'stop() before setup().');
    const result = await this.element.stop();
    this.stoppedOnce = true;
    return result;
  }

  /** Stops everything, releases devices and removes the monitor's element. */
  async destroy(): Promise<void> {
    removeEventListener('beforeunload', this.onBeforeUnload);
    const element = this.element;
    if (!element) return;
    await element.destroy();
    element.remove();
  }

  private onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (this.element?.state === 'monitoring') event.preventDefault();
  };
}
