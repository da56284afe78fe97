import { startSoundClassifier, type SoundClassifier } from '../../media/sound-classifier.js';
import type { SoundEvent, SoundKind, VoiceActivityOptions } from '../../media/voice-activity.js';
import type { EvidenceType } from '../../reporting/types.js';
import type { Tracker, TrackerContext } from './types.js';
import { Violation } from './violation.js';

const EVIDENCE: Record<SoundKind, EvidenceType> = { voice: 'talking', noise: 'audio_above_background' };

/**
 * audio: classifies the microphone's sound every 50 ms with `VoiceActivity` (signal level:
 * an adaptive background, a hangover for speech pauses, voice told apart from steady noise):
 * - someone talking for `audioSustainMs` is "talking" (5111), from when the speech began until
 *   `audioReleaseMs` of quiet;
 * - other sustained sound that is loud, dense and not steady (music, banging) is "audio above
 *   background" (5004);
 * - steady noise (a fan, a hum) is neither: after a while it becomes the background; short sounds
 *   (a cough, a door, typing) are neither.
 * `data` holds the background and the sound's level (dBFS). The classifier runs in an AudioWorklet
 * (the browser's audio thread) where there is one, else on the main thread ({@link startSoundClassifier}).
 */
export class AudioTracker implements Tracker {
  private readonly violations: Record<SoundKind, Violation>;
  private readonly vad: Partial<VoiceActivityOptions>;
  private classifier?: SoundClassifier;
  private stopped = false;

  constructor(private readonly ctx: TrackerContext) {
    this.violations = {
      voice: new Violation(ctx, EVIDENCE.voice),
      noise: new Violation(ctx, EVIDENCE.noise),
    };
    const t = ctx.tuning;
    this.vad = {
      warmupMs: t.audioLearnMs,
      marginDb: t.audioMarginDb,
      floorDb: t.audioFloorDb,
      sustainMs: t.audioSustainMs,
      hangoverMs: t.audioReleaseMs,
      backgroundMs: t.audioBackgroundMs,
    };
  }

  /** Where the classifier runs, once started (see {@link SoundClassifier.runsOn}). */
  get runsOn(): SoundClassifier['runsOn'] | undefined {
    return this.classifier?.runsOn;
  }

  async start(): Promise<void> {
    if (!this.ctx.microphone) return;
    const classifier = await startSoundClassifier(this.ctx.microphone, {
      vad: this.vad,
      assetBase: this.ctx.assetBase,
      resumeTimeoutMs: this.ctx.tuning.audioStartMs,
      now: () => this.ctx.now(),
      onEvents: (events) => this.apply(events),
    });
    if (this.stopped) return void classifier.close(this.ctx.now()); // stopped while starting
    this.classifier = classifier;
  }

  stop(): void {
    this.stopped = true;
    this.apply(this.classifier?.close(this.ctx.now()) ?? []);
    this.classifier = undefined;
    for (const v of Object.values(this.violations)) v.end();
  }

  private apply(events: SoundEvent[]) {
    for (const e of events) {
      const violation = this.violations[e.kind];
      if (e.type === 'begin')
        violation.begin(e.at, { backgroundDbfs: Math.round(e.backgroundDb), levelDbfs: Math.round(e.levelDb) });
      else violation.end(e.at);
    }
  }
}
