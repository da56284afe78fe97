import { expect } from '@open-wc/testing';
import { canvasCamera } from '../helpers/canvas-camera.js';
import { loadFixtureImage } from '../helpers/media.js';
import { monitor, until } from '../helpers/monitor.js';
import { describeExcept } from '../helpers/engine.js';

describeExcept(
  {
    webkit:
      'face detection cannot run in WebKitGTK here: no usable WebGL on the page or in its workers under Xvfb (4001; README, Browser support)',
  },
  '<ap-monitor> with a camera that freezes mid-exam',
  function () {
    this.timeout(90_000);

    it('records "camera frozen" (5105) with a photo while the track stays live, and no face violation', async () => {
      const portrait = await loadFixtureImage('one-face');
      const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0));
      try {
        const h = await monitor({ track: 'numHumans', streams: { camera: camera.stream }, tuning: { frozenMs: 2000 } });
        await until(() => h.indicator() === 'Proctoring is on. All clear.', 30_000, 'the monitor to run');
        camera.freeze(); // the picture stops; the track stays live
        await until(() => h.evidence.some((e) => e.code === 5105), 60_000, 'camera frozen evidence');
        expect(camera.stream.getVideoTracks()[0].readyState).to.equal('live');
        await h.el.stop();
        const frozen = h.evidence.filter((e) => e.code === 5105);
        expect(frozen).to.have.length(1);
        expect(frozen[0]).to.include({ type: 'camera_frozen' });
        expect(frozen[0].photo).to.match(/^data:image\/jpeg;base64,/);
        expect(frozen[0].endedAt).to.be.a('number');
        // the frozen picture still shows the candidate: not "no face", not "more than one person"
        expect(h.evidence.filter((e) => e.code === 5001 || e.code === 5002)).to.deep.equal([]);
        await h.el.destroy();
      } finally {
        camera.stop();
      }
    });

    it('records "camera frozen" (5105) for a camera that never sends a picture (the track live)', async () => {
      // a stuck driver, a virtual camera with no source: the faces tracker waited for a first frame
      // for ever, and the exam ran unwatched with nothing recorded
      const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 480 });
      const stream = canvas.captureStream(0); // no requestFrame(): never a frame
      try {
        const h = await monitor({
          track: 'numHumans',
          streams: { camera: stream },
          tuning: { frozenMs: 1000, mediaTimeoutMs: 3000 },
        });
        await until(() => h.evidence.some((e) => e.code === 5105), 60_000, 'camera frozen evidence');
        const [frozen] = h.evidence.filter((e) => e.code === 5105);
        expect(frozen.data).to.include({ noFrames: true });
        expect(stream.getVideoTracks()[0].readyState).to.equal('live');
        await h.el.stop();
        await h.el.destroy();
      } finally {
        stream.getTracks().forEach((t) => t.stop());
      }
    });

    it('a hidden page shown no frames is no frozen camera; once shown again, a camera still frozen is', async () => {
      // Firefox counts a stream's frames with requestVideoFrameCallback, which does not run in a
      // hidden page: a candidate away from the tab (already a 5005) is no sign of a frozen camera
      const portrait = await loadFixtureImage('one-face');
      const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0));
      const hide = (hidden: boolean) =>
        hidden
          ? Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
          : delete (document as { hidden?: boolean }).hidden;
      try {
        const h = await monitor({ track: 'numHumans', streams: { camera: camera.stream }, tuning: { frozenMs: 1000 } });
        await until(() => h.indicator() === 'Proctoring is on. All clear.', 30_000, 'the monitor to run');
        hide(true);
        camera.freeze(); // no frame while hidden (as Firefox counts them there)
        // a visible page would have 5105 after 3 × frozenMs of no frames (the test above)
        await new Promise((r) => setTimeout(r, 8000));
        expect(
          h.evidence.filter((e) => e.code === 5105),
          'no camera_frozen while hidden',
        ).to.deep.equal([]);
        const shownAt = Date.now();
        hide(false);
        await until(() => h.evidence.some((e) => e.code === 5105), 60_000, 'camera frozen evidence once shown');
        const [frozen] = h.evidence.filter((e) => e.code === 5105);
        expect(frozen.startedAt, 'counted from when the page was shown').to.be.at.least(shownAt - 1000);
        await h.el.stop();
        await h.el.destroy();
      } finally {
        hide(false);
        camera.stop();
      }
    });
  },
);
