import { AudioLevelReader } from '../../media/audio-level.js';
import { VoiceActivity, type SoundKind } from '../../media/voice-activity.js';
import type { EvidenceType } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

const EVIDENCE: Record<SoundKind, EvidenceType> = { voice: 'talking', noise: 'audio_above_background' };

/**
 * audio: classifies the microphone's sound every 50 ms with {@link VoiceActivity} (signal level:
 * an adaptive background, a hangover for speech pauses, voice told apart from steady noise):
 * - someone talking for `audioSustainMs` is "talking" (5111), from when the speech began until
 *   `audioReleaseMs` of quiet;
 * - other sustained sound that is loud, dense and not steady (music, banging) is "audio above
 *   background" (5004);
 * - steady noise (a fan, a hum) is neither: after a while it becomes the background; short sounds
 *   (a cough, a door, typing) are neither.
 * `data` holds the background and the sound's level (dBFS).
 */
export class AudioTracker implements Tracker {
  private readonly violations: Record<SoundKind, Violation>;
  private readonly vad: VoiceActivity;
  private reader?: AudioLevelReader;
  private timer?: ReturnType<typeof setInterval>;

  constructor(private readonly ctx: TrackerContext) {
    this.violations = {
      voice: new Violation(ctx, EVIDENCE.voice),
      noise: new Violation(ctx, EVIDENCE.noise),
    };
    const t = ctx.tuning;
    this.vad = new VoiceActivity({
      warmupMs: t.audioLearnMs,
      marginDb: t.audioMarginDb,
      floorDb: t.audioFloorDb,
      sustainMs: t.audioSustainMs,
      hangoverMs: t.audioReleaseMs,
      backgroundMs: t.audioBackgroundMs,
    });
  }

  /** The current background (dBFS), once learned. */
  get backgroundDb(): number | undefined {
    return this.vad.backgroundDb;
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
    this.timer = setInterval(() => this.sample(), this.vad.options.hopMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.reader?.close();
    this.reader = undefined;
    this.apply(this.vad.flush(this.ctx.now()));
    for (const v of Object.values(this.violations)) v.end();
  }

  private sample() {
    if (!this.reader) return;
    const { samples, sampleRate } = this.reader.frame();
    this.apply(this.vad.push(samples, sampleRate, this.ctx.now()));
  }

  private apply(events: ReturnType<VoiceActivity['push']>) {
    for (const e of events) {
      const violation = this.violations[e.kind];
      if (e.type === 'begin')
        violation.begin(e.at, { backgroundDbfs: Math.round(e.backgroundDb), levelDbfs: Math.round(e.levelDb) });
      else violation.end(e.at);
    }
  }
}
