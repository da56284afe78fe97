import { ApEvent } from './ap-event.js';
import type { PeerState } from '../pairing/peer.js';

/** The phone's connection to the exam page changed (`<ap-mobile-camera>`). */
export class ApPairingChangeEvent extends ApEvent<{ state: PeerState }> {
  static readonly eventName = 'ap-pairing-change';
  constructor(detail: { state: PeerState }) {
    super(ApPairingChangeEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-pairing-change': ApPairingChangeEvent;
  }
}
