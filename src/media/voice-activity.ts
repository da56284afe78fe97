/**
 * A signal-level sound classifier for the audio tracker: an adaptive background, a hangover for the
 * pauses in speech, and voice told apart from steady noise. Pure TypeScript over sample frames, so
 * the browser (frames from an AnalyserNode) and `npm run eval` (frames from WAV files) run the same code.
 *
 * Per frame (~43 ms, read every `hopMs`):
 * - level: RMS in dBFS;
 * - voicing: the highest normalised autocorrelation for pitch periods of 80–400 Hz (human voice),
 *   after a 4× decimation; voiced speech scores 0.5–1, fans, typing and doors stay low;
 * - the background is a low percentile (`backgroundPercentile`) of the levels of the last
 *   `backgroundMs`: pauses keep it at the room's level while someone talks (speech at the start
 *   does not raise it), and a fan that stays on becomes the background once it fills most of the window.
 *
 * Frames `marginDb` above the background (and above `floorDb`) are "active". Active frames separated
 * by less than `hangoverMs` form one segment (speech pauses do not split it). A segment is:
 * - `voice` once it lasts `sustainMs`, at least `voicedShare` of its active frames are voiced, at
 *   least `voiceDenseShare` of its frames are active, at least `voiceRunShare` of its active frames
 *   lie `minRunMs` or more into an unbroken run of active frames (syllables last 100–400 ms; a short
 *   beep repeated — Chromium's fake microphone plays 20 ms of 400 Hz every 500 ms — never does) and
 *   its level moves (standard deviation ≥ `modulationDb`: syllables), unlike a steady hum;
 * - `noise` once it lasts `sustainMs`, is dense (≥ `denseShare` of its frames active: not the clicks
 *   of typing) and moves (music, banging) but is not voiced;
 * - nothing otherwise (short sounds: coughs, a door; steady noise until it becomes the background).
 */
export interface VoiceActivityOptions {
  /** Milliseconds between frames. */
  hopMs: number;
  /** Before this much sound was heard (ms) nothing is classified. */
  warmupMs: number;
  backgroundMs: number;
  /** 0–100. */
  backgroundPercentile: number;
  marginDb: number;
  floorDb: number;
  sustainMs: number;
  hangoverMs: number;
  /** The hangover after a voiced frame (ms): pauses between short spoken answers run to ~1 s. */
  voicedHangoverMs: number;
  voicedShare: number;
  /** Share of a voice segment's frames that must be sound: speech fills most of its time; a beep every 500 ms does not. */
  voiceDenseShare: number;
  /**
   * A run is unbroken while consecutive frames stay above half the margin over the background and
   * are at most `maxRunGapMs` apart (a late timer does not join two beeps).
   */
  minRunMs: number;
  maxRunGapMs: number;
  /** Share of a voice segment's active frames that are at least `minRunMs` into their run (0–1). */
  voiceRunShare: number;
  /**
   * Level change (dB) between consecutive active frames that counts as flutter, and the share of
   * such pairs a voice needs: speech changes from frame to frame (phonemes); a tone switched on and
   * off (an alarm, a reversing beeper) is flat while it sounds.
   */
  flutterDb: number;
  voiceFlutterShare: number;
  /** A voiced frame whose autocorrelation falls to −`toneTrough` or below is a tone (see {@link periodicity}). */
  toneTrough: number;
  /** A segment with this share of tone frames among its voiced ones is no voice (an alarm clock). */
  voiceToneShare: number;
  modulationDb: number;
  denseShare: number;
}

export const DEFAULT_VAD: VoiceActivityOptions = {
  hopMs: 50,
  warmupMs: 2000,
  backgroundMs: 30_000,
  backgroundPercentile: 10,
  marginDb: 15,
  floorDb: -65,
  sustainMs: 1500,
  hangoverMs: 700,
  voicedHangoverMs: 1200,
  voicedShare: 0.35,
  voiceDenseShare: 0.2,
  minRunMs: 80,
  maxRunGapMs: 120,
  voiceRunShare: 0.1,
  flutterDb: 1,
  voiceFlutterShare: 0.3,
  toneTrough: 0.9,
  voiceToneShare: 0.5,
  modulationDb: 4,
  denseShare: 0.8,
};

export type SoundKind = 'voice' | 'noise';

/** What {@link VoiceActivity.push} reports when a classified segment begins or ends. */
export type SoundEvent =
  /** `levelDb`: the mean level (dBFS) of the segment's active frames, its pauses left out. */
  | { type: 'begin'; kind: SoundKind; at: number; backgroundDb: number; levelDb: number }
  | { type: 'end'; kind: SoundKind; at: number };

/** Normalised autocorrelation peak for 80–400 Hz periods (0–1) of a frame. */
export function voicing(frame: Float32Array, sampleRate: number): number {
  return periodicity(frame, sampleRate).voicing;
}

/**
 * A frame's normalised autocorrelation over 80–400 Hz periods: `voicing`, its peak (0–1); `tone`, its
 * deepest trough negated (0–1). A tone of one frequency, or of odd harmonics only (a beeper's sine or
 * square wave), swings to −1 half a period on, so `tone` ≈ 1; a voice's glottal pulses carry every
 * harmonic and never swing that far.
 */
export function periodicity(frame: Float32Array, sampleRate: number): { voicing: number; tone: number } {
  const step = Math.max(1, Math.round(sampleRate / 12000));
  const rate = sampleRate / step;
  const n = Math.floor(frame.length / step);
  const x = new Float32Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < step; k++) s += frame[i * step + k];
    x[i] = s / step;
    mean += x[i];
  }
  mean /= n;
  for (let i = 0; i < n; i++) x[i] -= mean;
  const minLag = Math.floor(rate / 400);
  const maxLag = Math.min(Math.ceil(rate / 80), Math.floor(n / 2));
  let best = 0;
  let trough = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i + lag < n; i++) {
      const a = x[i];
      const b = x[i + lag];
      xy += a * b;
      xx += a * a;
      yy += b * b;
    }
    if (xx > 0 && yy > 0) {
      const r = xy / Math.sqrt(xx * yy);
      best = Math.max(best, r);
      trough = Math.min(trough, r);
    }
  }
  return { voicing: best, tone: -trough };
}

export const rmsDb = (frame: Float32Array): number => {
  let sum = 0;
  for (const x of frame) sum += x * x;
  return Math.max(-120, 10 * Math.log10(sum / frame.length));
};

interface Segment {
  start: number;
  lastActive: number;
  frames: number;
  active: number;
  voiced: number;
  /** When the last voiced active frame was (ms), for {@link VoiceActivityOptions.voicedHangoverMs}. */
  lastVoiced: number;
  /** Voiced frames that are a tone (`tone` ≥ `toneTrough`): a beeper, not a voice. */
  tonal: number;
  /** Active frames at least `minRunMs` into their unbroken run. */
  sustained: number;
  /** Start of the current run of active frames, if the last frame was active. */
  runStart?: number;
  lastAt: number;
  /** The level statistics of the frames up to the last active one (`frames`, `sum`, `sumSq`). */
  sum: number;
  sumSq: number;
  /**
   * The frames since the last active one, held back until the sound resumes (then they are a pause
   * inside it): the fall back to the background after a sound has ended is no modulation of that
   * sound (a steady fan switched off would otherwise be judged "moving" by its own silence).
   */
  tail: { frames: number; sum: number; sumSq: number };
  /** Pairs of consecutive frames in a run (too few to judge: fewer than 5), and those whose level differs by `flutterDb` or more. */
  pairs: number;
  flutters: number;
  lastDb?: number;
  /** Sum of the active frames' levels (dBFS), for the level reported: the sound's, not its pauses'. */
  activeSum: number;
  kind?: SoundKind;
}

export class VoiceActivity {
  readonly options: VoiceActivityOptions;
  private levels: Float32Array;
  private count = 0;
  private next = 0;
  private background?: number;
  private segment?: Segment;
  private heardMs = 0;

  constructor(options: Partial<VoiceActivityOptions> = {}) {
    this.options = { ...DEFAULT_VAD, ...options };
    this.levels = new Float32Array(Math.max(1, Math.round(this.options.backgroundMs / this.options.hopMs)));
  }

  /** The current background (dBFS), once warmed up. */
  get backgroundDb(): number | undefined {
    return this.background;
  }

  /** The kind of the segment going on now, if it has been classified. */
  get current(): SoundKind | undefined {
    return this.segment?.kind;
  }

  /** When the segment going on now was last above the line (ms), if one goes on. */
  get lastActive(): number | undefined {
    return this.segment?.lastActive;
  }

  /** One frame at time `at` (ms). Returns what began or ended with it. */
  push(frame: Float32Array, sampleRate: number, at: number): SoundEvent[] {
    const o = this.options;
    const db = rmsDb(frame);
    this.levels[this.next] = db;
    this.next = (this.next + 1) % this.levels.length;
    this.count = Math.min(this.count + 1, this.levels.length);
    this.heardMs += o.hopMs;
    // re-estimating every 5th frame is plenty for a background that moves over seconds
    if (this.background === undefined || this.count % 5 === 0) this.background = this.percentile();
    if (this.heardMs < o.warmupMs) return [];
    const line = Math.max(this.background + o.marginDb, o.floorDb);
    const active = db > line;
    const events: SoundEvent[] = [];
    let seg = this.segment;
    // a pause after voiced sound (between a speaker's short answers) is given longer than the gap
    // after a click or a knock
    if (seg && !active && at - seg.lastActive > o.hangoverMs && at - seg.lastVoiced > o.voicedHangoverMs) {
      if (seg.kind) events.push({ type: 'end', kind: seg.kind, at: seg.lastActive });
      seg = this.segment = undefined;
    }
    if (!seg && !active) return events;
    seg ??= this.segment = {
      start: at,
      lastActive: at,
      lastAt: at,
      frames: 0,
      active: 0,
      voiced: 0,
      lastVoiced: -Infinity,
      tonal: 0,
      sustained: 0,
      pairs: 0,
      flutters: 0,
      sum: 0,
      sumSq: 0,
      tail: { frames: 0, sum: 0, sumSq: 0 },
      activeSum: 0,
    };
    // the level's spread over the segment, dips between syllables included (once sound follows them)
    seg.tail.frames++;
    seg.tail.sum += db;
    seg.tail.sumSq += db * db;
    if (active) {
      seg.frames += seg.tail.frames;
      seg.sum += seg.tail.sum;
      seg.sumSq += seg.tail.sumSq;
      // zeroed in place: this runs on every sound frame in the AudioWorklet (one allocation less a frame)
      seg.tail.frames = 0;
      seg.tail.sum = 0;
      seg.tail.sumSq = 0;
    }
    // a run holds while the level stays within half the margin of the line (the dips between
    // syllables of quiet speech), and breaks where it falls back to the background (between beeps)
    const warm = db > Math.max(this.background + o.marginDb / 2, o.floorDb - o.marginDb / 2);
    if (!warm) seg.runStart = undefined;
    else if (seg.runStart === undefined || at - seg.lastAt > o.maxRunGapMs) seg.runStart = at;
    if (active) {
      if (seg.runStart !== undefined && at - seg.runStart >= o.minRunMs) seg.sustained++;
      seg.lastActive = at;
      seg.active++;
      seg.activeSum += db;
      const p = periodicity(frame, sampleRate);
      if (p.voicing >= 0.5) {
        seg.voiced++;
        seg.lastVoiced = at;
        if (p.tone >= o.toneTrough) seg.tonal++;
      }
    }
    if (warm && seg.lastDb !== undefined && at - seg.lastAt <= o.maxRunGapMs) {
      seg.pairs++;
      if (Math.abs(db - seg.lastDb) >= o.flutterDb) seg.flutters++;
    }
    seg.lastDb = warm ? db : undefined;
    seg.lastAt = at;
    if (seg.kind !== 'voice' && seg.lastActive - seg.start >= o.sustainMs) {
      const mean = seg.sum / seg.frames;
      const modulation = Math.sqrt(Math.max(0, seg.sumSq / seg.frames - mean * mean));
      const moving = modulation >= o.modulationDb;
      const kind: SoundKind | undefined =
        moving &&
        seg.voiced >= o.voicedShare * seg.active &&
        seg.tonal < o.voiceToneShare * seg.voiced &&
        seg.active >= o.voiceDenseShare * seg.frames &&
        seg.sustained >= o.voiceRunShare * seg.active &&
        (seg.pairs < 5 || seg.flutters >= o.voiceFlutterShare * seg.pairs)
          ? 'voice'
          : moving && seg.active >= o.denseShare * seg.frames
            ? 'noise'
            : undefined;
      if (kind && kind !== seg.kind) {
        // the sound began with the segment; a segment that turns from noise to voice changes now
        const from = seg.kind ? at : seg.start;
        if (seg.kind) events.push({ type: 'end', kind: seg.kind, at });
        seg.kind = kind;
        events.push({
          type: 'begin',
          kind,
          at: from,
          backgroundDb: this.background,
          levelDb: seg.activeSum / seg.active,
        });
      }
    }
    return events;
  }

  /** Ends whatever is going on (at `at`). */
  flush(at: number): SoundEvent[] {
    const seg = this.segment;
    this.segment = undefined;
    return seg?.kind ? [{ type: 'end', kind: seg.kind, at: Math.min(at, seg.lastActive) }] : [];
  }

  private percentile(): number {
    const values = Array.from(this.levels.subarray(0, this.count)).sort((a, b) => a - b);
    const i = Math.min(values.length - 1, Math.floor((this.options.backgroundPercentile / 100) * values.length));
    return values[i];
  }
}
