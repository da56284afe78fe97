import { ErrorCode, withTimeout } from '../errors.js';

/**
 * Reads the level of a microphone stream with an AnalyserNode: RMS and peak of the latest window,
 * in linear units (0–1) and dBFS. Used by the microphone check and the audio tracker.
 */
export interface AudioLevel {
  /** RMS of the window, 0–1. */
  rms: number;
  /** Largest absolute sample of the window, 0–1. */
  peak: number;
  rmsDb: number;
  peakDb: number;
}

/** dBFS of a linear amplitude; -Infinity is clamped to -120 so it stays a number in JSON. */
export const toDb = (x: number): number => Math.max(-120, 20 * Math.log10(x));

export class AudioLevelReader {
  /** The context the stream plays into (for another node on the same source, e.g. an AudioWorkletNode). */
  readonly context: AudioContext;
  readonly source: MediaStreamAudioSourceNode;
  private readonly analyser: AnalyserNode;
  private readonly buffer: Float32Array<ArrayBuffer>;

  constructor(stream: MediaStream, { windowSize = 2048 }: { windowSize?: number } = {}) {
    this.context = new AudioContext();
    this.source = this.context.createMediaStreamSource(stream);
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = windowSize;
    this.buffer = new Float32Array(windowSize);
    this.source.connect(this.analyser);
  }

  /**
   * Resumes the context (browsers start it suspended without a user gesture, and Chromium's
   * `resume()` then stays pending until one comes). Rejects with {@link ErrorCode.AUDIO_NOT_STARTED}
   * after `timeoutMs` (default 10 s) instead of waiting for ever.
   */
  resume(timeoutMs = 10_000): Promise<void> {
    if (this.context.state === 'running') return Promise.resolve();
    return withTimeout(
      this.context.resume(),
      timeoutMs,
      ErrorCode.AUDIO_NOT_STARTED,
      `The browser did not start audio within ${Math.round(timeoutMs / 1000)} s. Start from a click or key press on the page (browsers only allow audio after one), and check that an audio device is available.`,
    );
  }

  /** The latest window of samples (a view that the next call overwrites) and the context's sample rate. */
  frame(): { samples: Float32Array; sampleRate: number } {
    if (!this.released) this.analyser.getFloatTimeDomainData(this.buffer);
    return { samples: this.buffer, sampleRate: this.context.sampleRate };
  }

  read(): AudioLevel {
    if (!this.released) this.analyser.getFloatTimeDomainData(this.buffer);
    let sum = 0;
    let peak = 0;
    for (const x of this.buffer) {
      sum += x * x;
      peak = Math.max(peak, Math.abs(x));
    }
    const rms = Math.sqrt(sum / this.buffer.length);
    return { rms, peak, rmsDb: toDb(rms), peakDb: toDb(peak) };
  }

  /**
   * Disconnects the AnalyserNode for a caller that reads the stream another way (an AudioWorkletNode
   * on {@link source}), so the audio thread stops feeding it; {@link frame} and {@link read} then give
   * silence.
   */
  releaseAnalyser(): void {
    if (this.released) return;
    this.released = true;
    this.source.disconnect(this.analyser);
    this.buffer.fill(0);
  }

  private released = false;

  close(): void {
    this.source.disconnect();
    void this.context.close().catch(() => undefined);
  }
}
