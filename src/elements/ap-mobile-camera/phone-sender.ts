/**
 * The phone side of the pairing, without the element: open the camera, tell the exam page, send.
 * It lives with `<ap-mobile-camera>`, the phone page's element, so the classic script
 * (`dist/cdn/autoproctor.js`, an exam page's script) fetches it with that element's part and not
 * with every exam (issue 13's 60 KB gzip budget); the package and the module CDN build export it as
 * before.
 */
import { ErrorCode, ProctorError, messageOf } from '../../errors.js';
import { getUserMediaTyped, stopStream } from '../../media/user-media.js';
import {
  BroadcastPairingTransport,
  checkCode,
  type PairingChannel,
  type PairingTransport,
  type SignalMessage,
} from '../../pairing/channel.js';
import { PeerEnd, newSession } from '../../pairing/peer.js';

export interface SenderOptions {
  rtcConfig?: RTCConfiguration;
  /** A connection `disconnected` this long gets an ICE restart (ms). Default 2000. */
  restartAfterMs?: number;
  /** An unanswered offer is sent again this often (ms). Default 1500. */
  resendMs?: number;
}

/**
 * The phone's end. Events: `state` (detail: PeerState), `bye` (the exam page ended the pairing;
 * the sender has closed, the caller stops the camera).
 */
export class SecondCameraSender extends PeerEnd {
  private restartTimer?: ReturnType<typeof setTimeout>;
  private resend?: ReturnType<typeof setInterval>;

  constructor(
    channel: PairingChannel,
    private readonly stream: MediaStream,
    private readonly options: SenderOptions = {},
  ) {
    super(channel);
  }

  /** Starts a connection (again, from scratch, when one exists). */
  async start(): Promise<void> {
    const pc = this.open(newSession(), this.options.rtcConfig ?? {});
    for (const track of this.stream.getVideoTracks())
      pc.addTransceiver(track, { direction: 'sendonly', streams: [this.stream] });
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      const s = pc.connectionState;
      clearTimeout(this.restartTimer);
      if (s === 'connected') this.setState('connected');
      else if (s === 'disconnected') {
        this.setState('disconnected');
        // a network blip: try an ICE restart on the same connection
        this.restartTimer = setTimeout(
          () => void this.offer(true).catch(() => this.onSignalFailure()),
          this.options.restartAfterMs ?? 2000,
        );
      } else if (s === 'failed') {
        this.setState('failed');
        this.restartTimer = setTimeout(
          () => void this.start().catch(() => undefined),
          this.options.restartAfterMs ?? 2000,
        );
      }
    };
    this.setState('connecting');
    await this.offer(false);
  }

  private async offer(iceRestart: boolean) {
    const pc = this.pc;
    if (!pc || this.state === 'closed') return;
    const offer = await pc.createOffer({ iceRestart });
    await pc.setLocalDescription(offer);
    const message: SignalMessage = { type: 'offer', session: this.session, sdp: offer.sdp ?? '' };
    // the exam page may not be listening yet, or a message was lost or stalls on the way: offer
    // again until answered, whatever became of the sends before
    void this.channel.send(message).catch(() => undefined);
    clearInterval(this.resend);
    this.resend = setInterval(() => {
      if (pc !== this.pc || pc.signalingState !== 'have-local-offer' || this.state === 'closed')
        return clearInterval(this.resend);
      void this.channel.send(message).catch(() => undefined);
    }, this.options.resendMs ?? 1500);
  }

  protected async onMessage(m: SignalMessage) {
    if (this.state === 'closed') return;
    if (m.type === 'bye') {
      // the exam page ended the pairing (the exam is over, or it paired again): stop sending
      this.dispatchEvent(new Event('bye'));
      this.close();
      return;
    }
    if (!this.pc) return;
    if (m.type === 'answer' && m.session === this.session && this.pc.signalingState === 'have-local-offer') {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
      this.queue!.flush();
    } else if (m.type === 'candidate' && m.session === this.session) this.queue?.add(m.candidate);
  }

  /** A message the connection refused: start again from scratch, as after a failed connection. */
  protected override onSignalFailure(): void {
    if (this.state === 'closed') return;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.start().catch(() => undefined), this.options.restartAfterMs ?? 2000);
  }

  override close(): void {
    clearTimeout(this.restartTimer);
    clearInterval(this.resend);
    super.close();
  }
}

/** The rear camera (`facingMode: environment`); any camera when none satisfies that. */
export async function openPhoneCamera(mediaDevices?: MediaDevices): Promise<MediaStream> {
  const ask = (video: MediaTrackConstraints | boolean) => getUserMediaTyped({ video, audio: false }, mediaDevices);
  try {
    return await ask({ facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } });
  } catch (error) {
    if (
      error instanceof ProctorError &&
      (error.code === ErrorCode.NO_CAMERA || error.code === ErrorCode.HARDWARE_ERROR)
    )
      return ask(true);
    throw error;
  }
}

export interface PhoneCameraOptions extends SenderOptions {
  code: string;
  transport?: PairingTransport;
  mediaDevices?: MediaDevices;
}

/**
 * Joins `code` as the phone, opens the camera and returns the sender (not started yet) with the
 * stream. A camera that cannot be opened is reported to the exam page (its mobile check fails with
 * 4114) and thrown as PHONE_CAMERA_DENIED; a bad code throws INVALID_OPTION.
 */
export async function openPhoneSender(
  options: PhoneCameraOptions,
): Promise<{ stream: MediaStream; sender: SecondCameraSender }> {
  const code = checkCode(options.code);
  const channel = (options.transport ?? new BroadcastPairingTransport()).join(code, 'phone');
  let stream: MediaStream;
  try {
    stream = await openPhoneCamera(options.mediaDevices);
  } catch (error) {
    const name = error instanceof ProctorError ? String(error.code) : 'Error';
    await channel.send({ type: 'camera-error', name, message: messageOf(error) }).catch(() => undefined);
    channel.close();
    throw new ProctorError(ErrorCode.PHONE_CAMERA_DENIED, messageOf(error), { cause: error });
  }
  try {
    return { stream, sender: new SecondCameraSender(channel, stream, options) };
  } catch (error) {
    stopStream(stream);
    channel.close();
    throw error;
  }
}
