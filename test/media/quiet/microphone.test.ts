import { expect } from '@open-wc/testing';
import { runMicrophoneCheck } from '../../../src/index.js';

describe('microphone check (quiet.wav: a tone at -70 dBFS)', function () {
  this.timeout(15000);
  it('fails as too quiet when there is signal but never above -60 dBFS', async () => {
    const { result } = await runMicrophoneCheck({ listenMs: 3000 });
    expect(result.status).to.equal('failed');
    expect(result.reason).to.equal('too_quiet');
    expect(result.metrics.peakDbfs).to.be.within(-80, -60);
    expect(result.message).to.match(/barely hear/);
  });

  it('passes when the integrator lowers the sound threshold', async () => {
    const { result } = await runMicrophoneCheck({ soundDb: -80 });
    expect(result.status).to.equal('succeeded');
  });
});
