import { expect } from '@open-wc/testing';
import { ErrorCode, Outbox, runMicrophoneCheck } from '../../src/index.js';
import { canvasCamera } from '../helpers/canvas-camera.js';
import { monitor, sleep, until } from '../helpers/monitor.js';
import { itExcept } from '../helpers/engine.js';

/**
 * This test page has had no click or key press, and this group's Chromium runs with the default
 * autoplay policy: audio cannot start (AudioContext.resume() stays pending), as on a real exam page
 * whose start() is not called from a click. The microphone itself is a live audio track (from a
 * MediaStreamAudioDestinationNode: this group has no fake devices).
 */
function microphoneDevices(): MediaDevices {
  const stream = new AudioContext().createMediaStreamDestination().stream;
  return { getUserMedia: () => Promise.resolve(stream.clone()) } as unknown as MediaDevices;
}

describe('time limits on the browser', function () {
  this.timeout(30000);

  itExcept(
    {
      firefox:
        'Firefox here has an audio device (the PulseAudio sink) and the runner allows autoplay: audio starts, the limit is never reached',
    },
    'the browser really does not start audio here (the condition under test)',
    async () => {
      const ctx = new AudioContext();
      expect(ctx.state).to.equal('suspended');
      const resumed = await Promise.race([ctx.resume().then(() => true), sleep(1000).then(() => false)]);
      expect(resumed).to.equal(false);
      void ctx.close();
    },
  );

  itExcept(
    {
      firefox:
        'Firefox here has an audio device (the PulseAudio sink) and the runner allows autoplay: audio starts, the limit is never reached',
    },
    'the microphone check fails with 4120 AUDIO_NOT_STARTED instead of waiting for ever',
    async () => {
      const { result } = await runMicrophoneCheck({ mediaDevices: microphoneDevices(), startTimeoutMs: 1500 });
      expect(result).to.include({ status: 'failed', code: ErrorCode.AUDIO_NOT_STARTED, reason: 'error' });
      expect(result.message).to.match(/did not start audio within 2 s\. Start from a click or key press/);
    },
  );

  it('a microphone that never opens fails the check with 4121 MEDIA_TIMEOUT', async () => {
    const never = { getUserMedia: () => new Promise<MediaStream>(() => undefined) } as unknown as MediaDevices;
    const { result } = await runMicrophoneCheck({ mediaDevices: never, startTimeoutMs: 1000 });
    expect(result).to.include({ status: 'failed', code: ErrorCode.MEDIA_TIMEOUT });
    expect(result.message).to.contain('Your microphone did not start within 1 s');
  });

  itExcept(
    {
      firefox:
        'Firefox here has an audio device (the PulseAudio sink) and the runner allows autoplay: audio starts, the limit is never reached',
    },
    'start() with audio rejects with 4120 (and ap-error), the monitor stays ready, and nothing throws later',
    async () => {
      const uncaught: string[] = [];
      const onError = (e: ErrorEvent) => uncaught.push(e.message);
      const onRejection = (e: PromiseRejectionEvent) => uncaught.push(String(e.reason));
      addEventListener('error', onError);
      addEventListener('unhandledrejection', onRejection);
      const h = await monitor({
        track: 'audio',
        mediaDevices: microphoneDevices(),
        tuning: { audioStartMs: 1500 },
        start: false,
      });
      const error = await h.el.start().then(
        () => undefined,
        (e: unknown) => e as { code: number },
      );
      expect(error?.code).to.equal(ErrorCode.AUDIO_NOT_STARTED);
      expect(h.errors.map((e) => e.code)).to.deep.equal([ErrorCode.AUDIO_NOT_STARTED]);
      expect(h.el.state).to.equal('ready');
      await h.el.destroy();
      await sleep(2500);
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
      expect(uncaught).to.deep.equal([]);
    },
  );

  itExcept(
    {
      firefox:
        'Firefox here has an audio device (the PulseAudio sink) and the runner allows autoplay: audio starts, the limit is never reached',
      webkit:
        'face detection cannot run in WebKitGTK here: no usable WebGL on the page or in its workers under Xvfb (4001; README, Browser support)',
    },
    'a start() that fails (4120) leaves no evidence: what the trackers saw while it ran (no face) is dropped, and the camera is released',
    async () => {
      // issue 13 F17: the face tracker starts before audio, saw an empty chair, and its 5001 (with
      // a photo) reached the page and the server for an attempt that never started
      const camera = canvasCamera((g) => {
        g.fillStyle = '#7d8a96'; // an empty room: a wall
        g.fillRect(0, 0, 640, 480);
      });
      try {
        const h = await monitor({
          track: 'numHumans,audio',
          streams: { camera: camera.stream, microphone: await microphoneDevices().getUserMedia() },
          tuning: { audioStartMs: 8000, noFaceMs: 300 },
          start: false,
        });
        const started = h.el.start().then(
          () => undefined,
          (e: { code: number }) => e,
        );
        // the face tracker runs while audio waits: the candidate sees "not visible" (the condition under test)
        await until(
          () => h.indicator().includes('Your face is not visible.'),
          8000,
          'the no-face shown while start() runs',
        );
        const error = await started;
        expect(error?.code).to.equal(ErrorCode.AUDIO_NOT_STARTED);
        expect(h.el.state).to.equal('ready');
        await sleep(500);
        expect(h.evidence).to.deep.equal([]);
        const outbox = await Outbox.open(h.outboxName);
        expect(await outbox.all(h.attemptId)).to.deep.equal([]);
        expect(h.indicator()).not.to.contain('not visible');
        await h.el.destroy();
      } finally {
        camera.stop();
      }
    },
  );
});
