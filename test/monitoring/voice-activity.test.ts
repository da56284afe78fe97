import { expect } from '@open-wc/testing';
import { VoiceActivity, type SoundEvent } from '../../src/media/voice-activity.js';

const RATE = 48000;
const FRAME = 2048; // the audio tracker's AnalyserNode window

/** Deterministic PRNG (Park–Miller), so a failure replays. */
function prng(seed: number) {
  return () => (seed = (seed * 16807) % 2147483647) / 2147483647;
}

/**
 * Runs `signal` through the classifier the way the tracker reads it on a busy machine: a frame
 * every 45–65 ms, one read in twenty late by 100–300 ms.
 */
function classify(signal: Float32Array): SoundEvent[] {
  const vad = new VoiceActivity();
  const r = prng(7);
  const events: SoundEvent[] = [];
  for (let end = FRAME; end <= signal.length;) {
    events.push(...vad.push(signal.subarray(end - FRAME, end), RATE, (end / RATE) * 1000));
    end += Math.round(((r() < 0.05 ? 100 + r() * 200 : 45 + r() * 20) / 1000) * RATE);
  }
  return [...events, ...vad.flush((signal.length / RATE) * 1000)];
}

/** `seconds` of a tone switched on for `onMs` every `periodMs`, at `amplitude`, over `roomDb` of noise. */
function beeping(
  seconds: number,
  o: { freq: number; onMs: number; periodMs: number; square?: boolean; amplitude: number; roomDb?: number },
) {
  const x = new Float32Array(seconds * RATE);
  const r = prng(3);
  const room = o.roomDb === undefined ? 0 : 10 ** (o.roomDb / 20) * Math.sqrt(3);
  for (let i = 0; i < x.length; i++) {
    const ms = ((i / RATE) * 1000) % o.periodMs;
    const v = Math.sin((2 * Math.PI * o.freq * i) / RATE);
    x[i] = (ms < o.onMs ? o.amplitude * (o.square ? Math.sign(v) : v) : 0) + room * (r() * 2 - 1);
  }
  return x;
}

async function wav(url: string): Promise<Float32Array> {
  const bytes = new DataView(await (await fetch(url)).arrayBuffer());
  const x = new Float32Array((bytes.byteLength - 44) / 2);
  for (let i = 0; i < x.length; i++) x[i] = bytes.getInt16(44 + i * 2, true) / 32768;
  return x;
}

describe('voice activity: voice told apart from tones', function () {
  this.timeout(60000);

  it("does not call Chromium's fake microphone (20 ms of 400 Hz every 500 ms) talking, over silence or a room", () => {
    // media/audio/fake_audio_input_stream.cc: kBeepDurationMilliseconds 20, kBeepFrequency 400, every 500 ms
    for (const roomDb of [undefined, -70]) {
      const found = classify(
        beeping(120, { freq: 400, onMs: 20, periodMs: 500, square: true, amplitude: 0.3, roomDb }),
      );
      expect(found, `room ${roomDb ?? 'digital silence'}`).to.deep.equal([]);
    }
  });

  it('does not call a reversing beeper (1 kHz, half a second on and off) talking', () => {
    const found = classify(beeping(60, { freq: 1000, onMs: 500, periodMs: 1000, amplitude: 0.05, roomDb: -70 }));
    expect(found.filter((e) => e.kind === 'voice')).to.deep.equal([]);
  });

  it('does not call an alarm clock (2 kHz, four 100 ms beeps, then 500 ms quiet) talking', () => {
    // found by a new user: this pattern was talking for 20 s; its beeps are dense and flutter like
    // syllables, but a tone's autocorrelation swings to -1 and a voice's does not
    const x = new Float32Array(60 * RATE);
    const room = prng(5);
    for (let i = 0; i < x.length; i++) {
      const ms = ((i / RATE) * 1000) % 1300;
      const on = ms < 800 && ms % 200 < 100;
      x[i] = (on ? 0.05 * Math.sin((2 * Math.PI * 2000 * i) / RATE) : 0) + 5e-4 * (room() * 2 - 1);
    }
    expect(classify(x).filter((e) => e.kind === 'voice')).to.deep.equal([]);
  });

  it('still calls a voice talking, and reports its level without the pauses', async () => {
    // the media groups' voice fixture: a quiet room for 4 s, then 4 s of syllables at about -25 dBFS
    const clip = await wav('/test/fixtures/generated/burst-voice.wav');
    const signal = new Float32Array(clip.length * 3);
    for (let k = 0; k < 3; k++) signal.set(clip, k * clip.length);
    const begins = classify(signal).filter((e) => e.type === 'begin');
    expect(begins.map((e) => e.kind)).to.deep.equal(['voice', 'voice', 'voice']);
    for (const b of begins) if (b.type === 'begin') expect(b.levelDb).to.be.within(-40, -15);
  });
});

/**
 * A quiet room (`roomDb`, white) for `quietS`, then a fan (`kind` noise at `fanDb` RMS) for `fanS`,
 * then the room again for `afterS`.
 */
function fanSwitchedOff(kind: 'brown' | 'pink', o: { quietS: number; fanS: number; afterS: number }) {
  const x = new Float32Array((o.quietS + o.fanS + o.afterS) * RATE);
  const r = prng(11);
  const room = 10 ** (-84 / 20) * Math.sqrt(3);
  const fan = new Float32Array(o.fanS * RATE);
  let [b0, b1, b2, brown] = [0, 0, 0, 0];
  for (let i = 0; i < fan.length; i++) {
    const w = r() * 2 - 1;
    if (kind === 'brown') fan[i] = brown = 0.995 * brown + 0.1 * w;
    else {
      // Paul Kellet's economy pink filter
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      fan[i] = b0 + b1 + b2 + w * 0.1848;
    }
  }
  let sq = 0;
  for (const v of fan) sq += v * v;
  const gain = 10 ** (-50 / 20) / Math.sqrt(sq / fan.length);
  for (let i = 0; i < x.length; i++) x[i] = room * (r() * 2 - 1);
  for (let i = 0; i < fan.length; i++) x[o.quietS * RATE + i] += fan[i] * gain;
  return x;
}

describe('voice activity: a steady fan switched on and off', function () {
  this.timeout(60000);

  // found by a new user: a fan on for 24 s, then off, was reported when it stopped, dated back to its
  // start, as talking (brown noise) or noise (pink): the fall back to the room counted as the fan's
  // own modulation
  for (const kind of ['brown', 'pink'] as const)
    for (const fanS of [10, 24])
      it(`is neither talking nor noise: a ${kind}-noise fan on for ${fanS} s, then off`, () => {
        expect(classify(fanSwitchedOff(kind, { quietS: 4, fanS, afterS: 8 }))).to.deep.equal([]);
      });
});
