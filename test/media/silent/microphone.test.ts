import { expect } from '@open-wc/testing';
import { runMicrophoneCheck } from '../../../src/index.js';

describe('microphone check (silent.wav as the microphone)', function () {
  this.timeout(15000);
  it('fails the microphone check when the input is silent', async () => {
    const { result } = await runMicrophoneCheck({ listenMs: 3000 });
    expect(result.status).to.equal('failed');
    expect(result.reason).to.equal('silent');
    expect(result.message).to.match(/no sound at all/);
    expect(result.metrics.heardMs).to.equal(0);
  });
});
