import { expect } from '@open-wc/testing';
import { runWebcamCheck } from '../../src/index.js';
import { canvasCamera } from '../helpers/canvas-camera.js';
import { DIST_ASSETS, loadFixtureImage } from '../helpers/media.js';
import { describeExcept } from '../helpers/engine.js';

/** The webcam check on a canvas camera: what a candidate is told, and the measurement behind it. */
describeExcept(
  {
    webkit:
      'face detection cannot run in WebKitGTK here: no WebGL on the page or in its workers under Xvfb (4001; README, Browser support)',
  },
  'webcam check guidance',
  function () {
    this.timeout(60_000);
    let portrait: HTMLImageElement;
    before(async () => {
      portrait = await loadFixtureImage('one-face');
    });

    it('waits for a camera whose first frames are dark while its exposure settles, then passes', async () => {
      const camera = canvasCamera((g, ms) => {
        if (ms < 2000) {
          g.fillStyle = '#050505';
          g.fillRect(0, 0, 640, 480);
        } else g.drawImage(portrait, 0, 0);
      });
      try {
        const { result } = await runWebcamCheck({ stream: camera.stream, assetBase: DIST_ASSETS });
        expect(result.status, result.message).to.equal('succeeded');
      } finally {
        camera.stop();
      }
    });

    it('says the picture is too dark, with its brightness', async () => {
      const camera = canvasCamera(
        (g) => {
          g.fillStyle = '#262626';
          g.fillRect(0, 0, 640, 480);
        },
        { noise: 12 },
      );
      try {
        const { result } = await runWebcamCheck({ stream: camera.stream, assetBase: DIST_ASSETS, settleMs: 500 });
        expect(result).to.include({ status: 'failed', reason: 'too_dark' });
        expect(result.metrics.luma).to.be.below(60);
        expect(result.message)
          .to.contain('too dark')
          .and.contain(String(Math.round(result.metrics.luma as number)));
      } finally {
        camera.stop();
      }
    });

    it('says there is strong light behind the candidate', async () => {
      const camera = canvasCamera((g) => {
        g.fillStyle = '#f4f4f4';
        g.fillRect(0, 0, 640, 480);
        g.fillStyle = '#1c1c1c';
        g.beginPath();
        g.ellipse(320, 300, 150, 220, 0, 0, 2 * Math.PI);
        g.fill();
      });
      try {
        const { result } = await runWebcamCheck({ stream: camera.stream, assetBase: DIST_ASSETS });
        expect(result).to.include({ status: 'failed', reason: 'backlit' });
        expect(result.metrics.borderLuma).to.be.above(result.metrics.centerLuma as number);
      } finally {
        camera.stop();
      }
    });

    it('takes its face threshold from the options (settings.webcam.minConfidence)', async () => {
      const camera = canvasCamera((g) => g.drawImage(portrait, 0, 0));
      try {
        const strict = await runWebcamCheck({ stream: camera.stream, assetBase: DIST_ASSETS, minConfidence: 0.999 });
        expect(strict.result).to.include({ status: 'failed', reason: 'no_face' });
        const usual = await runWebcamCheck({ stream: camera.stream, assetBase: DIST_ASSETS });
        expect(usual.result.status, usual.result.message).to.equal('succeeded');
      } finally {
        camera.stop();
      }
    });
  },
);
