/**
 * The signalling both sides pick the same way. (The phone side without the element — open the
 * camera, tell the exam page, send — is `elements/ap-mobile-camera/phone-sender.ts`.)
 */
import { BroadcastPairingTransport, HttpPairingTransport, type PairingTransport } from './channel.js';

/** The reference server's HTTP signalling at `signallingUrl`, else BroadcastChannel (same browser). */
export function pairingTransport(signallingUrl?: string): PairingTransport {
  return signallingUrl ? new HttpPairingTransport(signallingUrl) : new BroadcastPairingTransport();
}
