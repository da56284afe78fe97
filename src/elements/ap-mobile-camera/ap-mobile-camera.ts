import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ErrorCode, ProctorError, messageOf } from '../../errors.js';
import { ApErrorEvent } from '../../events/ap-error.js';
import { ApPairingChangeEvent } from '../../events/ap-pairing-change.js';
import { stopStream } from '../../media/user-media.js';
import { messages } from '../../messages.js';
import type { PairingTransport } from '../../pairing/channel.js';
import type { PeerState } from '../../pairing/peer.js';
import { pairingTransport } from '../../pairing/phone.js';
import { SecondCameraSender, openPhoneCamera, openPhoneSender } from './phone-sender.js';

// the phone side's API comes with this element (the classic script's part; see phone-sender.ts)
export { SecondCameraSender, openPhoneCamera, openPhoneSender };
export type { PhoneCameraOptions, SenderOptions } from './phone-sender.js';

/**
 * The phone page's element: opens the rear camera (any camera when there is none), streams it over
 * WebRTC to the exam page that showed the QR code, shows what it sends and the connection state,
 * reconnects after a network blip, and stops cleanly. When the exam page ends the pairing (its
 * monitor stopped or was destroyed), the camera stops and the page says the exam no longer uses it.
 *
 * @fires ap-pairing-change - The connection state changed; `detail` is `{state}`.
 * @fires ap-error - The camera could not be opened (4114) or the pairing code is invalid (4107).
 * @csspart base - The card.
 * @csspart preview - What the camera sends.
 * @csspart status - The connection state (`role="status"`).
 * @csspart stop - The stop button.
 * @cssprop --ap-mobile-camera-font - Font family.
 * @cssprop --ap-mobile-camera-color - Text colour.
 * @cssprop --ap-mobile-camera-background - Card background.
 * @cssprop --ap-mobile-camera-radius - Corner radius.
 */
export class ApMobileCamera extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--ap-mobile-camera-font, system-ui, sans-serif);
      color: var(--ap-mobile-camera-color, #1b1f27);
    }
    .base {
      display: grid;
      gap: 0.75rem;
      padding: 1rem;
      background: var(--ap-mobile-camera-background, #fff);
      border-radius: var(--ap-mobile-camera-radius, 8px);
    }
    video {
      width: 100%;
      max-height: 60vh;
      background: #000;
      border-radius: var(--ap-mobile-camera-radius, 8px);
    }
    h2 {
      margin: 0;
      font-size: 1.25rem;
    }
    button {
      font: inherit;
      padding: 0.6rem 1rem;
    }
  `;

  /** The code from the exam page's QR code (the phone page passes it on, e.g. from `?code=`). */
  @property({ attribute: 'pairing-code' }) pairingCode = '';

  /** The reference server's origin for HTTP signalling; without it, BroadcastChannel (same browser). */
  @property({ attribute: 'signalling-url' }) signallingUrl = '';

  /** Signalling to use instead (an integrator's own channel). */
  @property({ attribute: false }) pairing?: PairingTransport;

  /** Injected for tests; defaults to `navigator.mediaDevices`. */
  @property({ attribute: false }) mediaDevices?: MediaDevices;

  /** The connection state. */
  @state() state: PeerState = 'waiting';
  @state() private errorMessage = '';
  private lastError?: { code: number; message: string };
  @state() private stopped = false;
  /** The exam page ended the pairing (the exam is over). */
  @state() private ended = false;

  @query('video') private preview?: HTMLVideoElement;
  private stream?: MediaStream;
  private sender?: SecondCameraSender;

  /** The error shown (`{code, message}`), also for a page that listens for `ap-error` too late. */
  get error(): { code: number; message: string } | undefined {
    return this.lastError;
  }

  /** What the camera sends (after it opened). */
  get cameraStream(): MediaStream | undefined {
    return this.stream;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && !this.sender && !this.stopped) void this.start();
  }

  protected override firstUpdated(): void {
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
    this.stopped = false; // a re-connected element starts again
    this.ended = false;
  }

  /** Opens the camera and connects to the exam page. Called when the element is connected. */
  async start(): Promise<void> {
    if (this.sender) return;
    let opened: Awaited<ReturnType<typeof openPhoneSender>>;
    try {
      opened = await openPhoneSender({
        code: this.pairingCode,
        transport: this.pairing ?? pairingTransport(this.signallingUrl || undefined),
        mediaDevices: this.mediaDevices,
      });
    } catch (error) {
      const e = error as ProctorError;
      return this.fail(e, e.code === ErrorCode.PHONE_CAMERA_DENIED ? messages().phoneCameraDenied : e.message);
    }
    const { stream, sender } = opened;
    if (!this.isConnected || this.sender) {
      sender.close();
      stopStream(stream);
      return;
    }
    this.stream = stream;
    this.sender = sender;
    if (this.preview) {
      this.preview.srcObject = stream;
      void this.preview.play().catch(() => undefined);
    }
    sender.addEventListener('bye', () => {
      this.stop();
      this.ended = true;
    });
    sender.addEventListener('state', (e) => {
      this.state = (e as CustomEvent<PeerState>).detail;
      this.dispatchEvent(new ApPairingChangeEvent({ state: this.state }));
    });
    await sender
      .start()
      .catch((error: unknown) => this.fail(new ProctorError(ErrorCode.PAIRING_FAILED, messageOf(error))));
  }

  /** Stops sending and releases the camera. */
  stop(): void {
    this.sender?.close();
    this.sender = undefined;
    stopStream(this.stream);
    this.stream = undefined;
    if (this.preview) this.preview.srcObject = null;
    this.state = 'closed';
    this.stopped = true;
  }

  private fail(error: ProctorError, shown = error.message) {
    this.errorMessage = shown;
    this.lastError = error.toJSON();
    this.dispatchEvent(new ApErrorEvent(this.lastError));
  }

  protected override render() {
    const m = messages();
    return html`<section part="base" class="base" aria-labelledby="heading">
      <h2 id="heading">${m.phoneHeading}</h2>
      <video
        part="preview"
        aria-label=${m.cameraPreview}
        muted
        playsinline
        ?hidden=${this.stopped || !!this.errorMessage}
      ></video>
      ${this.errorMessage ? html`<p role="alert">${this.errorMessage}</p>` : nothing}
      <p part="status" role="status" aria-live="polite">
        ${this.errorMessage ? '' : this.ended ? m.phoneEnded : this.stopped ? m.phoneStopped : m.phoneStates[this.state]}
      </p>
      ${
        !this.stopped && !this.errorMessage
          ? html`<button part="stop" type="button" @click=${() => this.stop()}>${m.phoneStop}</button>`
          : nothing
      }
    </section>`;
  }
}
