import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createFaceDetector } from '../../../src/index.js';
import { describeExcept } from '../../helpers/engine.js';
import { DIST_ASSETS, cameraVideo, loadFixtureImage } from '../../helpers/media.js';

// Every request of this page and of the workers it starts is recorded through the DevTools
// protocol (scripts/lib/network-log.mjs). The controls prove the recorder sees page and worker
// requests, and sees what unpatched tasks-vision sends.
interface Request {
  url: string;
  method: string;
  source: string;
  initiator: string;
}
const startLog = () => executeServerCommand('network-log-start');
const readLog = () => executeServerCommand<Request[], undefined>('network-log');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const foreign = (log: Request[]) =>
  log.filter((r) => !r.url.startsWith(location.origin) && !/^(blob|data):/.test(r.url));
const waitFor = async (test: (log: Request[]) => boolean, ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (test(await readLog())) return true;
    await sleep(200);
  }
  return false;
};

describeExcept(
  {
    firefox:
      'the request log (scripts/lib/network-log.mjs) reads the page and its workers through the Chrome DevTools Protocol, which Firefox over WebDriver BiDi does not offer',
  },
  'privacy: nothing leaves the page but asset requests',
  function () {
    this.timeout(120000);

    it('records remote requests from the page and from a worker (control)', async () => {
      await startLog();
      await fetch('http://page-probe.invalid/ping').catch(() => undefined);
      const code = `fetch('http://worker-probe.invalid/ping').catch(() => {}).finally(() => postMessage('done'));`;
      const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
      await new Promise((r) => (worker.onmessage = r));
      worker.terminate();
      expect(await waitFor((log) => log.some((r) => r.url.includes('worker-probe.invalid')), 3000)).to.equal(true);
      const urls = foreign(await readLog()).map((r) => r.url);
      expect(urls).to.include('http://page-probe.invalid/ping');
    });

    it('sends nothing but asset requests during 65 s of detection in a worker and on the main thread, and on close()', async () => {
      await startLog();
      const { video, stream } = await cameraVideo();
      const inWorker = await createFaceDetector({ assetBase: DIST_ASSETS });
      const onMain = await createFaceDetector({ assetBase: DIST_ASSETS, worker: false });
      const faces = { worker: 0, main: 0 };
      const t0 = performance.now();
      while (performance.now() - t0 < 65_000) {
        // past tasks-vision's 60 s usage-log timer
        faces.worker += (await inWorker.detect(video)).faces.length;
        faces.main += (await onMain.detect(video)).faces.length;
        await sleep(250);
      }
      inWorker.close();
      onMain.close();
      stream.getTracks().forEach((t) => t.stop());
      await sleep(3000); // room for a close()-time upload to show up
      const log = await readLog();
      expect(faces.worker).to.be.greaterThan(150);
      expect(faces.main).to.be.greaterThan(150);
      // the recorder did see this test's own asset requests, from the page and from the worker
      expect(log.some((r) => r.source.startsWith('worker') && r.url.endsWith('.tflite'))).to.equal(true);
      expect(log.some((r) => r.source === 'page' && r.url.endsWith('.tflite'))).to.equal(true);
      expect(foreign(log)).to.deep.equal([]);
      for (const r of log) expect(r.url.startsWith(DIST_ASSETS) || /^(blob|data):/.test(r.url), r.url).to.equal(true);
    });
    // Last on purpose: the unpatched instance can upload again after close(); nothing may run after it.
    it('records the usage-log upload of unpatched tasks-vision on close() (control)', async () => {
      await startLog();
      const base = '/node_modules/@mediapipe/tasks-vision';
      type Vision = typeof import('@mediapipe/tasks-vision');
      const vision = (await import(/* @vite-ignore */ `${base}/vision_bundle.mjs`)) as Vision;
      const fileset = await vision.FilesetResolver.forVisionTasks(`${base}/wasm`);
      const response = await fetch(`${DIST_ASSETS}models/face_detection.tflite`);
      const detector = await vision.FaceDetector.createFromOptions(fileset, {
        baseOptions: { modelAssetBuffer: new Uint8Array(await response.arrayBuffer()), delegate: 'CPU' },
        runningMode: 'IMAGE',
      });
      detector.detect(await loadFixtureImage('one-face'));
      detector.close();
      expect(await waitFor((log) => log.some((r) => r.url.includes('odml.pa.googleapis.com')), 5000)).to.equal(true);
    });
  },
);
