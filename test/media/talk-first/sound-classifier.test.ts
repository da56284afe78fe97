import { expect } from '@open-wc/testing';
import { startSoundClassifier, type SoundClassifier } from '../../../src/media/sound-classifier.js';
import type { SoundEvent } from '../../../src/media/voice-activity.js';
import { DIST_ASSETS } from '../../helpers/media.js';
import { until } from '../../helpers/monitor.js';

// talk-first.wav (looping): speech from the first second, pauses, speech again
describe("the audio tracker's sound classifier (talk-first.wav)", function () {
  this.timeout(60000);
  let stream: MediaStream | undefined;
  let classifier: SoundClassifier | undefined;
  afterEach(() => {
    classifier?.close(Date.now());
    for (const t of stream?.getTracks() ?? []) t.stop();
  });

  /** Classifies the microphone until talking has begun and ended twice; the events, on a clock 1 h ahead. */
  async function talking(assetBase: string) {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const events: SoundEvent[] = [];
    const hour = 3_600_000;
    const t0 = Date.now() + hour;
    classifier = await startSoundClassifier(stream, {
      vad: {},
      assetBase,
      resumeTimeoutMs: 10000,
      now: () => Date.now() + hour,
      onEvents: (e) => events.push(...e),
    });
    await until(() => events.filter((e) => e.kind === 'voice' && e.type === 'end').length >= 2, 40000, 'talking twice');
    // times on the caller's clock: within the run, each segment ends after it begins
    for (const e of events) expect(e.at).to.be.within(t0 - 1000, Date.now() + hour);
    const voice = events.filter((e) => e.kind === 'voice');
    for (let i = 0; i + 1 < voice.length; i += 2) {
      expect([voice[i].type, voice[i + 1].type]).to.deep.equal(['begin', 'end']);
      expect(voice[i + 1].at - voice[i].at).to.be.within(1500, 6000);
    }
    const begin = voice.find((e) => e.type === 'begin') as Extract<SoundEvent, { type: 'begin' }>;
    expect(begin.backgroundDb).to.be.below(-60); // the room, not the voice
    return classifier.runsOn;
  }

  it("runs in an AudioWorklet, off the main thread, and reports talking on the caller's clock", async () => {
    expect(await talking(DIST_ASSETS)).to.equal('audio-worklet');
  });

  it('falls back to the main thread, with the same results, where its module cannot be loaded', async () => {
    expect(await talking(new URL('/no-such-assets/', location.href).href)).to.equal('main-thread');
  });

  it('ends talking still going on when closed: the end is when the sound was last heard, not later', async () => {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const events: SoundEvent[] = [];
    classifier = await startSoundClassifier(stream, {
      vad: {},
      assetBase: DIST_ASSETS,
      resumeTimeoutMs: 10000,
      now: () => Date.now(),
      onEvents: (e) => events.push(...e),
    });
    await until(
      () => events.some((e) => e.kind === 'voice' && e.type === 'begin') && events.at(-1)?.type === 'begin',
      40000,
      'talking',
    );
    const closedAt = Date.now() + 60_000; // a stop() given a time past the sound
    const ended = classifier.close(closedAt);
    classifier = undefined;
    expect(ended.map((e) => [e.type, e.kind])).to.deep.equal([['end', 'voice']]);
    expect(ended[0].at).to.be.within(events.at(-1)!.at, Date.now());
  });
});
