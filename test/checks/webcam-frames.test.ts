import { expect } from '@open-wc/testing';
import { runWebcamCheck } from '../../src/index.js';
import { canvasCamera } from '../helpers/canvas-camera.js';
import { loadFixtureImage } from '../helpers/media.js';

/**
 * The webcam check tells a frozen camera from a slow one. It reads the camera on a timer (every
 * 250 ms by default); a camera slower than that (a webcam at 2–7.5 fps in a dim room) or a machine
 * too busy to present frames gives it the same frame twice, which is no frozen picture (Firefox CI
 * of stop 28: 'failed' on a working camera under load). No face engine here (requireFace false), so
 * this runs in every engine.
 */
describe('webcam check: slow and frozen cameras', function () {
  this.timeout(30_000);
  let portrait: HTMLImageElement;
  before(async () => {
    portrait = await loadFixtureImage('one-face');
  });

  it('passes a camera at 2 fps (slower than its sampling): a repeated frame is not a frozen one', async () => {
    const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0), { fps: 2 });
    try {
      const { result } = await runWebcamCheck({ stream: camera.stream, requireFace: false });
      expect(result.status, `${result.reason}: ${result.message} ${JSON.stringify(result.metrics)}`).to.equal(
        'succeeded',
      );
      // the condition under test: the check did read frames it had already seen
      expect(result.metrics.newFrames).to.be.below(result.metrics.samples as number);
    } finally {
      camera.stop();
    }
  });

  it('fails a camera that sends a picture every 2 s as frozen: over a third of the check without a new one', async () => {
    // a stalling driver, a camera starved of USB bandwidth: each picture new (noise), but the
    // candidate sees a still picture for seconds
    const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0), { fps: 0.5 });
    try {
      const { result } = await runWebcamCheck({ stream: camera.stream, requireFace: false });
      expect(result, `${result.message} ${JSON.stringify(result.metrics)}`).to.include({
        status: 'failed',
        reason: 'frozen',
      });
      expect(result.metrics.stalledMs).to.be.above(1000);
    } finally {
      camera.stop();
    }
  });

  it('passes a live camera whose frames the browser does not count (WebKit: no frame callback for a video not shown)', async () => {
    const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0));
    const video = document.createElement('video');
    // the count is unknown (Firefox and WebKit report 0 for a stream) and the frame callback never runs
    video.getVideoPlaybackQuality = () => ({ totalVideoFrames: 0 }) as VideoPlaybackQuality;
    video.requestVideoFrameCallback = () => 1;
    try {
      const { result } = await runWebcamCheck({ stream: camera.stream, video, requireFace: false });
      expect(result.status, `${result.reason}: ${result.message} ${JSON.stringify(result.metrics)}`).to.equal(
        'succeeded',
      );
    } finally {
      camera.stop();
    }
  });

  it('an aborted check leaves no frame callback running on its video (a candidate who picks another camera mid-check)', async () => {
    const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0));
    const video = document.createElement('video');
    document.body.append(video);
    // the frame callback's path (Chromium counts frames otherwise), with the callbacks still to run
    video.getVideoPlaybackQuality = () => ({ totalVideoFrames: 0 }) as VideoPlaybackQuality;
    const pending = new Set<number>();
    const request = video.requestVideoFrameCallback.bind(video);
    const cancel = video.cancelVideoFrameCallback.bind(video);
    video.requestVideoFrameCallback = (callback) => {
      const id = request((now, meta) => {
        pending.delete(id);
        callback(now, meta);
      });
      pending.add(id);
      return id;
    };
    video.cancelVideoFrameCallback = (id) => {
      pending.delete(id);
      cancel(id);
    };
    const aborting = new AbortController();
    try {
      const ended = await runWebcamCheck({
        stream: camera.stream,
        video,
        requireFace: false,
        signal: aborting.signal,
        onProgress: () => aborting.abort(),
      }).then(
        () => 'finished',
        (error: Error) => error.name,
      );
      expect(ended).to.equal('AbortError');
      await new Promise((r) => setTimeout(r, 500)); // frames go on arriving
      expect(pending.size, 'frame callbacks still waiting').to.equal(0);
    } finally {
      camera.stop();
      video.remove();
    }
  });

  describe('a candidate who switches to another tab during the check', () => {
    const hide = (hidden: boolean) =>
      hidden
        ? Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
        : delete (document as { hidden?: boolean }).hidden;
    /** The check, with the page hidden for 3 s (the check's length) from its first sample. */
    const checkAway = async (stream: MediaStream) => {
      let away: Promise<void> | undefined;
      try {
        const { result } = await runWebcamCheck({
          stream,
          requireFace: false,
          onProgress: () => {
            away ??= (async () => {
              hide(true);
              await new Promise((r) => setTimeout(r, 3000));
              hide(false);
            })();
          },
        });
        await away;
        return result;
      } finally {
        hide(false);
      }
    };

    it('passes a live camera (helper-56: 1 run in 3 failed "frozen" on what it saw while hidden)', async () => {
      const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0));
      try {
        const result = await checkAway(camera.stream);
        expect(result.status, `${result.reason}: ${result.message} ${JSON.stringify(result.metrics)}`).to.equal(
          'succeeded',
        );
      } finally {
        camera.stop();
      }
    });

    it('still fails a camera that sends a picture every 2 s: the time away does not cut its gaps in two (helper-58: passed 4 runs in 8)', async () => {
      const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0), { fps: 0.5 });
      try {
        const result = await checkAway(camera.stream);
        expect(result, `${result.message} ${JSON.stringify(result.metrics)}`).to.include({
          status: 'failed',
          reason: 'frozen',
        });
      } finally {
        camera.stop();
      }
    });

    it('counts a stall that the time away interrupts as one: 0.9 s before and 0.9 s after is 1.8 s without a new picture', async () => {
      const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0));
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      let away: Promise<void> | undefined;
      try {
        const { result } = await runWebcamCheck({
          stream: camera.stream,
          requireFace: false,
          onProgress: () => {
            away ??= (async () => {
              camera.freeze();
              await sleep(900);
              hide(true);
              await sleep(3000);
              hide(false);
              await sleep(900);
              camera.resume();
            })();
          },
        });
        await away;
        expect(result, `${result.message} ${JSON.stringify(result.metrics)}`).to.include({
          status: 'failed',
          reason: 'frozen',
        });
        expect(result.metrics.stalledMs).to.be.above(1000);
      } finally {
        hide(false);
        camera.stop();
      }
    });

    it('still fails a frozen camera: the check goes on once the page is shown (helper-56: 2 runs in 5 passed)', async () => {
      const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0), { noise: 0 });
      try {
        const result = await checkAway(camera.stream);
        expect(result, `${result.message} ${JSON.stringify(result.metrics)}`).to.include({
          status: 'failed',
          reason: 'frozen',
        });
      } finally {
        camera.stop();
      }
    });
  });

  it('a stream that is no camera, or whose camera has stopped, is a typed error, not "resolution" or "black"', async () => {
    // no video track: the integrator's mistake (4107)
    const none = await runWebcamCheck({ stream: new MediaStream(), requireFace: false });
    expect(none.result).to.include({ status: 'failed', reason: 'error', code: 4107 });
    // a track already ended (a stream stopped elsewhere): 4109, not "your camera gives 2×2"
    const ended = canvasCamera((g) => g.drawImage(portrait, 0, 0));
    ended.stop();
    const before = await runWebcamCheck({ stream: ended.stream, requireFace: false });
    expect(before.result).to.include({ status: 'failed', reason: 'error', code: 4109 });
    expect(before.result.message).to.contain('Your camera stopped');
    // unplugged during the check: 4109, not "remove any cover, turn on the light"
    const unplugged = canvasCamera((g) => g.drawImage(portrait, 0, 0));
    const during = await runWebcamCheck({
      stream: unplugged.stream,
      requireFace: false,
      onProgress: () => unplugged.stream.getVideoTracks()[0].stop(),
    });
    unplugged.stop();
    expect(during.result, during.result.message).to.include({ status: 'failed', reason: 'error', code: 4109 });
  });

  it('fails a camera that stops sending pictures (the track still live) as frozen', async () => {
    const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0));
    await new Promise((r) => setTimeout(r, 500)); // a few pictures reach the stream
    camera.freeze(); // then no more: a photo held up, a stuck driver
    try {
      const { result } = await runWebcamCheck({ stream: camera.stream, requireFace: false });
      expect(camera.stream.getVideoTracks()[0].readyState).to.equal('live');
      expect(result, result.message).to.include({ status: 'failed', reason: 'frozen' });
      expect(result.message).to.contain('frozen');
      expect(result.metrics.newFrames).to.equal(0);
    } finally {
      camera.stop();
    }
  });

  it('fails a camera that never sends a picture (frozen), instead of waiting for one for ever', async () => {
    // a track that is live and sends nothing: a stuck driver, a virtual camera with no source
    const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 480 });
    const stream = canvas.captureStream(0);
    try {
      const { result } = await runWebcamCheck({ stream, requireFace: false });
      expect(result, result.message).to.include({ status: 'failed', reason: 'frozen' });
    } finally {
      stream.getTracks().forEach((t) => t.stop());
    }
  });

  it('fails a camera that keeps sending the same picture as frozen', async () => {
    // new frames, identical: a still image as a camera (Chromium's fake camera playing one picture)
    const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0), { noise: 0 });
    try {
      const { result } = await runWebcamCheck({ stream: camera.stream, requireFace: false });
      expect(result, result.message).to.include({ status: 'failed', reason: 'frozen' });
    } finally {
      camera.stop();
    }
  });
});
