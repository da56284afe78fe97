import { expect } from '@open-wc/testing';
import { runMicrophoneCheck } from '../../../src/index.js';

describe('microphone check (tone.wav: 440 Hz, -12 dBFS peak)', function () {
  this.timeout(15000);
  it('succeeds once 1.5 s of sound is heard, long before it would stop listening, and reports peak, mean and no clipping', async () => {
    // listening up to 60 s: ending well before that shows it stops on success, however loaded the machine
    const { result } = await runMicrophoneCheck({ listenMs: 60_000 });
    expect(result.status).to.equal('succeeded');
    expect(result.metrics.peakDbfs).to.be.within(-13, -11);
    expect(result.metrics.meanDbfs).to.be.within(-16, -13);
    expect(result.metrics.clipped).to.equal(false);
    // (CI run 38: 2,968 ms on a loaded machine against the old 2,500 ms bound)
    expect(result.finishedAt! - result.startedAt!).to.be.lessThan(12_000);
  });
});
