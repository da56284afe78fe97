/**
 * The two ends of the second camera: the phone sends its camera (`SecondCameraSender`, in
 * `elements/ap-mobile-camera/phone-sender.ts`: it makes the offers and restarts ICE after a
 * network blip) and the exam page receives it
 * (`SecondCameraReceiver`, it answers every offer; a new `session` — the phone page reloaded —
 * replaces the connection). Both speak through a `PairingChannel`.
 */
import type { PairingChannel, SignalMessage } from './channel.js';

export type PeerState = 'waiting' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** A new session id (the phone's end starts one per connection). */
export const newSession = () => crypto.getRandomValues(new Uint32Array(2)).join('-');

/** ICE candidates that arrive before the remote description are held until it is set. */
class CandidateQueue {
  private pending: RTCIceCandidateInit[] = [];
  constructor(private readonly pc: RTCPeerConnection) {}
  add(candidate: RTCIceCandidateInit) {
    if (this.pc.remoteDescription) void this.pc.addIceCandidate(candidate).catch(() => undefined);
    else this.pending.push(candidate);
  }
  flush() {
    for (const c of this.pending.splice(0)) void this.pc.addIceCandidate(c).catch(() => undefined);
  }
}

/**
 * What both ends share: the state, the channel, and a peer connection per session. (The phone's
 * end, `SecondCameraSender`, lives with `<ap-mobile-camera>`: the classic script loads it with
 * that element.)
 */
export abstract class PeerEnd extends EventTarget {
  state: PeerState = 'waiting';
  protected pc?: RTCPeerConnection;
  protected session = '';
  protected queue?: CandidateQueue;
  private readonly unsubscribe: () => void;
  /** Messages are handled one at a time, in order of arrival (see `subscribe` below). */
  private handling: Promise<void> = Promise.resolve();

  constructor(readonly channel: PairingChannel) {
    super();
    // One message at a time: the phone resends an unanswered offer, and on a slow device the copy
    // arrives while the first is still being answered; handled side by side, the second
    // createAnswer() found the connection already `stable` and threw (InvalidStateError).
    this.unsubscribe = channel.subscribe((m) => {
      this.handling = this.handling.then(() => this.onMessage(m)).catch(() => this.onSignalFailure());
    });
  }

  protected abstract onMessage(m: SignalMessage): Promise<void>;

  /**
   * A message could not be applied (an SDP the browser refused, a connection closed meanwhile):
   * the connection is dropped, and the phone's next offer (it resends until answered) starts a
   * new one.
   */
  protected onSignalFailure(): void {
    if (this.state === 'closed') return;
    this.pc?.close();
    this.pc = undefined;
    this.session = '';
  }

  protected setState(state: PeerState) {
    if (this.state === state || this.state === 'closed') return;
    this.state = state;
    this.dispatchEvent(new CustomEvent<PeerState>('state', { detail: state }));
  }

  /** Replaces the connection with a new one for `session`, trickling its ICE candidates. */
  protected open(session: string, config: RTCConfiguration): RTCPeerConnection {
    this.pc?.close();
    this.session = session;
    const pc = (this.pc = new RTCPeerConnection(config));
    this.queue = new CandidateQueue(pc);
    pc.onicecandidate = (e) => {
      // (a candidate that never arrives is a lost path, not an error: the others and the offer's resends remain)
      if (e.candidate)
        void this.channel.send({ type: 'candidate', session, candidate: e.candidate.toJSON() }).catch(() => undefined);
    };
    return pc;
  }

  /** Says goodbye to the other end and releases the connection and the channel. */
  close(): void {
    if (this.state === 'closed') return;
    void this.channel.send({ type: 'bye' }).catch(() => undefined);
    this.setState('closed');
    this.state = 'closed';
    this.unsubscribe();
    this.pc?.close();
    this.channel.close();
  }
}

/**
 * The exam page's end. Events: `state` (detail: PeerState), `stream` (detail: MediaStream, a new
 * one after the phone reconnected from scratch), `camera-error` (detail: {name, message}), `bye`.
 */
export class SecondCameraReceiver extends PeerEnd {
  stream?: MediaStream;
  /** The last offer answered, and the answer: a copy of that offer gets the same answer again. */
  private answered?: { session: string; offer: string; answer: string };
  /** Candidates of a session whose offer has not arrived yet. */
  private early?: { session: string; candidates: RTCIceCandidateInit[] };

  constructor(
    channel: PairingChannel,
    private readonly rtcConfig: RTCConfiguration = {},
  ) {
    super(channel);
  }

  protected async onMessage(m: SignalMessage) {
    if (this.state === 'closed') return;
    switch (m.type) {
      case 'offer': {
        const last = this.answered;
        if (this.pc && last?.session === m.session && last.offer === m.sdp) {
          // the phone resent an offer already answered (our answer is late or was lost): answer again
          this.answer(m.session, last.answer);
          return;
        }
        if (m.session !== this.session || !this.pc) this.connect(m.session);
        const pc = this.pc!;
        this.setState(pc.connectionState === 'connected' ? 'connected' : 'connecting');
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        this.queue!.flush();
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        this.answered = { session: m.session, offer: m.sdp, answer: answer.sdp ?? '' };
        this.answer(m.session, this.answered.answer);
        return;
      }
      case 'candidate':
        if (m.session === this.session) this.queue?.add(m.candidate);
        else {
          // ahead of its offer (the phone's messages may overtake each other on the way): kept for it
          if (this.early?.session !== m.session) this.early = { session: m.session, candidates: [] };
          this.early.candidates.push(m.candidate);
        }
        return;
      case 'camera-error':
        this.dispatchEvent(new CustomEvent('camera-error', { detail: { name: m.name, message: m.message } }));
        return;
      case 'bye':
        this.setState('disconnected');
        this.dispatchEvent(new Event('bye'));
        return;
      default:
        return;
    }
  }

  /**
   * Sends an answer without holding up the next message: if it is lost, the phone's next copy of
   * the offer gets it again.
   */
  private answer(session: string, sdp: string) {
    void this.channel.send({ type: 'answer', session, sdp }).catch(() => undefined);
  }

  private connect(session: string) {
    const pc = this.open(session, this.rtcConfig);
    if (this.early?.session === session) for (const c of this.early.candidates) this.queue!.add(c);
    this.early = undefined;
    pc.ontrack = (e) => {
      const stream = e.streams[0] ?? new MediaStream([e.track]);
      if (stream === this.stream) return;
      this.stream = stream;
      this.dispatchEvent(new CustomEvent<MediaStream>('stream', { detail: stream }));
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      const s = pc.connectionState;
      if (s === 'connected') this.setState('connected');
      else if (s === 'disconnected') this.setState('disconnected');
      else if (s === 'failed') this.setState('failed');
    };
  }

  /** Inbound video statistics: frames decoded so far, and the frame size. */
  async videoStats(): Promise<{ framesDecoded: number; width?: number; height?: number }> {
    const stats = await this.pc?.getStats();
    let out: { framesDecoded: number; width?: number; height?: number } = { framesDecoded: 0 };
    stats?.forEach(
      (r: { type: string; kind?: string; framesDecoded?: number; frameWidth?: number; frameHeight?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video')
          out = { framesDecoded: r.framesDecoded ?? 0, width: r.frameWidth, height: r.frameHeight };
      },
    );
    return out;
  }

  override close(): void {
    super.close();
    this.stream?.getTracks().forEach((t) => t.stop());
  }
}
