import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ProctorError, ErrorCode, messageOf } from '../../errors.js';
import { RequirementsRunner, type ChecksSummary, type RequirementsRunnerOptions } from '../../checks/runner.js';
import type { CheckResult } from '../../checks/types.js';

export interface RequirementsControllerCallbacks {
  onChange(result: CheckResult): void;
  onComplete(summary: ChecksSummary): void;
  onError(error: ProctorError): void;
}

/** Owns a {@link RequirementsRunner} for an element: re-renders on its events, disposes it on disconnect. */
export class RequirementsController implements ReactiveController {
  runner?: RequirementsRunner;
  error?: ProctorError;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly callbacks: RequirementsControllerCallbacks,
  ) {
    host.addController(this);
  }

  /** (Re)creates the runner; a bad configuration leaves `error` set instead. */
  configure(options: () => RequirementsRunnerOptions): void {
    this.runner?.dispose();
    this.runner = undefined;
    this.error = undefined;
    try {
      const runner = new RequirementsRunner(options());
      runner.addEventListener('change', (e) => {
        this.callbacks.onChange((e as CustomEvent<CheckResult>).detail);
        this.host.requestUpdate();
      });
      runner.addEventListener('progress', () => this.host.requestUpdate());
      // a monitor took or released the streams: the lock and the previews change
      runner.addEventListener('streams', () => this.host.requestUpdate());
      runner.addEventListener('complete', (e) => {
        this.callbacks.onComplete((e as CustomEvent<ChecksSummary>).detail);
        this.host.requestUpdate();
      });
      this.runner = runner;
    } catch (error) {
      this.error = error instanceof ProctorError ? error : new ProctorError(ErrorCode.INVALID_OPTION, messageOf(error));
      this.callbacks.onError(this.error);
    }
    this.host.requestUpdate();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.runner?.dispose();
  }
}
