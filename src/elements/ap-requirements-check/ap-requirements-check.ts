import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { sessionContext, type SessionContextValue } from '../../context/session-context.js';
import { RequirementsController } from '../../controllers/requirements-controller.js';
import { DEFAULT_CHECKS, DEFAULT_OPTIONAL, parseCheckNames, type CheckSettings } from '../../checks/runner.js';
import type { CheckName, CheckResult } from '../../checks/types.js';
import { ApCheckChangeEvent } from '../../events/ap-check-change.js';
import { ApChecksCompleteEvent } from '../../events/ap-checks-complete.js';
import { ApErrorEvent } from '../../events/ap-error.js';
import { messages } from '../../messages.js';
import { ErrorCode, ProctorError } from '../../errors.js';
import { renderPanel } from './panels.js';
import { loadQrCode } from './qr.js';
import type { PairingTransport } from '../../pairing/channel.js';
import { pairingTransport } from '../../pairing/phone.js';
import type { SecondCameraReceiver } from '../../pairing/peer.js';
import { requirementsCheckStyles } from './ap-requirements-check.styles.js';

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
      this.dispatchEvent(new ApCheckChangeEvent(result));
      void this.refreshDevices();
    },
    onComplete: (summary) => {
      this.session = { ...this.session, sessionStatus: 'after_check_req' };
      this.dispatchEvent(new ApChecksCompleteEvent(summary));
    },
    onError: (error) => this.dispatchEvent(new ApErrorEvent(error.toJSON())),
  });

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

  /** Thresholds and options per check (see `CheckSettings`). */
  @property({ attribute: false }) settings: CheckSettings = {};

  /** MediaDevices to use (tests inject one where the browser cannot do the real thing). */
  @property({ attribute: false }) mediaDevices?: MediaDevices;

  @state() private devices: MediaDeviceInfo[] = [];
  @state() private codeFeedback = '';
  @state() private played = false;
  @state() private copyFeedback = '';
  private selected: { microphone?: string; speakers?: string } = {};

  @query('video[part="preview"]') private preview?: HTMLVideoElement;
  @query('video[part="phone-preview"]') private phonePreview?: HTMLVideoElement;

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

  /** Runs one check (retry) or every check not yet passed. */
  run(name?: CheckName): Promise<void> {
    return (
      this.controller.runner?.run(name) ??
      Promise.reject(
        this.controller.error ?? new ProctorError(ErrorCode.INVALID_OPTION, 'The element is not configured.'),
      )
    );
  }

  /** Skips an optional check. */
  skip(name: CheckName): void {
    this.controller.runner?.skip(name);
  }

  /** Stops everything, releases camera and screen, and returns every check to `not_started`. */
  reset(): void {
    this.controller.runner?.reset();
    this.session = { checks: {} };
    this.played = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const keys = [
      'checks',
      'optional',
      'bandwidthUrl',
      'pairingUrl',
      'signallingUrl',
      'pairing',
      'assetBase',
      'settings',
      'mediaDevices',
    ] as const;
    if (!this.hasUpdated || keys.some((k) => changed.has(k))) {
      this.controller.configure(() => ({
        checks: parseCheckNames(this.checks),
        optional: parseCheckNames(this.optional, 'optional'),
        bandwidthUrl: this.bandwidthUrl || undefined,
        pairingUrl: this.pairingUrl || undefined,
        pairing: this.pairing ?? (this.signallingUrl ? pairingTransport(this.signallingUrl) : undefined),
        assetBase: this.assetBase || undefined,
        mediaDevices: this.mediaDevices,
        settings: {
          ...this.settings,
          microphone: {
            ...this.settings.microphone,
            deviceId: this.selected.microphone ?? this.settings.microphone?.deviceId,
          },
          speakers: { ...this.settings.speakers, sinkId: this.selected.speakers ?? this.settings.speakers?.sinkId },
        },
      }));
      this.session = { checks: {} };
      if (this.checks.includes('mobile')) void loadQrCode().then(() => this.requestUpdate());
    }
  }

  // Lit calls firstUpdated() before updated(): the runner gets the preview here, before autostart.
  protected override updated(): void {
    if (this.controller.runner && this.preview) this.controller.runner.preview = this.preview;
    if (this.controller.runner && this.phonePreview) this.controller.runner.mobilePreview = this.phonePreview;
  }

  protected override firstUpdated(): void {
    this.updated();
    void this.refreshDevices();
    if (this.autostart && this.controller.runner) void this.run();
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
    const message =
      status === 'failed' ? (result.reason && m.checkFailures[result.reason]) || result.message : result.message;
    return html`<li part="check" data-check=${name} aria-current=${runner.current === name ? 'step' : nothing}>
      <span class="name"
        >${m.checkNames[name]}${optional ? html` <span class="optional">(${m.optional})</span>` : nothing}</span
      >
      <ap-status-badge kind="check" status=${status}></ap-status-badge>
      <span class="message" part="message">${skipped ? m.skipped : message}</span>
      ${
        !skipped && result.warnings?.length
          ? html`<ul class="warnings" part="warnings">
              ${result.warnings.map((w) => html`<li>${w}</li>`)}
            </ul>`
          : nothing
      }
      <span class="row">
        ${
          done && !runner.current
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
          optional && status !== 'succeeded' && !skipped
            ? html`<button part="skip" aria-label="${m.skip}: ${m.checkNames[name]}" @click=${() => this.skip(name)}>
                ${m.skip}
              </button>`
            : nothing
        }
      </span>
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
    const showPreview = runner.current === 'webcam' || !!runner.cameraStream;
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
      <video part="preview" aria-label=${m.cameraPreview} muted playsinline ?hidden=${!showPreview}></video>
      <video
        part="phone-preview"
        aria-label=${m.phonePreview}
        muted
        playsinline
        ?hidden=${!(runner.current === 'mobile' && runner.progress?.message === 'receiving') && !runner.secondCamera}
      ></video>
      ${!started ? html`<button class="primary" part="start" @click=${() => void this.run()}>${m.startChecks}</button>` : nothing}
      ${
        runner.complete && !runner.current
          ? html`<p part="summary" role="status">${runner.summary.passed ? m.allPassed : m.someFailed}</p>`
          : nothing
      }
      <slot></slot>
    </section>`;
  }
}
