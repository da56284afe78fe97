/**
 * The AudioWorklet module of the audio tracker (served from the asset base as
 * `voice-activity-worklet.js`): runs {@link VoiceActivity} on the audio rendering thread, so the
 * page's main thread is not woken every `hopMs` to read an AnalyserNode (it is told only when a
 * sound segment begins or ends).
 *
 * Processor `proctor-voice-activity`, one mono input, no output. `processorOptions`:
 * `{ vad: Partial<VoiceActivityOptions>, windowSize: number }`. Every `hopMs` of audio it hands
 * VoiceActivity the latest `windowSize` samples (as an AnalyserNode's time-domain window would be),
 * stamped with the context's clock (ms). It posts `WorkletMessage`s:
 * - `{ events, backgroundDb }` when segments begin or end (`at` on the context's clock, ms);
 * - `{ lastActive, backgroundDb }` at most every 250 ms while a classified sound goes on (for the
 *   end time when the tracker stops in the middle of one).
 * Nothing else: in a quiet room the page hears nothing from it. It stops with its AudioContext.
 */
import { VoiceActivity, type SoundEvent, type VoiceActivityOptions } from './voice-activity.js';

/** What the processor posts (times in ms on the AudioContext's clock). */
export interface WorkletMessage {
  events?: SoundEvent[];
  backgroundDb?: number;
  lastActive?: number;
}

// AudioWorkletGlobalScope (not in TypeScript's DOM library)
declare const sampleRate: number;
declare const currentTime: number;
declare function registerProcessor(name: string, ctor: new (options: ProcessorInit) => unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
interface ProcessorInit {
  processorOptions?: { vad?: Partial<VoiceActivityOptions>; windowSize?: number };
}

class VoiceActivityProcessor extends AudioWorkletProcessor {
  private readonly vad: VoiceActivity;
  private readonly ring: Float32Array;
  private readonly frame: Float32Array;
  private readonly hop: number;
  private write = 0;
  private filled = 0;
  private sinceHop = 0;
  private lastActiveSent = -Infinity;

  constructor(options: ProcessorInit) {
    super();
    const { vad = {}, windowSize = 2048 } = options.processorOptions ?? {};
    this.vad = new VoiceActivity(vad);
    this.ring = new Float32Array(windowSize);
    this.frame = new Float32Array(windowSize);
    this.hop = Math.max(1, Math.round((this.vad.options.hopMs / 1000) * sampleRate));
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    // no input connected (yet): keep the processor alive, nothing to classify
    if (!channel) return true;
    const n = this.ring.length;
    for (let i = 0; i < channel.length; i++) {
      this.ring[this.write] = channel[i];
      this.write = (this.write + 1) % n;
    }
    this.filled = Math.min(n, this.filled + channel.length);
    this.sinceHop += channel.length;
    if (this.sinceHop < this.hop || this.filled < n) return true;
    this.sinceHop -= this.hop;
    // the window in time order, oldest first
    this.frame.set(this.ring.subarray(this.write), 0);
    this.frame.set(this.ring.subarray(0, this.write), n - this.write);
    const at = currentTime * 1000;
    const events = this.vad.push(this.frame, sampleRate, at);
    const backgroundDb = this.vad.backgroundDb;
    const lastActive = this.vad.lastActive;
    if (events.length) this.port.postMessage({ events, backgroundDb } satisfies WorkletMessage);
    else if (this.vad.current && lastActive !== undefined && lastActive - this.lastActiveSent >= 250) {
      this.lastActiveSent = lastActive;
      this.port.postMessage({ lastActive, backgroundDb } satisfies WorkletMessage);
    }
    return true;
  }
}

registerProcessor('proctor-voice-activity', VoiceActivityProcessor);
