import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { sessionContext, type SessionContextValue } from '../../context/session-context.js';
import { RequirementsController } from './requirements-controller.js';
import type { CheckSettings } from '../../checks/runner.js';
import { DEFAULT_CHECKS, DEFAULT_OPTIONAL, parseCheckNames } from '../../checks/common.js';
import type { CheckName, CheckResult } from '../../checks/types.js';
import { ApCheckChangeEvent } from '../../events/ap-check-change.js';
import { ApChecksCompleteEvent } from '../../events/ap-checks-complete.js';
import { ApErrorEvent } from '../../events/ap-error.js';
import { messages } from '../../messages.js';
import { ErrorCode, ProctorError } from '../../errors.js';
import { renderPanel } from './panels.js';
import { loadQrCode } from '../qr.js';
import type { PairingTransport } from '../../pairing/channel.js';
import { pairingTransport } from '../../pairing/phone.js';
import type { SecondCameraReceiver } from '../../pairing/peer.js';
import { requirementsCheckStyles } from './ap-requirements-check.styles.js';
import { sameValue } from './same-value.js';
import { validateCheckSettings } from '../../checks/settings.js';

/**
 * Codes of a check that failed because of the browser itself (INCOMPATIBLE_BROWSER, BROWSER_OUTDATED):
 * running it again in the same browser fails the same way, so the row offers no "Try again" and says
 * what the candidate can do instead (`messages().retryWontHelp`).
 */
const BROWSER_CODES: ReadonlySet<number> = new Set([ErrorCode.INCOMPATIBLE_BROWSER, ErrorCode.BROWSER_OUTDATED]);

/**
 * Runs the candidate's system checks one at a time: microphone, speakers, connection speed, camera
 * and screen sharing (the mobile camera check is reserved for a later release).
 *
 * @summary The requirements (system) check before an exam.
 *
 * @fires ap-check-change - A check changed status; `detail` is its `CheckResult`.
 * @fires ap-checks-complete - Every check has a final result; `detail` is `{results, passed}`.
 * @fires ap-error - The configuration is invalid (`detail`: `{code, message}`).
 *
 * @slot - Extra content below the checks, e.g. `<ap-status-badge source="check:webcam">`, which
 *   follows the checks live through the session context.
 *
 * @csspart base - The card.
 * @csspart heading - The title.
 * @csspart progress - The overall progress bar.
 * @csspart list - The list of checks.
 * @csspart check - One check's row.
 * @csspart message - A check's result message.
 * @csspart warnings - What a passed check could not verify (e.g. the kind of screen shared).
 * @csspart no-retry - In place of "Try again" where the browser itself failed the check (4001, 4016).
 * @csspart panel - What the running check asks of the candidate.
 * @csspart preview - The camera preview.
 * @csspart phone-preview - The phone's camera, once the mobile check receives it.
 * @csspart qr - The mobile check's QR code (an SVG image).
 * @csspart pairing-link - The phone link as text.
 * @csspart copy - The "copy link" button.
 * @csspart phone-status - Whether the mobile check waits, connects or receives.
 * @csspart meter - The microphone level meter.
 * @csspart start - The start button.
 * @csspart summary - The final summary.
 *
 * @cssproperty --ap-requirements-check-font - Font family.
 * @cssproperty --ap-requirements-check-color - Text colour.
 * @cssproperty --ap-requirements-check-background - Card background.
 * @cssproperty --ap-requirements-check-border - Border colour.
 * @cssproperty --ap-requirements-check-accent - Buttons, focus ring, progress.
 * @cssproperty --ap-requirements-check-radius - Corner radius.
 * @cssproperty --ap-requirements-check-gap - Space between sections.
 */
export class ApRequirementsCheck extends LitElement {
  static override styles = requirementsCheckStyles;

  private readonly controller = new RequirementsController(this, {
    onChange: (result) => {
      this.session = { ...this.session, checks: { ...this.session.checks, [result.name]: result } };
      if (result.status === 'not_completed') this.codeFeedback = '';
      // a restart resets each check once: listeners hear one `not_started`, not one per step of it
      const repeated = result.status === 'not_started' && this.dispatched.get(result.name) === 'not_started';
      this.dispatched.set(result.name, result.status);
      if (repeated) return;
      this.dispatchEvent(new ApCheckChangeEvent(result));
      void this.refreshDevices();
    },
    onComplete: (summary) => {
      this.session = { ...this.session, sessionStatus: 'after_check_req' };
      this.dispatchEvent(new ApChecksCompleteEvent(summary));
    },
    onError: (error) => this.dispatchEvent(new ApErrorEvent(error.toJSON())),
  });

  /** The status last dispatched in `ap-check-change`, per check. */
  private readonly dispatched = new Map<string, string>();

  @provide({ context: sessionContext })
  private session: SessionContextValue = { checks: {} };

  /** Which checks to run, comma-separated, in order. */
  @property() checks = DEFAULT_CHECKS.join(',');

  /** Checks that may fail or be skipped without failing the whole, comma-separated. */
  @property() optional = DEFAULT_OPTIONAL.join(',');

  /** Start the checks as soon as the element is connected. */
  @property({ type: Boolean, reflect: true }) autostart = false;

  /** Base URL of the speed test (`GET download?bytes=N`, `POST upload`). */
  @property({ attribute: 'bandwidth-url' }) bandwidthUrl = '';

  /**
   * The phone page for the mobile check (hosting `<ap-mobile-camera>`): `{code}` in it is replaced
   * by the pairing code, otherwise `?code=` is added.
   */
  @property({ attribute: 'pairing-url' }) pairingUrl = '';

  /** The reference server's origin for the mobile check's HTTP signalling (else BroadcastChannel, same browser). */
  @property({ attribute: 'signalling-url' }) signallingUrl = '';

  /** Signalling for the mobile check, replacing `signalling-url` (an integrator's own `PairingTransport`). */
  @property({ attribute: false }) pairing?: PairingTransport;

  /** Where the face model and the spoken digits are served; defaults to the package's assets. */
  @property({ attribute: 'asset-base' }) assetBase = '';

  /**
   * Thresholds and options per check (see `CheckSettings`); `null` is none. A misspelt or ill-typed
   * setting is a configuration error (INVALID_OPTION, 4107, naming it: in `error` and `ap-error`).
   */
  @property({ attribute: false }) settings: CheckSettings = {};

  /** MediaDevices to use (tests inject one where the browser cannot do the real thing). */
  @property({ attribute: false }) mediaDevices?: MediaDevices;

  @state() private devices: MediaDeviceInfo[] = [];
  @state() private codeFeedback = '';
  @state() private played = false;
  @state() private copyFeedback = '';
  private selected: { microphone?: string; speakers?: string } = {};
  /** What the runner was built from, to tell a real change from an equal new value. */
  private configuredFrom?: Record<string, unknown>;
  /** A real change arrived while checks ran: the new runner runs them again (after the render). */
  private rerun = false;
  /** Checks that had run were replaced by a configuration error: they run once it is mended. */
  private pendingRun = false;

  @query('video[part="preview"]') private preview?: HTMLVideoElement;
  @query('video[part="phone-preview"]') private phonePreview?: HTMLVideoElement;

  /**
   * The configuration error (`{code, message}`, e.g. 4107 for an unknown check), or undefined. An
   * invalid attribute is found while the element connects, before a page script could listen for
   * `ap-error`: read it here.
   */
  get error(): { code: number; message: string } | undefined {
    return this.controller.error?.toJSON();
  }

  /**
   * True while a running `<ap-monitor>` uses the camera, screen or phone these checks handed over:
   * the checks cannot be run again, skipped or reset until the monitor stops.
   */
  get locked(): boolean {
    return this.controller.runner?.locked ?? false;
  }

  /** Every check's current result, in order. */
  get results(): CheckResult[] {
    return this.controller.runner?.allResults ?? [];
  }

  /** True once every non-optional check has succeeded. */
  get passed(): boolean {
    return this.controller.runner?.summary.passed ?? false;
  }

  /** The shared screen after the screenshare check (kept for monitoring). */
  get screenStream(): MediaStream | undefined {
    return this.controller.runner?.screenStream;
  }

  /** The camera after the webcam check (kept for the preview and monitoring). */
  get cameraStream(): MediaStream | undefined {
    return this.controller.runner?.cameraStream;
  }

  /** The phone paired by the mobile check (kept for monitoring as the second camera). */
  get secondCamera(): SecondCameraReceiver | undefined {
    return this.controller.runner?.secondCamera;
  }

  /** A `run()` waits for the update of properties set just before it (it runs the checks then). */
  private runWaiting = false;

  /** Runs one check (retry) or every check not yet passed. */
  run(name?: CheckName): Promise<void> {
    // a property set in the same task (`el.settings = …; await el.run()`) is applied first: the run
    // is the new configuration's, not the old runner's, which the update would stop and replace
    if (this.isUpdatePending && this.isConnected) {
      this.runWaiting = true;
      return this.updateComplete.then(() => {
        this.runWaiting = false;
        // the update asked for every check to run again (a new configuration after a run): this run
        // does it, once (a named check is one of them)
        const all = this.rerun;
        this.rerun = false;
        return this.runNow(all ? undefined : name);
      });
    }
    return this.runNow(name);
  }

  private runNow(name?: CheckName): Promise<void> {
    return (
      this.controller.runner?.run(name) ??
      Promise.reject(
        this.controller.error ??
          new ProctorError(
            ErrorCode.INVALID_STATE,
            'run(): <ap-requirements-check> is not in the document yet; it configures itself once added.',
          ),
      )
    );
  }

  /** Skips an optional check. */
  skip(name: CheckName): void {
    this.controller.runner?.skip(name);
  }

  /**
   * Stops everything, releases camera and screen, and returns every check to `not_started`.
   * INVALID_STATE while {@link locked}.
   */
  reset(): void {
    this.controller.runner?.reset();
    this.session = { checks: {} };
    this.played = false;
  }

  /**
   * Settings are compared by value: a framework that passes a new but equal object on every render
   * (React's `settings={{…}}`) changes nothing. A real change while checks run, or after they ran,
   * builds a new runner and runs them again with it (never a check left silently not started).
   */
  protected override willUpdate(): void {
    // null (a framework's state before it is set) is no settings; anything else not an object is
    // kept as given for the check below, which says so (4107)
    const settings: CheckSettings = this.settings ?? {};
    const from: Record<string, unknown> = {
      checks: this.checks,
      optional: this.optional,
      bandwidthUrl: this.bandwidthUrl,
      pairingUrl: this.pairingUrl,
      signallingUrl: this.signallingUrl,
      pairing: this.pairing,
      assetBase: this.assetBase,
      mediaDevices: this.mediaDevices,
      raw: settings,
      settings: {
        ...settings,
        microphone: {
          ...settings.microphone,
          deviceId: this.selected.microphone ?? settings.microphone?.deviceId,
        },
        speakers: { ...settings.speakers, sinkId: this.selected.speakers ?? settings.speakers?.sinkId },
      },
    };
    if (this.configuredFrom && sameValue(from, this.configuredFrom)) return;
    const previous = this.controller.runner;
    if (previous?.locked) {
      // the exam uses this runner's streams: a new configuration waits until it is released
      this.dispatchEvent(
        new ApErrorEvent({
          code: ErrorCode.INVALID_STATE,
          message: 'The checks are locked while the exam is monitored: the new configuration was not applied.',
        }),
      );
      return;
    }
    // a check that ran (or runs) with the old configuration runs again with the new one: a result
    // is never silently wiped back to "not started" (autostart or not)
    const hadRun = !!previous && (previous.busy || previous.allResults.some((r) => r.status !== 'not_started'));
    // the configuration in force was an error: an autostart element never started, and runs now
    const wasError = !previous && !!this.controller.error;
    this.configuredFrom = from;
    this.controller.configure(() => {
      // a misspelt or ill-typed setting is the page's mistake (4107 in `error`), not the candidate's
      validateCheckSettings(settings);
      return {
        checks: parseCheckNames(this.checks),
        optional: parseCheckNames(this.optional, 'optional'),
        bandwidthUrl: this.bandwidthUrl || undefined,
        pairingUrl: this.pairingUrl || undefined,
        pairing: this.pairing ?? (this.signallingUrl ? pairingTransport(this.signallingUrl) : undefined),
        assetBase: this.assetBase || undefined,
        mediaDevices: this.mediaDevices,
        settings: from.settings as CheckSettings,
      };
    });
    this.session = { checks: {} };
    if (!this.controller.runner) {
      // an error replaced checks that had run: they run again once the configuration is valid
      this.pendingRun ||= hadRun;
      this.rerun = false;
    } else {
      this.rerun = hadRun || this.pendingRun || (wasError && this.autostart);
      this.pendingRun = false;
    }
    if (this.checks.includes('mobile')) void loadQrCode().then(() => this.requestUpdate());
  }

  // Lit calls firstUpdated() before updated(): the runner gets the preview here, before autostart.
  protected override updated(): void {
    if (this.controller.runner && this.preview) this.controller.runner.preview = this.preview;
    if (this.controller.runner && this.phonePreview) this.controller.runner.mobilePreview = this.phonePreview;
    // (a run() waiting for this update runs them itself)
    if (this.rerun && this.hasUpdated && !this.runWaiting) {
      this.rerun = false;
      void this.run().catch(() => undefined);
    }
  }

  protected override firstUpdated(): void {
    this.updated();
    void this.refreshDevices();
    if (this.autostart && this.controller.runner && !this.runWaiting) void this.run();
  }

  private async refreshDevices() {
    const devices = await (this.mediaDevices ?? navigator.mediaDevices)?.enumerateDevices?.().catch(() => []);
    if (devices) this.devices = devices;
  }

  private handlePlay = () => {
    this.played = true;
    void this.controller.runner?.speaker?.play().catch(() => undefined);
  };

  private handleSubmitCode = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const input = form.elements.namedItem('code') as HTMLInputElement;
    const result = this.controller.runner?.speaker?.submit(input.value);
    if (!result) return;
    const m = messages();
    this.codeFeedback = result.invalid ? m.invalidCode : result.correct ? '' : m.wrongCode(result.attemptsLeft);
    input.value = '';
    // the candidate types the next try straight away (focus would otherwise stay on the button)
    if (!result.correct) input.focus();
  };

  private handleCopyLink = (url: string) => {
    if (!navigator.clipboard) return;
    navigator.clipboard.writeText(url).then(
      () => (this.copyFeedback = messages().linkCopied),
      () => (this.copyFeedback = ''),
    );
  };

  private handleDevice = (kind: 'microphone' | 'speakers', event: Event) => {
    this.selected[kind] = (event.target as HTMLSelectElement).value;
    this.requestUpdate('settings');
  };

  private renderRow(result: CheckResult) {
    const runner = this.controller.runner!;
    const m = messages();
    const { name, status } = result;
    const skipped = runner.isSkipped(name);
    const optional = runner.optional.has(name);
    const done = status === 'succeeded' || status === 'failed';
    const browserFailed = status === 'failed' && result.code !== undefined && BROWSER_CODES.has(result.code);
    const canRetry = done && !browserFailed && !runner.current && !runner.locked;
    const message =
      status === 'failed' ? (result.reason && m.checkFailures[result.reason]) || result.message : result.message;
    return html`<li part="check" data-check=${name} aria-current=${runner.current === name ? 'step' : nothing}>
      <span class="name"
        >${m.checkNames[name]}${optional ? html` <span class="optional">(${m.optional})</span>` : nothing}</span
      >
      <ap-status-badge kind="check" status=${status}></ap-status-badge>
      <span class="message" part="message" aria-live="polite">${skipped ? m.skipped : message}</span>
      ${
        !skipped && result.warnings?.length
          ? html`<ul class="warnings" part="warnings">
              ${result.warnings.map((w) => html`<li>${w}</li>`)}
            </ul>`
          : nothing
      }
      ${browserFailed && !skipped ? html`<span class="no-retry" part="no-retry">${m.retryWontHelp}</span>` : nothing}
      ${
        canRetry || (optional && status !== 'succeeded' && !skipped && !runner.locked)
          ? html`<span class="row">
              ${
                canRetry
                  ? html`<button
                      part="retry"
                      aria-label="${m.retry}: ${m.checkNames[name]}"
                      @click=${() => void this.run(name)}
                    >
                      ${m.retry}
                    </button>`
                  : nothing
              }
              ${
                optional && status !== 'succeeded' && !skipped && !runner.locked
                  ? html`<button
                      part="skip"
                      aria-label="${m.skip}: ${m.checkNames[name]}"
                      @click=${() => this.skip(name)}
                    >
                      ${m.skip}
                    </button>`
                  : nothing
              }
            </span>`
          : nothing
      }
    </li>`;
  }

  protected override render() {
    const m = messages();
    const runner = this.controller.runner;
    if (!runner)
      return html`<section part="base" class="base"><p role="alert">${this.controller.error?.message}</p></section>`;
    const results = runner.allResults;
    const done = results.filter(
      (r) => runner.isSkipped(r.name) || r.status === 'succeeded' || r.status === 'failed',
    ).length;
    const started = results.some((r) => r.status !== 'not_started') || !!runner.current;
    const locked = runner.locked;
    // while the exam runs, the exam shows the camera: no second preview of it here
    const showPreview = !locked && (runner.current === 'webcam' || !!runner.cameraStream);
    const showPhone =
      !locked && ((runner.current === 'mobile' && runner.progress?.message === 'receiving') || !!runner.secondCamera);
    return html`<section part="base" class="base" aria-labelledby="heading">
      <h2 id="heading" part="heading">${m.requirementsHeading}</h2>
      <progress part="progress" max=${results.length} value=${done} aria-label=${m.overallProgress}></progress>
      <ol part="list">
        ${results.map((r) => this.renderRow(r))}
      </ol>
      <div part="panel" class="panel" aria-live="polite">
        ${renderPanel(
          runner.current,
          {
            runner,
            devices: this.devices,
            codeFeedback: this.codeFeedback,
            copyFeedback: this.copyFeedback,
            played: this.played,
          },
          {
            onPlay: this.handlePlay,
            onSubmitCode: this.handleSubmitCode,
            onShareScreen: () => runner.proceed(),
            onDevice: this.handleDevice,
            onCopyLink: this.handleCopyLink,
          },
        )}
      </div>
      <figure ?hidden=${!showPreview}>
        <video part="preview" aria-label=${m.cameraPreview} muted playsinline ?hidden=${!showPreview}></video>
        <figcaption aria-hidden="true">${m.cameraPreview}</figcaption>
      </figure>
      <figure ?hidden=${!showPhone}>
        <video part="phone-preview" aria-label=${m.phonePreview} muted playsinline ?hidden=${!showPhone}></video>
        <figcaption aria-hidden="true">${m.phonePreview}</figcaption>
      </figure>
      ${
        !started && !locked
          ? html`<button class="primary" part="start" @click=${() => void this.run()}>${m.startChecks}</button>`
          : nothing
      }
      ${
        runner.finished && runner.complete && !runner.current
          ? html`<p part="summary" role="status">${runner.summary.passed ? m.allPassed : m.someFailed}</p>`
          : nothing
      }
      ${locked ? html`<p part="locked" class="locked">${m.checksLocked}</p>` : nothing}
      <slot></slot>
    </section>`;
  }
}
