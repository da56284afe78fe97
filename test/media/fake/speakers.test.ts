import { expect } from '@open-wc/testing';
import { ErrorCode, SpeakerCheck } from '../../../src/index.js';
import { DIST_ASSETS, rejectionOf } from '../../helpers/media.js';

describe('speakers check', function () {
  this.timeout(20000);
  const code = () => '4721';

  it('plays the code aloud (the output analyser shows signal) and succeeds on the right entry', async () => {
    const check = new SpeakerCheck({ assetBase: DIST_ASSETS, generateCode: code });
    await check.play();
    expect(check.submit('47 21')).to.deep.equal({ correct: true, attemptsLeft: 2 });
    const result = await check.result;
    expect(result.status).to.equal('succeeded');
    expect(result.metrics.plays).to.equal(1);
    expect(result.metrics.outputPeakDbfs).to.be.greaterThan(-20);
  });

  it('allows replay and fails after three wrong entries', async () => {
    const check = new SpeakerCheck({ assetBase: DIST_ASSETS, generateCode: code, gapMs: 50 });
    await check.play();
    await check.play();
    expect(check.submit('abcd')).to.deep.equal({ correct: false, invalid: true, attemptsLeft: 3 });
    expect(check.submit('1111').attemptsLeft).to.equal(2);
    expect(check.submit('2222').attemptsLeft).to.equal(1);
    expect(check.submit('3333')).to.deep.equal({ correct: false, attemptsLeft: 0 });
    const result = await check.result;
    expect(result).to.include({ status: 'failed', reason: 'wrong_code' });
    expect(result.metrics).to.include({ plays: 2, attempts: 3 });
    expect(check.submit('4721').correct).to.equal(false); // settled: no late success
  });

  it('measures no output when nothing was played', async () => {
    const check = new SpeakerCheck({ assetBase: DIST_ASSETS, generateCode: code });
    check.submit('4721');
    expect((await check.result).metrics.outputPeakDbfs).to.equal(-120);
  });

  it('fails with ASSET_UNREACHABLE and the URL when the clips are missing', async () => {
    const check = new SpeakerCheck({ assetBase: '/nowhere/', generateCode: code });
    const error = await rejectionOf(check.play());
    expect(error.code).to.equal(ErrorCode.ASSET_UNREACHABLE);
    expect(error.message).to.contain('/nowhere/speech/en/');
    expect((await check.result).code).to.equal(ErrorCode.ASSET_UNREACHABLE);
  });

  it('rejects a code generator that does not give 4 digits', () => {
    expect(() => new SpeakerCheck({ generateCode: () => '12' })).to.throw(/exactly 4 digits/);
  });
});
