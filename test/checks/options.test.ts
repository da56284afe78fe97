import { expect } from '@open-wc/testing';
import {
  ErrorCode,
  ProctorError,
  RequirementsRunner,
  SpeakerCheck,
  runBandwidthCheck,
  runMicrophoneCheck,
  runMobileCheck,
  runScreenshareCheck,
  runWebcamCheck,
} from '../../src/index.js';

/** A MediaDevices that records every request for a device and grants none. */
function watchedDevices() {
  const asked: string[] = [];
  const refuse = (what: string) => () => {
    asked.push(what);
    return Promise.reject(new DOMException('not in this test', 'NotAllowedError'));
  };
  const devices = {
    getUserMedia: refuse('getUserMedia'),
    getDisplayMedia: refuse('getDisplayMedia'),
    enumerateDevices: () => Promise.resolve([]),
    addEventListener() {},
    removeEventListener() {},
  } as unknown as MediaDevices;
  return { devices, asked };
}

const thrown = (make: () => unknown): ProctorError => {
  try {
    make();
  } catch (error) {
    return error as ProctorError;
  }
  throw new Error('nothing was thrown');
};

// helper-58's trial: the check services called directly took any value; runWebcamCheck({ durationMs:
// -5 }) told the candidate "your camera is frozen" and { minConfidence: 2 } "we cannot see your face"
describe('the check services refuse options of the wrong kind (4107, named) before they open any device', () => {
  const run = {
    runWebcamCheck: (o: object) => runWebcamCheck(o),
    runMicrophoneCheck: (o: object) => runMicrophoneCheck(o),
    runScreenshareCheck: (o: object) => runScreenshareCheck(o),
    runMobileCheck: (o: object) => runMobileCheck(o),
    runBandwidthCheck: (o: object) => runBandwidthCheck(o as never),
  };
  const cases: [keyof typeof run, object, string][] = [
    [
      'runWebcamCheck',
      { durationMs: -5 },
      'runWebcamCheck options.durationMs must be a duration in ms above 0, at most 600000, got -5.',
    ],
    [
      'runWebcamCheck',
      { minConfidence: 2 },
      'runWebcamCheck options.minConfidence must be a number from 0 to 1, got 2.',
    ],
    ['runWebcamCheck', { minConfidance: 0.5 }, 'runWebcamCheck options.minConfidance is not a runWebcamCheck option'],
    [
      'runWebcamCheck',
      { minWidth: '640' },
      'runWebcamCheck options.minWidth must be a whole number, 1 or more, got "640".',
    ],
    ['runWebcamCheck', { stream: {} }, 'runWebcamCheck options.stream must be a MediaStream, got {}.'],
    ['runWebcamCheck', { requireFace: 'no' }, 'runWebcamCheck options.requireFace must be a boolean, got string.'],
    ['runWebcamCheck', { sampleMs: Number.NaN }, 'runWebcamCheck options.sampleMs must be a duration in ms above 0'],
    [
      'runMicrophoneCheck',
      { soundDb: 10 },
      'runMicrophoneCheck options.soundDb must be a level in dBFS, from -200 to 0',
    ],
    [
      'runMicrophoneCheck',
      { requiredMs: 6000 },
      'runMicrophoneCheck options.requiredMs (6000) must be at most listenMs (5000): the check could never pass.',
    ],
    [
      'runScreenshareCheck',
      { requireEntireScreen: 'yes' },
      'runScreenshareCheck options.requireEntireScreen must be a boolean',
    ],
    [
      'runMobileCheck',
      { pairingUrl: 'https://exam.example/phone', minFrames: 0.5 },
      'options.minFrames must be a whole',
    ],
    ['runBandwidthCheck', { url: '' }, 'runBandwidthCheck options.url must be a URL'],
    // helper-59's trial: no url fetched ".../undefined/" and blamed the server (4108)
    ['runBandwidthCheck', {}, 'runBandwidthCheck options.url is required: the speed-test endpoint'],
    ['runBandwidthCheck', { url: 'http://' }, 'The bandwidth-url "http://" is not a valid URL.'],
    // `deviceId: select.value || null`: said so, with what to do
    [
      'runWebcamCheck',
      { deviceId: null },
      'runWebcamCheck options.deviceId must be a string, got null (leave it out, or undefined, for the default).',
    ],
    [
      'runWebcamCheck',
      { video: document.createElement('div') },
      'must be an HTMLVideoElement, got an HTMLDivElement object.',
    ],
    [
      'runBandwidthCheck',
      { url: '/__bandwidth/fast/', minDownloadMbps: -1 },
      'runBandwidthCheck options.minDownloadMbps must be a speed in Mbit/s, 0 or more, got -1.',
    ],
  ];
  for (const [name, options, message] of cases)
    it(`${name}(${JSON.stringify(options)}) fails with 4107: "${message}"`, async () => {
      const { devices, asked } = watchedDevices();
      const withDevices = { ...options, mediaDevices: devices };
      const { result, stream } = await run[name](withDevices);
      expect(result).to.include({ status: 'failed', reason: 'error', code: ErrorCode.INVALID_OPTION });
      expect(result.message).to.contain(message);
      expect(stream).to.equal(undefined);
      expect(asked, 'no device was asked for').to.deep.equal([]);
    });

  it('runBandwidthCheck() with no options at all says url is required, and asks the server nothing', async () => {
    // helper-60: with no argument (or null) the required url went unchecked: '…/undefined/' was fetched
    const requests = () => performance.getEntriesByType('resource').filter((e) => e.name.includes('undefined/'));
    const before = requests().length;
    for (const given of [undefined, null]) {
      const { result } = await runBandwidthCheck(given as never);
      expect(result, String(given)).to.include({ status: 'failed', reason: 'error', code: ErrorCode.INVALID_OPTION });
      expect(result.message).to.contain('runBandwidthCheck options.url is required');
    }
    expect(requests().length).to.equal(before);
  });

  it('a signal aborted before the start rejects at once with its AbortError, and asks for no device', async () => {
    // helper-60: runMobileCheck never settled; the webcam and screen share asked for the device first
    const { devices, asked } = watchedDevices();
    const controller = new AbortController();
    controller.abort();
    const common = { signal: controller.signal, mediaDevices: devices };
    for (const [name, start] of [
      ['runWebcamCheck', () => runWebcamCheck(common)],
      ['runMicrophoneCheck', () => runMicrophoneCheck(common)],
      ['runScreenshareCheck', () => runScreenshareCheck(common)],
      ['runBandwidthCheck', () => runBandwidthCheck({ ...common, url: '/__bandwidth/fast/' })],
      ['runMobileCheck', () => runMobileCheck({ ...common, pairingUrl: 'https://exam.example/phone/{code}' })],
    ] as const) {
      const error = await start().then(
        () => undefined,
        (e: unknown) => e as DOMException,
      );
      expect(error?.name, name).to.equal('AbortError');
    }
    expect(asked).to.deep.equal([]);
  });

  it('takes the options it documents (and the runner gives) without complaint', async () => {
    const { devices, asked } = watchedDevices();
    const signal = new AbortController().signal;
    const video = document.createElement('video');
    const { result } = await runWebcamCheck({
      mediaDevices: devices,
      signal,
      onProgress: () => undefined,
      video,
      deviceId: 'a-camera',
      minWidth: 640,
      minHeight: 480,
      durationMs: 3000,
      settleMs: 0,
      requireFace: false,
      assetBase: new URL('/dist/assets/', location.href),
      keepConfidence: undefined,
    });
    // it went on to ask for the camera, which this test refuses
    expect(asked).to.deep.equal(['getUserMedia']);
    expect(result.status).to.equal('failed');
    expect(result.code).to.not.equal(ErrorCode.INVALID_OPTION);
  });

  it('new SpeakerCheck() and new RequirementsRunner() throw 4107 naming the option', () => {
    const speakers = thrown(() => new SpeakerCheck({ maxAttempts: 0 }));
    expect(speakers).to.be.instanceOf(ProctorError);
    expect(speakers.code).to.equal(ErrorCode.INVALID_OPTION);
    expect(speakers.message).to.equal('SpeakerCheck options.maxAttempts must be a whole number, 1 or more, got 0.');
    const runner = thrown(() => new RequirementsRunner({ settings: { webcam: { minConfidence: 2 } } }));
    expect(runner).to.be.instanceOf(ProctorError);
    expect(runner.code).to.equal(ErrorCode.INVALID_OPTION);
    expect(runner.message).to.equal('settings.webcam.minConfidence must be a number from 0 to 1, got 2.');
    const misspelt = thrown(() => new RequirementsRunner({ settings: { webcam: { video: {} } } as never }));
    expect(misspelt.message).to.contain('settings.webcam.video is not a webcam setting');
    // helper-59: the runner's own options went unchecked (a TypeError at run(), or silently ignored)
    for (const [options, message] of [
      [
        { checks: ['webcm'] },
        'RequirementsRunner options.checks must be a list of check names (microphone, speakers, bandwidth, webcam, mobile, screenshare), got ["webcm"].',
      ],
      [{ checks: 'webcam' }, 'RequirementsRunner options.checks must be a list of check names'],
      [{ setings: {} }, 'RequirementsRunner options.setings is not a RequirementsRunner option'],
      [{ checks: ['webcam'], assetBase: '' }, 'RequirementsRunner options.assetBase must be a URL'],
    ] as const) {
      const error = thrown(() => new RequirementsRunner(options as never));
      expect(error.code, JSON.stringify(options)).to.equal(ErrorCode.INVALID_OPTION);
      expect(error.message).to.contain(message);
    }
    // an options object set to null is none (a framework's state before it is set); a check named twice runs once
    expect(
      new RequirementsRunner({ checks: ['bandwidth', 'bandwidth'], settings: null as never }).checks,
    ).to.deep.equal(['bandwidth']);
    // a code of the wrong type: its speech and the comparison would differ
    const numeric = thrown(() => new SpeakerCheck({ generateCode: () => 1234 as unknown as string }));
    expect(numeric.code).to.equal(ErrorCode.INVALID_OPTION);
    expect(numeric.message).to.equal(
      'SpeakerCheck options.generateCode must return exactly 4 digits as a string ("0427"), got 1234.',
    );
  });
});
