import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { sessionContext, type SessionContextValue } from '../../context/session-context.js';
import { ErrorCode, ProctorError, messageOf } from '../../errors.js';
import { ApDeliveryChangeEvent } from '../../events/ap-delivery-change.js';
import { ApErrorEvent } from '../../events/ap-error.js';
import { ApEvidenceEvent } from '../../events/ap-evidence.js';
import { ApInstanceDestroyedEvent } from '../../events/ap-instance-destroyed.js';
import { ApMonitoringStartedEvent } from '../../events/ap-monitoring-started.js';
import { ApMonitoringStoppedEvent } from '../../events/ap-monitoring-stopped.js';
import { ApSetupCompletedEvent } from '../../events/ap-setup-completed.js';
import { ApStatusChangeEvent } from '../../events/ap-status-change.js';
import { messages } from '../../messages.js';
import { MonitorSession, type MonitorReport, type MonitorSetupOptions } from '../../monitoring/session.js';
import type { MonitoringStoppedDetail } from '../../events/ap-monitoring-stopped.js';
import type { DeliveryProgress } from '../../reporting/delivery.js';
import type { MonitorState } from '../../monitoring/types.js';
import type { EvidenceRecord } from '../../reporting/types.js';
import type { SessionStatus } from '../../statuses.js';
import { monitorStyles } from './ap-monitor.styles.js';

/**
 * Proctors the exam on the device: face detection, audio, tab switches, full screen, monitors,
 * random photos and device loss, with evidence kept in an outbox and a Trust Score at the end.
 * Lifecycle: `setup()` → `start()` → `stop()` → `destroy()` (removing the element destroys it).
 *
 * @summary The exam monitor.
 *
 * @fires ap-setup-completed - Setup finished.
 * @fires ap-monitoring-started - Monitoring runs (`detail.resumed` after a reload).
 * @fires ap-monitoring-stopped - Stopped; `detail` is `{trustScore, counts, delivery}` (`delivery.done`
 *   false: `delivery.pending` items are still on this device; delivery goes on while the page is open).
 * @fires ap-instance-destroyed - Destroyed: devices released, UI removed.
 * @fires ap-error - `{code, message}`: invalid options, denied devices, a lost device, delivery problems.
 * @fires ap-evidence - An evidence record was written (`detail`: the record). A violation fires twice
 *   with the same `id`: when confirmed (no `endedAt`) and when it ends (with `endedAt`, `durationMs`).
 * @fires ap-status-change - The session status changed (`detail.status`).
 * @fires ap-delivery-change - Evidence delivery progressed or failed (`detail`: counts delivered,
 *   refused and `pending`, `done`, `error`).
 *
 * @slot - Extra content, e.g. `<ap-status-badge source="session">`, which follows the session live.
 *
 * @csspart base - The box.
 * @csspart preview - The camera preview.
 * @csspart indicator - The live status line.
 * @csspart fullscreen - The "return to full screen" button (shown while the page is not in full screen).
 * @csspart share-again - The "share your screen again" button (shown after screen sharing stopped).
 * @csspart share-message - Why sharing again did not work (e.g. a window was shared).
 * @csspart delivery - The line that says whether evidence reached the results server.
 *
 * @cssproperty --ap-monitor-font - Font family.
 * @cssproperty --ap-monitor-color - Text colour.
 * @cssproperty --ap-monitor-background - Background.
 * @cssproperty --ap-monitor-border - Border colour.
 * @cssproperty --ap-monitor-warning - Colour of active violations (always with an icon and text).
 * @cssproperty --ap-monitor-accent - Button colour.
 * @cssproperty --ap-monitor-radius - Corner radius.
 * @cssproperty --ap-monitor-preview-width - Width of the camera preview. Default `200px`.
 */
export class ApMonitor extends LitElement {
  static override styles = monitorStyles;

  @provide({ context: sessionContext })
  private session: SessionContextValue = { checks: {} };

  /** Your client id. */
  @property({ attribute: 'client-id' }) clientId = '';
  /** The attempt's id in your system. */
  @property({ attribute: 'test-attempt-id' }) testAttemptId = '';
  /** Base64 HMAC-SHA256 of the attempt id with your client secret (verified by the results server). */
  @property({ attribute: 'hashed-test-attempt-id' }) hashedTestAttemptId = '';
  /** Tracking options to turn on, comma-separated (e.g. `numHumans,audio,tabSwitch`); empty: the defaults. */
  @property() track = '';
  /** Results server URL; without one, evidence stays on the device. */
  @property() endpoint = '';
  /** Where the face model and MediaPipe are served. */
  @property({ attribute: 'asset-base' }) assetBase = '';
  /** Show the camera preview (also on with the `showCamPreview` tracking option). */
  @property({ type: Boolean, reflect: true }) preview = false;
  /** Where the monitor is in its lifecycle (read-only; reflected). */
  @property({ reflect: true }) state: MonitorState = 'idle';

  @query('video') private video?: HTMLVideoElement;
  private monitor?: MonitorSession;
  /** The last "share again" refusal (e.g. a window was shared), shown under the button. */
  @state() private shareMessage = '';
  @state() private sharing = false;
  /** The error that put the monitor in its `error` state (shown instead of "not set up yet"). */
  @state() private failure?: ProctorError;

  /** The Trust Score after `stop()` (0–100; below 85 means review). */
  get trustScore(): number | undefined {
    return this.monitor?.trustScore;
  }

  /** Validates options, loads what the trackers need, then fires `ap-setup-completed`. */
  async setup(options: MonitorSetupOptions = {}): Promise<void> {
    options ??= {}; // setup(null): no options, as setup()
    await this.guard(async () => {
      if (this.monitor?.state === 'destroyed' || this.state === 'destroyed')
        throw new ProctorError(ErrorCode.INVALID_STATE, 'setup() after destroy().');
      this.monitor ??= this.createSession();
      const fromAttributes: MonitorSetupOptions = {
        ...(this.track && !options.track && !options.trackingOptions ? { track: this.track } : {}),
        ...(this.assetBase && !options.assetBase ? { assetBase: this.assetBase } : {}),
        ...(this.endpoint && !options.endpoint ? { endpoint: this.endpoint } : {}),
      };
      // not an object: the session says so (4107), with nothing added to it
      await this.monitor.setup(
        typeof options == 'object' && !Array.isArray(options) ? { ...fromAttributes, ...options } : options,
      );
      this.dispatchEvent(new ApSetupCompletedEvent({ testAttemptId: this.testAttemptId }));
    });
  }

  /** Creates or resumes the attempt, asks for devices, starts the trackers. */
  async start(): Promise<void> {
    await this.guard(async () => {
      if (!this.monitor) throw new ProctorError(ErrorCode.INVALID_STATE, 'start() before setup().');
      // ap-monitoring-started is fired on the session's `started`: before the evidence start() recorded
      await this.monitor.start();
    });
  }

  /**
   * Stops, computes the Trust Score and waits (up to `tuning.deliveryTimeoutMs`) for the evidence
   * to reach the results server; resolves with what was delivered and what is still pending.
   */
  async stop(): Promise<MonitoringStoppedDetail & { delivery: NonNullable<MonitoringStoppedDetail['delivery']> }> {
    return this.guard(async () => {
      if (!this.monitor) throw new ProctorError(ErrorCode.INVALID_STATE, 'stop() before setup().');
      const { trustScore, counts, delivery } = await this.monitor.stop();
      this.dispatchEvent(new ApMonitoringStoppedEvent({ trustScore, counts, delivery }));
      return { trustScore, counts, delivery };
    });
  }

  /** Stops everything and releases every device; fires `ap-instance-destroyed`. */
  async destroy(): Promise<void> {
    if (this.state === 'destroyed') return;
    await this.monitor?.destroy();
    this.state = 'destroyed';
    this.dispatchEvent(new ApInstanceDestroyedEvent({ testAttemptId: this.testAttemptId }));
  }

  /** The attempt, its evidence and its Trust Score. */
  report(): Promise<MonitorReport> {
    if (!this.monitor) return Promise.reject(new ProctorError(ErrorCode.INVALID_STATE, 'report() before setup().'));
    return this.monitor.report();
  }

  /**
   * Asks for the screen again after sharing stopped (what the "share again" button does; call it
   * from a click). Resolves true when sharing resumed (the screen_share_lost violation ends).
   */
  async shareScreenAgain(): Promise<boolean> {
    if (!this.monitor || this.sharing) return false;
    this.sharing = true;
    try {
      const result = await this.monitor.shareScreenAgain();
      this.shareMessage = result.status === 'succeeded' ? '' : result.message;
      if (result.status !== 'succeeded' && result.code)
        this.dispatchEvent(new ApErrorEvent({ code: result.code, message: result.message }));
      return result.status === 'succeeded';
    } finally {
      this.sharing = false;
    }
  }

  /** Removing the element destroys it; moving it (removed and inserted in the same task) does not. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    queueMicrotask(() => {
      if (!this.isConnected) void this.destroy();
    });
  }

  private createSession(): MonitorSession {
    const monitor = new MonitorSession({
      clientId: this.clientId,
      testAttemptId: this.testAttemptId,
      hashedTestAttemptId: this.hashedTestAttemptId,
    });
    monitor.addEventListener('state', () => (this.state = monitor.state));
    monitor.addEventListener('started', () =>
      this.dispatchEvent(new ApMonitoringStartedEvent({ testAttemptId: this.testAttemptId, resumed: monitor.resumed })),
    );
    monitor.addEventListener('active', () => this.requestUpdate());
    monitor.addEventListener('streams', () => this.requestUpdate());
    monitor.addEventListener('delivery', (e) => {
      this.requestUpdate();
      this.dispatchEvent(new ApDeliveryChangeEvent((e as CustomEvent<DeliveryProgress>).detail));
    });
    monitor.addEventListener('evidence', (e) => {
      this.requestUpdate(); // the count of items waiting on the device
      this.dispatchEvent(new ApEvidenceEvent((e as CustomEvent<EvidenceRecord>).detail));
    });
    monitor.addEventListener('error', (e) =>
      this.dispatchEvent(new ApErrorEvent((e as CustomEvent<ProctorError>).detail.toJSON())),
    );
    monitor.addEventListener('status', (e) => {
      const status = (e as CustomEvent<SessionStatus>).detail;
      this.session = { ...this.session, sessionStatus: status, monitorState: monitor.state };
      this.dispatchEvent(new ApStatusChangeEvent({ status }));
    });
    return monitor;
  }

  /**
   * Runs a lifecycle step; a failure fires `ap-error` (unless the element was destroyed meanwhile)
   * and rejects with the same typed error.
   */
  private async guard<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      const typed =
        error instanceof ProctorError ? error : new ProctorError(ErrorCode.HARDWARE_ERROR, messageOf(error));
      // after ap-instance-destroyed the element is gone for the page: the caller's promise rejects
      // (4110 for a start() that destroy() cut short), but no ap-error follows the teardown
      if (this.state !== 'destroyed') this.dispatchEvent(new ApErrorEvent(typed.toJSON()));
      if (this.monitor?.state === 'error') this.failure = typed;
      throw typed;
    }
  }

  protected override updated(): void {
    const stream = this.monitor?.cameraStream ?? null;
    if (this.video && this.video.srcObject !== stream) {
      this.video.srcObject = stream;
      if (stream) void this.video.play().catch(() => undefined);
    }
  }

  protected override render() {
    if (this.state === 'destroyed') return nothing;
    const m = messages();
    const monitor = this.monitor;
    const showPreview = (this.preview || !!monitor?.tracking?.showCamPreview) && !!monitor?.cameraStream;
    const active = [...(monitor?.active ?? [])];
    const line =
      this.state === 'monitoring'
        ? monitor?.detectionError
          ? m.monitorDetectionFailed(monitor.detectionError.code)
          : m.monitorActive
        : this.state === 'error' && this.failure
          ? m.monitorFailed(this.failure.code)
          : ((
              {
                setting_up: m.monitorSettingUp,
                ready: m.monitorReady,
                starting: m.monitorStarting,
                stopping: m.monitorStopping,
                stopped: m.monitorStopped,
              } as Partial<Record<MonitorState, string>>
            )[this.state] ?? m.monitorIdle);
    // the truth about delivery: what is still on this device, never a claim that it was sent
    const delivery = monitor?.deliveryProgress;
    // the exam's end (the finish) is an item too: until it is sent the server holds the exam open
    const waiting = delivery ? delivery.pending + +(delivery.finishRequested && !delivery.finishDelivered) : 0;
    const deliveryLine = !delivery
      ? undefined
      : waiting > 0 && delivery.error?.code === ErrorCode.RESULTS_FORBIDDEN
        ? m.monitorForbidden(waiting)
        : waiting > 0 && (delivery.error || this.state === 'stopped')
          ? m.monitorPending(waiting)
          : this.state === 'stopped' && delivery.done
            ? m.monitorDelivered
            : undefined;
    const rejected = (delivery?.recordsRejected ?? 0) + (delivery?.photosRejected ?? 0);
    return html`<div part="base" class="base" role="group" aria-label=${m.monitorLabel}>
      ${showPreview ? html`<video part="preview" muted playsinline aria-label=${m.cameraPreview}></video>` : nothing}
      <div part="indicator" class="indicator" role="status" aria-live="polite">
        ${
          active.length
            ? html`<ul>
                ${active.map((t) => html`<li class="violation">${m.violations[t]}</li>`)}
              </ul>`
            : line
        }
        ${deliveryLine ? html`<p part="delivery" class="delivery">${deliveryLine}</p>` : nothing}
        ${rejected ? html`<p part="delivery-rejected" class="delivery">${m.monitorRejected(rejected)}</p>` : nothing}
      </div>
      ${
        active.includes('fullscreen_exit')
          ? html`<button part="fullscreen" @click=${() => void monitor?.enterFullscreen()}>
              ${m.returnToFullscreen}
            </button>`
          : nothing
      }
      ${
        active.includes('screen_share_lost')
          ? html`<button part="share-again" ?disabled=${this.sharing} @click=${() => void this.shareScreenAgain()}>
                ${m.shareScreenAgain}
              </button>
              ${
                this.shareMessage
                  ? html`<p part="share-message" class="violation" role="alert">${this.shareMessage}</p>`
                  : nothing
              }`
          : nothing
      }
    </div>`;
  }
}
