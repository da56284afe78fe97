import { expect } from '@open-wc/testing';
import { createFaceDetector } from '../../src/index.js';
import { DIST_ASSETS, loadFixtureImage } from '../helpers/media.js';
import { describeExcept } from '../helpers/engine.js';

// Its own file (its own page): the console is watched from before the first detector exists.
describeExcept(
  {
    webkit:
      'face detection cannot run in WebKitGTK here: no usable WebGL on the page or in its workers under Xvfb (4001; README, Browser support)',
  },
  "MediaPipe's console notes stay out of the integrator's console",
  function () {
    this.timeout(30000);
    it('creating and running a detector prints none of them; other messages pass', async () => {
      const seen: string[] = [];
      const levels = ['log', 'info', 'warn', 'error', 'debug'] as const;
      const originals = levels.map((l) => console[l].bind(console));
      levels.forEach((l) => (console[l] = (...args: unknown[]) => void seen.push(args.map(String).join(' '))));
      try {
        const detector = await createFaceDetector({ assetBase: DIST_ASSETS, worker: false });
        const image = await loadFixtureImage('one-face');
        await detector.detect(image);
        detector.close();
        // the lines integrators saw on every detector creation, as MediaPipe's wasm prints them
        console.warn('I0000 00:00:1732900000.000000 1234 gl_context.cc:369] GL version: 3.0 (OpenGL ES 3.0)');
        console.log('W0000 00:00:1732900000.000000 1234 feedback_manager.cc:114] Feedback manager requires a model');
        console.info('OpenGL error checking is disabled');
        console.error('INFO: Created TensorFlow Lite XNNPACK delegate for CPU.');
        console.warn('the integrator’s own warning');
        expect(seen).to.deep.equal(['the integrator’s own warning']);
      } finally {
        levels.forEach((l, i) => (console[l] = originals[i]));
      }
    });
  },
);
