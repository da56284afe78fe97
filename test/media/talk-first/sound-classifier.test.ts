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

  it('dates nothing after the moment it is heard, when the two clocks were read apart at start', async () => {
    // the page reads the audio clock as the audio thread last published it, late on a loaded machine
    // (CI: a close's end dated 6 ms after close() ran): here the caller's clock reads 900 ms ahead at
    // the one reading the offset is taken from (under the 1 s at which it is taken again), so every
    // time mapped with it would be 900 ms late
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const heard: { type: string; at: number; when: number }[] = [];
    let first = true;
    classifier = await startSoundClassifier(stream, {
      vad: {},
      assetBase: DIST_ASSETS,
      resumeTimeoutMs: 10000,
      now: () => {
        const skew = first ? 900 : 0;
        first = false;
        return Date.now() + skew;
      },
      onEvents: (e) => heard.push(...e.map((x) => ({ type: x.type, at: x.at, when: Date.now() }))),
    });
    expect(classifier.runsOn).to.equal('audio-worklet');
    // closed while talking goes on: its end is the last sound heard, mapped with that offset
    // (half a second into it, so that the worklet has sent where the sound was last heard)
    await until(
      () => heard.at(-1)?.type === 'begin' && Date.now() - heard.at(-1)!.when > 500,
      40000,
      'talking for half a second',
    );
    for (const { at, when } of heard) expect(at).to.be.at.most(when);
    const ended = classifier.close(Date.now() + 60_000);
    const closed = Date.now();
    classifier = undefined;
    expect(ended.map((e) => e.type)).to.deep.equal(['end']);
    expect(ended[0].at).to.be.at.most(closed);
  });
});
