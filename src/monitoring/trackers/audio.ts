import { AudioLevelReader } from '../../media/audio-level.js';
import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

/**
 * audio: learns the room's background level in the first `audioLearnMs`, then records "audio
 * above background" (5004) when the level stays `audioMarginDb` above it (and above
 * `audioFloorDb`) for `audioSustainMs`; it ends after `audioReleaseMs` below. A cough or a dropped
 * pen is shorter than the sustain time and is not a violation.
 */
export class AudioTracker implements Tracker {
  private readonly violation: Violation;
  private reader?: AudioLevelReader;
  private timer?: ReturnType<typeof setInterval>;
  private learning: number[] = [];
  private learnUntil = 0;
  private background?: number;
  private aboveSince?: number;
  private belowSince?: number;

  constructor(private readonly ctx: TrackerContext) {
    this.violation = new Violation(ctx, 'audio_above_background');
  }

  /** The learned background (dBFS), once learned. */
  get backgroundDb(): number | undefined {
    return this.background;
  }

  async start(): Promise<void> {
    if (!this.ctx.microphone) return;
    const reader = (this.reader = new AudioLevelReader(this.ctx.microphone));
    try {
      await reader.resume(this.ctx.tuning.audioStartMs);
    } catch (error) {
      reader.close();
      if (this.reader === reader) this.reader = undefined;
      throw error;
    }
    if (this.reader !== reader) return; // stopped while starting
    this.learnUntil = this.ctx.now() + this.ctx.tuning.audioLearnMs;
    this.timer = setInterval(() => this.sample(), 100);
  }

  stop(): void {
    clearInterval(this.timer);
    this.reader?.close();
    this.reader = undefined;
    this.violation.end();
  }

  private sample() {
    if (!this.reader) return;
    const now = this.ctx.now();
    const { rmsDb } = this.reader.read();
    if (this.background === undefined) {
      this.learning.push(rmsDb);
      if (now < this.learnUntil) return;
      const sorted = this.learning.sort((a, b) => a - b);
      this.background = sorted[Math.floor(sorted.length / 2)];
    }
    const { audioMarginDb, audioFloorDb, audioSustainMs, audioReleaseMs } = this.ctx.tuning;
    const line = Math.max(this.background + audioMarginDb, audioFloorDb);
    if (rmsDb > line) {
      this.aboveSince ??= now;
      this.belowSince = undefined;
      if (now - this.aboveSince >= audioSustainMs)
        this.violation.begin(this.aboveSince, {
          backgroundDbfs: Math.round(this.background),
          lineDbfs: Math.round(line),
        });
    } else {
      this.belowSince ??= now;
      this.aboveSince = undefined;
      if (this.violation.active && now - this.belowSince >= audioReleaseMs) this.violation.end(this.belowSince);
    }
  }
}
