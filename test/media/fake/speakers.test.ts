import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/define.js';
import { ErrorCode, SpeakerCheck, canChooseAudioOutput, type ApRequirementsCheck } from '../../../src/index.js';
import { DIST_ASSETS, rejectionOf } from '../../helpers/media.js';
import { inUserGesture, itExcept } from '../../helpers/engine.js';

describe('speakers check (played from a click, as the "Play the code" button does)', function () {
  this.timeout(20000);
  const code = () => '4721';

  it('plays the code aloud (the output analyser shows signal) and succeeds on the right entry', async () => {
    const check = new SpeakerCheck({ assetBase: DIST_ASSETS, generateCode: code });
    await inUserGesture(() => check.play());
    expect(check.submit('47 21')).to.deep.equal({ correct: true, attemptsLeft: 2 });
    const result = await check.result;
    expect(result.status).to.equal('succeeded');
    expect(result.metrics.plays).to.equal(1);
    expect(result.metrics.outputPeakDbfs).to.be.greaterThan(-20);
  });

  it('allows replay and fails after three wrong entries', async () => {
    const check = new SpeakerCheck({ assetBase: DIST_ASSETS, generateCode: code, gapMs: 50 });
    await inUserGesture(() => check.play());
    await inUserGesture(() => check.play());
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
    const error = await rejectionOf(inUserGesture(() => check.play()));
    expect(error.code).to.equal(ErrorCode.ASSET_UNREACHABLE);
    expect(error.message).to.contain('/nowhere/speech/en/');
    expect((await check.result).code).to.equal(ErrorCode.ASSET_UNREACHABLE);
  });

  itExcept(
    { chromium: 'it can send sound to a chosen device (AudioContext.setSinkId)' },
    'where the output cannot be chosen, plays to the default device and says so, not the requested one',
    async () => {
      expect(canChooseAudioOutput()).to.equal(false); // so <ap-requirements-check> shows no speaker picker
      const check = new SpeakerCheck({ assetBase: DIST_ASSETS, generateCode: code, sinkId: 'headphones-2' });
      await inUserGesture(() => check.play());
      check.submit('4721');
      const result = await check.result;
      expect(result.status).to.equal('succeeded');
      expect(result.metrics.outputDevice).to.equal('default');
    },
  );

  it('fails with 4120 AUDIO_NOT_STARTED, not a hang, when the browser never starts audio (no click, no device)', async () => {
    // what WebKit and Chromium do without a user activation: resume() stays pending
    // an own property of AudioContext.prototype, or of BaseAudioContext.prototype (Firefox)
    const own = Object.getOwnPropertyDescriptor(AudioContext.prototype, 'resume');
    Object.defineProperty(AudioContext.prototype, 'resume', { configurable: true, value: () => new Promise(() => {}) });
    try {
      const check = new SpeakerCheck({ assetBase: DIST_ASSETS, generateCode: code, startTimeoutMs: 1000 });
      const error = await rejectionOf(check.play());
      expect(error.code).to.equal(ErrorCode.AUDIO_NOT_STARTED);
      expect(error.message).to.contain('did not start audio');
      const result = await check.result;
      expect(result).to.include({ status: 'failed', code: ErrorCode.AUDIO_NOT_STARTED });
    } finally {
      if (own) Object.defineProperty(AudioContext.prototype, 'resume', own);
      else delete (AudioContext.prototype as Partial<AudioContext>).resume;
    }
  });

  it('rejects a code generator that does not give 4 digits', () => {
    expect(() => new SpeakerCheck({ generateCode: () => '12' })).to.throw(/exactly 4 digits/);
  });
});

describe('<ap-requirements-check> speaker code entry', function () {
  this.timeout(30000);
  it('after a wrong or empty code the field has focus and our message shows (no browser bubble)', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="speakers"
        asset-base=${DIST_ASSETS}
        .settings=${{ speakers: { generateCode: () => '4721', gapMs: 50 } }}
      ></ap-requirements-check>`,
    );
    void el.run();
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelector('[part="code-form"]'), 'the code form', { timeout: 10000 });
    const form = root.querySelector<HTMLFormElement>('[part="code-form"]')!;
    const input = root.querySelector<HTMLInputElement>('[part="code-input"]')!;
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    // Enter on an empty field: our message, not the browser's validation bubble
    submit.focus();
    submit.click();
    await waitUntil(() => root.querySelector('[part="feedback"]')!.textContent.includes('four digits'), 'empty');
    expect(root.activeElement).to.equal(input);
    // a wrong code: cleared, and the next digits typed go into the field
    input.value = '1111';
    submit.focus();
    submit.click();
    await waitUntil(() => root.querySelector('[part="feedback"]')!.textContent.includes('2 tries left'), 'wrong');
    expect(input.value).to.equal('');
    expect(root.activeElement).to.equal(input);
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    await expect(el).to.be.accessible();
    el.remove();
  });
});
