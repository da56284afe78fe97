import { expect } from '@open-wc/testing';
import { runMicrophoneCheck } from '../../../src/index.js';
import { engine } from '../../helpers/engine.js';

describe('microphone check (fake microphone: beeps)', function () {
  this.timeout(15000);
  it('succeeds once enough sound is heard, and reports levels', async () => {
    const levels: number[] = [];
    const { result, stream } = await runMicrophoneCheck({ onProgress: (p) => levels.push(p.level ?? 0) });
    expect(result.status).to.equal('succeeded');
    expect(result.metrics.heardMs).to.be.at.least(1500);
    expect(result.metrics.peakDbfs).to.be.within(-30, 0);
    // Chromium's fake beep is a full-scale square wave; Firefox's fake tone is a sine below full scale
    expect(result.metrics.clipped).to.equal(engine === 'chromium');
    expect(Math.max(...levels)).to.be.greaterThan(0.05);
    expect(stream).to.equal(undefined); // the microphone is released after the check
  });
});
