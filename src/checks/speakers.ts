import { ErrorCode, ProctorError, withTimeout } from '../errors.js';
import { getAssetBase, normalizeAssetBase } from '../detection/assets.js';
import { toDb } from '../media/audio-level.js';
import { canChooseAudioOutput } from './common.js';
import { RUN_OPTIONS, kinds, validateOptions, type OptionKind } from './options.js';
import { failedFromError, finished } from './result.js';
import type { CheckResult, CheckRunOptions } from './types.js';

export interface SpeakerCheckOptions extends Omit<CheckRunOptions, 'mediaDevices'> {
  /** Where `speech/<language>/<digit>.mp3` are served. Defaults to the package's assets. */
  assetBase?: string | URL;
  language?: string;
  /** Audio output device (`setSinkId`), where the browser supports choosing one. */
  sinkId?: string;
  /** Wrong entries allowed before the check fails. Default 3. */
  maxAttempts?: number;
  /** Makes the 4-digit code; injectable for tests. Default: crypto-random. */
  generateCode?: () => string;
  /** Silence between digits (ms). Default 300. */
  gapMs?: number;
  /**
   * How long the browser may take to start audio, and to play it once started (ms), before `play()`
   * fails with 4120 `AUDIO_NOT_STARTED`. Default 10 000.
   */
  startTimeoutMs?: number;
}

/** What `new SpeakerCheck()` accepts, each option with its kind (a wrong one throws 4107). */
export const SPEAKERS_OPTIONS = {
  ...RUN_OPTIONS,
  assetBase: kinds.url,
  language: kinds.string,
  sinkId: kinds.string,
  maxAttempts: kinds.count,
  generateCode: kinds.function,
  gapMs: kinds.ms,
  startTimeoutMs: kinds.positiveMs,
} satisfies Record<keyof SpeakerCheckOptions | 'mediaDevices', OptionKind>;

export interface SpeakerEntryResult {
  correct: boolean;
  /** The entry was not 4 digits; it did not count as an attempt. */
  invalid?: boolean;
  attemptsLeft: number;
}

const randomCode = () => {
  const values = crypto.getRandomValues(new Uint32Array(4));
  return Array.from(values, (v) => String(v % 10)).join('');
};

/**
 * The speakers check: plays a random 4-digit code as spoken digits and asks the candidate to type
 * it; the candidate's word alone proves nothing. `play()` may be called again (replay);
 * `submit()` takes an entry; `result` settles on the right code or after `maxAttempts` wrong ones.
 * The output level is measured on an analyser tapped after the gain, so the result shows that
 * sound was actually played.
 */
export class SpeakerCheck {
  readonly result: Promise<CheckResult>;
  private readonly code: string;
  private readonly startedAt = Date.now();
  private readonly assetBase: string;
  private context?: AudioContext;
  private clips?: Promise<AudioBuffer[]>;
  private attempts = 0;
  private plays = 0;
  private outputPeak = 0;
  private settle!: (r: CheckResult) => void;
  private settled = false;
  /** Closed: finished or cancelled. */
  private done = false;

  /**
   * @throws ProctorError INVALID_OPTION (4107) when an option is unknown or of the wrong type or
   *   range ({@link SPEAKERS_OPTIONS}), or `generateCode` does not return 4 digits.
   */
  constructor(private readonly options: SpeakerCheckOptions = {}) {
    validateOptions('SpeakerCheck options', 'SpeakerCheck option', SPEAKERS_OPTIONS, options);
    options ??= {};
    this.options = options;
    const code: unknown = (options.generateCode ?? randomCode)();
    if (typeof code !== 'string' || !/^\d{4}$/.test(code))
      throw new ProctorError(
        ErrorCode.INVALID_OPTION,
        `SpeakerCheck options.generateCode must return exactly 4 digits as a string ("0427"), got ${JSON.stringify(code)}.`,
      );
    this.code = code;
    this.assetBase = normalizeAssetBase(options.assetBase ?? getAssetBase());
    this.result = new Promise((resolve) => (this.settle = resolve));
    options.signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  get maxAttempts(): number {
    return this.options.maxAttempts ?? 3;
  }

  get attemptsLeft(): number {
    return this.maxAttempts - this.attempts;
  }

  /**
   * Plays the code (call from a click: browsers start audio only after one). Resolves when the last
   * digit has played. Rejects with 4120 `AUDIO_NOT_STARTED` when the browser does not start audio,
   * or its clock does not advance, within `startTimeoutMs` (no click yet, no audio device), and with
   * 4100 `ASSET_UNREACHABLE` when the clips cannot be fetched; the check then fails with that code.
   */
  async play(): Promise<void> {
    if (this.done) return;
    const limitMs = this.options.startTimeoutMs ?? 10_000;
    const notStarted = (what: string) =>
      `The browser did not ${what} within ${Math.round(limitMs / 1000)} s. Check that your speakers or headphones are connected, then try again.`;
    try {
      const context = (this.context ??= new AudioContext());
      if (this.options.sinkId && canChooseAudioOutput())
        await (context as AudioContext & { setSinkId(id: string): Promise<void> }).setSinkId(this.options.sinkId);
      // without a click (autoplay policy) or an audio device, resume() can stay pending for ever
      await withTimeout(context.resume(), limitMs, ErrorCode.AUDIO_NOT_STARTED, notStarted('start audio'));
      const clips = await this.loadClips(context);
      const gain = context.createGain();
      const analyser = context.createAnalyser();
      analyser.fftSize = 2048;
      gain.connect(analyser);
      analyser.connect(context.destination);
      const gapS = (this.options.gapMs ?? 300) / 1000;
      let at = context.currentTime + 0.1;
      for (const digit of this.code) {
        const source = context.createBufferSource();
        source.buffer = clips[Number(digit)];
        source.connect(gain);
        source.start(at);
        at += source.buffer.duration + gapS;
      }
      this.plays++;
      this.options.onProgress?.({ fraction: 0, message: 'playing' });
      const buffer = new Float32Array(analyser.fftSize);
      // a running context whose clock stands still (no output device) would never reach `at`
      const deadline = performance.now() + (at - context.currentTime) * 1000 + limitMs;
      while (context.currentTime < at && !this.done) {
        if (performance.now() > deadline)
          throw new ProctorError(ErrorCode.AUDIO_NOT_STARTED, notStarted('play the sound'));
        await new Promise((r) => setTimeout(r, 40));
        analyser.getFloatTimeDomainData(buffer);
        for (const x of buffer) this.outputPeak = Math.max(this.outputPeak, Math.abs(x));
      }
      gain.disconnect();
      analyser.disconnect();
      this.options.onProgress?.({ fraction: 0, message: 'played' });
    } catch (error) {
      if (!this.done) this.finish(failedFromError('speakers', this.startedAt, error, this.metrics()));
      throw error;
    }
  }

  /** Checks the candidate's entry. */
  submit(entry: string): SpeakerEntryResult {
    const digits = entry.replace(/\s+/g, '');
    if (this.settled || this.done) return { correct: false, attemptsLeft: this.attemptsLeft };
    if (!/^\d{4}$/.test(digits)) return { correct: false, invalid: true, attemptsLeft: this.attemptsLeft };
    this.attempts++;
    const correct = digits === this.code;
    this.options.onProgress?.({ fraction: correct ? 1 : this.attempts / this.maxAttempts });
    if (correct)
      this.finish(
        finished('speakers', this.startedAt, {
          ok: true,
          message: 'You heard the code: your speakers work.',
          metrics: this.metrics(),
        }),
      );
    else if (this.attemptsLeft <= 0)
      this.finish(
        finished('speakers', this.startedAt, {
          ok: false,
          reason: 'wrong_code',
          message: `The code was not entered correctly ${this.maxAttempts} times. Check your speakers or headphones and their volume, then try again.`,
          metrics: this.metrics(),
        }),
      );
    return { correct, attemptsLeft: this.attemptsLeft };
  }

  /** Stops playback and releases the audio context; an unsettled check stays unsettled. */
  close(): void {
    this.done = true;
    void this.context?.close().catch(() => undefined);
    this.context = undefined;
  }

  private metrics() {
    return {
      plays: this.plays,
      attempts: this.attempts,
      outputPeakDbfs: Math.round(toDb(this.outputPeak) * 10) / 10,
      // the device the sound really went to: a chosen one only where it can be routed there
      outputDevice: (canChooseAudioOutput() && this.options.sinkId) || 'default',
    };
  }

  private finish(result: CheckResult) {
    if (this.settled) return;
    this.settled = true;
    this.settle(result);
    this.close();
  }

  private loadClips(context: AudioContext): Promise<AudioBuffer[]> {
    const language = this.options.language ?? 'en';
    this.clips ??= Promise.all(
      Array.from({ length: 10 }, async (_, digit) => {
        const url = new URL(`speech/${language}/${digit}.mp3`, this.assetBase).href;
        const response = await fetch(url).catch(() => undefined);
        if (!response?.ok)
          throw new ProctorError(ErrorCode.ASSET_UNREACHABLE, `The spoken digits could not be fetched from ${url}.`);
        return context.decodeAudioData(await response.arrayBuffer());
      }),
    );
    this.clips.catch(() => (this.clips = undefined));
    return this.clips;
  }
}
