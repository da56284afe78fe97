import { expect } from '@open-wc/testing';
import { itExcept } from '../../helpers/engine.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The RMS (dBFS) of `track` over a window, read by a context of the page's own. */
async function levelDb(track: MediaStreamTrack): Promise<number> {
  const context = new AudioContext();
  try {
    const analyser = new AnalyserNode(context, { fftSize: 2048 });
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    await context.resume();
    await sleep(500);
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(samples);
    return 10 * Math.log10(samples.reduce((s, x) => s + x * x, 0) / samples.length);
  } finally {
    await context.close();
  }
}

// scripts/lib/fixture-media.mjs: where the engine cannot play a WAV as its fake microphone, the
// runner swaps the engine's audio track for a Web Audio graph looping the group's WAV
describe('the fixture microphone stand-in (Firefox, WebKit: a Web Audio graph looping tone.wav)', function () {
  this.timeout(20000);
  itExcept(
    { chromium: "Chromium's own fake capture plays the WAV: there is no stand-in" },
    "wears the engine device's label and settings, plays the WAV, and closes its graph once it and its clones are stopped",
    async () => {
      const closed: AudioContext[] = [];
      const close = Object.getOwnPropertyDescriptor(AudioContext.prototype, 'close')!;
      Object.defineProperty(AudioContext.prototype, 'close', {
        ...close,
        value(this: AudioContext) {
          closed.push(this);
          return (close.value as (this: AudioContext) => Promise<void>).call(this);
        },
      });
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        const [track] = stream.getAudioTracks();
        expect(stream.getAudioTracks()).to.have.length(1);
        expect(track.label).to.not.equal('');
        expect(track.getSettings().deviceId).to.be.a('string').and.not.equal('');
        const clone = track.clone();
        expect(clone.label).to.equal(track.label);
        track.stop();
        // tone.wav: a 440 Hz sine at -12 dBFS peak, -15 dBFS RMS; the clone still plays it
        expect(await levelDb(clone)).to.be.within(-16, -14);
        const ours = closed.length; // levelDb closed its own context
        await sleep(1000);
        expect(closed.length).to.equal(ours);
        clone.stop();
        const end = performance.now() + 5000;
        while (closed.length === ours && performance.now() < end) await sleep(100);
        expect(closed.length).to.equal(ours + 1);
      } finally {
        Object.defineProperty(AudioContext.prototype, 'close', close);
      }
    },
  );
});
