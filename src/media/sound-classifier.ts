import { ASSET_PATHS, getAssetBase, normalizeAssetBase } from '../detection/assets.js';
import { ErrorCode, withTimeout } from '../errors.js';
import { AudioLevelReader } from './audio-level.js';
import { VoiceActivity, type SoundEvent, type VoiceActivityOptions } from './voice-activity.js';
import type { WorkletMessage } from './voice-activity-worklet.js';

/** How long the AudioWorklet module may take to load before the main-thread path is used (ms). */
export const WORKLET_LOAD_TIMEOUT_MS = 5000;

export interface SoundClassifierOptions {
  /** VoiceActivity's options (`hopMs`, thresholds …). */
  vad: Partial<VoiceActivityOptions>;
  /** Where `voice-activity-worklet.js` is served; default: the asset base in force (`getAssetBase()`). */
  assetBase?: string;
  /** How long the AudioContext may take to start (ms): then 4120 AUDIO_NOT_STARTED. */
  resumeTimeoutMs: number;
  /** The caller's clock (ms since the epoch): event times are given on it. */
  now(): number;
  /** Segments that began or ended, times on `now()`'s clock. */
  onEvents(events: SoundEvent[]): void;
}

/** A running classifier of a microphone's sound ({@link startSoundClassifier}). */
export interface SoundClassifier {
  /**
   * Where {@link VoiceActivity} runs: `'audio-worklet'`, on the browser's audio thread (the page is
   * told only when a segment begins or ends), or `'main-thread'`, an AnalyserNode read every `hopMs`
   * (where AudioWorklet is missing, e.g. an insecure context, or its module did not load).
   */
  readonly runsOn: 'audio-worklet' | 'main-thread';
  /** Stops, closes the AudioContext and returns the end of a segment still going on (at `at` at the latest). */
  close(at: number): SoundEvent[];
}

/**
 * Classifies the sound of `stream` with {@link VoiceActivity}: in an AudioWorklet off the page's
 * main thread where the browser has one, else on the main thread. Rejects with 4120
 * AUDIO_NOT_STARTED when the AudioContext does not start within `resumeTimeoutMs`.
 */
export async function startSoundClassifier(
  stream: MediaStream,
  options: SoundClassifierOptions,
): Promise<SoundClassifier> {
  const reader = new AudioLevelReader(stream);
  try {
    await reader.resume(options.resumeTimeoutMs);
    return (await onAudioWorklet(reader, options)) ?? onMainThread(reader, options);
  } catch (error) {
    reader.close();
    throw error;
  }
}

async function onAudioWorklet(
  reader: AudioLevelReader,
  options: SoundClassifierOptions,
): Promise<SoundClassifier | undefined> {
  const { context } = reader;
  if (!context.audioWorklet || typeof AudioWorkletNode !== 'function') return undefined;
  const base = options.assetBase ? normalizeAssetBase(options.assetBase) : getAssetBase();
  let node: AudioWorkletNode;
  try {
    await withTimeout(
      context.audioWorklet.addModule(new URL(ASSET_PATHS.audioWorklet, base).href),
      WORKLET_LOAD_TIMEOUT_MS,
      ErrorCode.ASSET_UNREACHABLE,
      'the audio worklet did not load',
    );
    node = new AudioWorkletNode(context, 'proctor-voice-activity', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
      processorOptions: { vad: options.vad, windowSize: 2048 },
    });
  } catch {
    // a blocked or missing module (CSP, an asset host without the file): the main-thread path
    return undefined;
  }
  // the processor's times are on the AudioContext's clock; the caller's is `now()`. One offset
  // between them, so a segment's begin and end keep their distance (an offset taken afresh with
  // each message moves by the message's delay: a 1.5 s segment came out as 1498 ms); taken again
  // when the two clocks part by a second (the audio clock stands still while a laptop sleeps).
  // The page reads `currentTime` as of the last render quantum the audio thread published, so the
  // offset can come out too large by a quantum or two (more on a loaded machine): a time mapped
  // with it is never later than the moment the page hears of it (CI: a close's end dated 6 ms after
  // close() ran)
  let offset = options.now() - context.currentTime * 1000;
  const onClock = (at: number) => {
    const now = options.now();
    const fresh = now - context.currentTime * 1000;
    if (Math.abs(fresh - offset) > 1000) offset = fresh;
    return Math.min(at + offset, now);
  };
  let current: SoundEvent['kind'] | undefined;
  let lastActive = -Infinity;
  node.port.onmessage = ({ data }: MessageEvent<WorkletMessage>) => {
    if (data.lastActive !== undefined) lastActive = onClock(data.lastActive);
    if (!data.events?.length) return;
    const events = data.events.map((e) => ({ ...e, at: onClock(e.at) }));
    for (const e of events) {
      current = e.type === 'begin' ? e.kind : undefined;
      if (e.type === 'begin') lastActive = Math.max(lastActive, options.now());
    }
    options.onEvents(events);
  };
  reader.source.connect(node);
  // the worklet reads the samples itself: the reader's AnalyserNode would only cost the audio thread
  reader.releaseAnalyser();
  return {
    runsOn: 'audio-worklet',
    close(at) {
      node.port.onmessage = null;
      reader.close();
      return current ? [{ type: 'end', kind: current, at: Math.min(at, lastActive) }] : [];
    },
  };
}

function onMainThread(reader: AudioLevelReader, options: SoundClassifierOptions): SoundClassifier {
  const vad = new VoiceActivity(options.vad);
  const timer = setInterval(() => {
    const { samples, sampleRate } = reader.frame();
    const events = vad.push(samples, sampleRate, options.now());
    if (events.length) options.onEvents(events);
  }, vad.options.hopMs);
  return {
    runsOn: 'main-thread',
    close(at) {
      clearInterval(timer);
      reader.close();
      return vad.flush(at);
    },
  };
}
