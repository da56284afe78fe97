import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/define.js';
import {
  DEFAULT_TRACKING,
  ErrorCode,
  MonitorSession,
  validateTracking,
  validateTuning,
  type ApMonitor,
} from '../../src/index.js';
import { rejectionOf } from '../helpers/media.js';

const credentials = { clientId: 'c', testAttemptId: 't-options', hashedTestAttemptId: 'h' };

describe('monitor options', () => {
  it('defaults and accepts both trackingOptions objects and track lists', () => {
    expect(validateTracking(undefined)).to.deep.equal(DEFAULT_TRACKING);
    expect(validateTracking({ audio: false, numPhotosAtRandom: 5 })).to.include({
      audio: false,
      numPhotosAtRandom: 5,
      numHumans: true,
    });
    expect(validateTracking(['tabSwitch'])).to.include({ tabSwitch: true, numHumans: false, audio: false });
  });

  for (const [input, text] of [
    [{ numHuman: true }, 'trackingOptions.numHuman is not a tracking option'],
    [{ audio: 'yes' }, 'trackingOptions.audio must be true or false, got "yes"'],
    [{ numPhotosAtRandom: 0 }, 'trackingOptions.numPhotosAtRandom must be a whole number'],
    ['audio', 'trackingOptions must be an object'],
  ] as const) {
    it(`rejects ${JSON.stringify(input)} naming the option`, () => {
      expect(() => validateTracking(input))
        .to.throw(text)
        .with.property('code', ErrorCode.INVALID_OPTION);
    });
  }

  it('rejects unknown and ill-typed tuning', () => {
    expect(() => validateTuning({ noFaceMS: 1 })).to.throw('tuning.noFaceMS is not a tuning option');
    expect(() => validateTuning({ noFaceMs: -1 })).to.throw('tuning.noFaceMs must be a non-negative number');
    expect(() => validateTuning({ minConfidence: 3 })).to.throw('tuning.minConfidence must be from 0 to 1');
    // a whole-frame search so rare that a second person goes unseen for long (new-user retest: 1e9)
    expect(() => validateTuning({ fullFrameMs: 1e9 })).to.throw(
      'tuning.fullFrameMs must be 0 (every frame whole) or at most 5000 ms',
    );
    expect(validateTuning({ fullFrameMs: 0 }).fullFrameMs).to.equal(0);
    expect(validateTuning({ fullFrameMs: 5000 }).fullFrameMs).to.equal(5000);
  });

  it('setup() rejects bad options with INVALID_OPTION and starts nothing', async () => {
    const session = new MonitorSession(credentials);
    for (const options of [
      { trackingOptions: { camera: true } },
      { bogus: 1 },
      { trackingOptions: {}, track: [] },
      { endpoint: '' },
      { endpoint: 42 },
      { checks: 'passed' },
      { checks: { results: [{ name: 'phone', status: 'succeeded' }], passed: true } },
      { checks: { results: [{ name: 'webcam', status: 'ok' }], passed: true } },
    ]) {
      const error = await rejectionOf(session.setup(options as never));
      expect(error.code, JSON.stringify(options)).to.equal(ErrorCode.INVALID_OPTION);
      expect(session.state).to.equal('idle');
      expect(session.cameraStream).to.equal(undefined);
    }
  });

  it('<ap-monitor>.setup(null) is setup() with no options (not a 4005 "device failed")', async () => {
    // new-user trial: <ap-monitor>.setup(null) rejected as HARDWARE_ERROR, "reading 'track'"
    const el = await fixture<ApMonitor>(
      html`<ap-monitor
        client-id="c"
        test-attempt-id="t-null-element"
        hashed-test-attempt-id="aA=="
        track="tabSwitch"
      ></ap-monitor>`,
    );
    const completed = oneEvent(el, 'ap-setup-completed');
    await el.setup(null as never);
    await completed;
    await el.destroy();
    // not an object at all: still a typed configuration error
    const other = new MonitorSession({ ...credentials, testAttemptId: 't-null-other' });
    expect((await rejectionOf(other.setup('tabSwitch' as never))).code).to.equal(ErrorCode.INVALID_OPTION);
  });

  it('<ap-monitor>.setup() with ill-typed options says so (4107) and can be called again (a retest)', async () => {
    const el = await fixture<ApMonitor>(
      html`<ap-monitor
        client-id="c"
        test-attempt-id="t-ill-typed"
        hashed-test-attempt-id="aA=="
        track="tabSwitch"
      ></ap-monitor>`,
    );
    // streams: null was "reading 'camera' of null" as 4005, and the monitor stayed 'setting_up'
    for (const options of [42, 'x', [], true, { streams: { camera: 'x' } }, { streams: { screen: {} } }]) {
      const error = await rejectionOf(el.setup(options as never));
      expect(error.code, JSON.stringify(options)).to.equal(ErrorCode.INVALID_OPTION);
    }
    // null is not given: streams: null, and trackingOptions: null beside the track attribute
    await el.setup({ streams: null, trackingOptions: null } as never);
    await el.destroy();
  });

  it('refuses an endpoint that is no URL of a results server, at setup(), naming the accepted forms', async () => {
    // as integrators mistype it: no scheme (it would resolve against the exam page and send
    // evidence to the LMS's own host), a host:port, words, another scheme
    for (const endpoint of [
      '127.0.0.1:4600',
      'localhost:4600',
      'results.example.org',
      'not a url',
      'ftp://results.example.org/',
    ]) {
      const session = new MonitorSession({ ...credentials, testAttemptId: 't-endpoint' });
      const error = await rejectionOf(session.setup({ endpoint, track: [] }));
      expect(error.code, endpoint).to.equal(ErrorCode.INVALID_OPTION);
      expect(error.message, endpoint).to.match(/endpoint must be/);
      session.destroy();
    }
    for (const endpoint of ['https://results.example.org/', 'http://127.0.0.1:4600', '/proctor/', './results/']) {
      const session = new MonitorSession({ ...credentials, testAttemptId: 't-endpoint' });
      await session.setup({ endpoint, track: [] });
      session.destroy();
    }
  });

  it('requires credentials', () => {
    expect(() => new MonitorSession({ ...credentials, clientId: '' })).to.throw('clientId is required');
  });

  it('start() before setup() and after destroy() fail with INVALID_STATE', async () => {
    const session = new MonitorSession(credentials);
    expect((await rejectionOf(session.start())).code).to.equal(ErrorCode.INVALID_STATE);
    await session.destroy();
    expect((await rejectionOf(session.start())).message).to.contain('after destroy()');
    expect((await rejectionOf(session.setup())).code).to.equal(ErrorCode.INVALID_STATE);
  });

  it('refuses an attempt id the results server could never take (over 200 characters), at once, with 4107', () => {
    const long = 'é'.repeat(201);
    let error: { code?: number; message?: string } = {};
    try {
      new MonitorSession({ ...credentials, testAttemptId: long });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).to.equal(ErrorCode.INVALID_OPTION);
    expect(error.message).to.contain('testAttemptId is 201 characters long; at most 200');
    // a NUL or a lone surrogate could never be stored by a results server
    for (const bad of ['a\u0000b', 'x\ud83d'])
      expect(() => new MonitorSession({ ...credentials, testAttemptId: bad }))
        .to.throw('control character or an unpaired surrogate')
        .with.property('code', ErrorCode.INVALID_OPTION);
    // 200 is fine, whatever its characters
    expect(new MonitorSession({ ...credentials, testAttemptId: 'é'.repeat(200) }).state).to.equal('idle');
  });
});
