/* global window, document -- page.evaluate callbacks run in the bench page */
// A CPU profile of the detection worker (DevTools protocol) while it runs region passes on the
// one-face camera: where a region pass's milliseconds go, by kind (MediaPipe's wasm, its WebGL calls,
// our reading and cutting of the frame, other script) and by function.
// `node bench/profile-worker.mjs [repo]` (a built repo: its dist/ is served; default this one).
// PROFILE_PASSES (400), PROFILE_REGION (a JSON {x, y, width, height} in the 640×480 frame).
import { resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import { serveStatic } from '../scripts/lib/static-server.mjs';
import { BASE_FLAGS, fakeCameraFlags, findChromium } from '../scripts/chromium.mjs';
import { makeFixtures } from '../scripts/fixtures.mjs';

const passes = Number(process.env.PROFILE_PASSES ?? 400);
const region = JSON.parse(process.env.PROFILE_REGION ?? '{"x":170,"y":40,"width":300,"height":300}');
const fixtures = await makeFixtures();
const { server, base } = await serveStatic({ root: resolve(process.argv[2] ?? '.') });
const browser = await puppeteer.launch({
  executablePath: findChromium(),
  headless: true,
  args: [...BASE_FLAGS, ...fakeCameraFlags(fixtures.video['one-face'])],
});
try {
  const page = await browser.newPage();
  await page.goto(`${base}/bench/page.html`);
  await page.waitForFunction(() => 'bench' in window);
  // a worker detector and the camera; warm-up passes load the region model
  await page.evaluate(async (r) => {
    const { createFaceDetector } = await import('/dist/cdn/proctor-elements.js');
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = stream;
    await video.play();
    while (video.readyState < 2) await new Promise((done) => setTimeout(done, 20));
    const detector = await createFaceDetector({ worker: true });
    for (let i = 0; i < 40; i++) await detector.detect(video, { region: r });
    window.profiled = { video, detector };
  }, region);
  const worker = page.workers().find((w) => w.url().includes('face-worker'));
  if (!worker) throw new Error('no detection worker on the page');
  const cdp = worker.client;
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const median = await page.evaluate(
    async (r, n) => {
      const { video, detector } = window.profiled;
      const t = [];
      for (let i = 0; i < n; i++) t.push((await detector.detect(video, { region: r })).inferenceMs);
      return t.sort((a, b) => a - b)[Math.floor(n / 2)];
    },
    region,
    passes,
  );
  const { profile } = await cdp.send('Profiler.stop');
  console.log(`region pass (${region.width}×${region.height} → 128×128), median as reported: ${median.toFixed(2)} ms`);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const kindOf = (id) => {
    // the sample's own frame when it is a WebGL call, else the nearest frame up the stack with a script
    const self = byId.get(id).callFrame;
    if (
      /^(texImage2D|texSubImage2D|readPixels|fenceSync|clientWaitSync|finish|flush|getError|draw\w*)$/.test(
        self.functionName,
      )
    )
      return "MediaPipe's WebGL calls";
    for (let n = id; n != null; n = parent.get(n)) {
      const { url } = byId.get(n).callFrame;
      if (url.includes('.wasm')) return "MediaPipe's wasm (the model and its graph)";
      if (/vision_/.test(url)) return "MediaPipe's script (bundle and wasm glue)";
      if (url.includes('face-worker.js')) return 'our worker script (reading and cutting the frame, messages)';
    }
    return self.functionName === '(idle)' ? 'idle (waiting for the next frame)' : self.functionName || 'other';
  };
  const byKind = new Map();
  const byFunction = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const us = dt[i + 1] ?? 0;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').at(-1)}:${lineNumber}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const kind = kindOf(id);
    byKind.set(kind, (byKind.get(kind) ?? 0) + us);
  });
  const ms = (us) => (us / 1000 / passes).toFixed(3).padStart(7);
  console.log('ms a pass, by kind:');
  for (const [k, us] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`${ms(us)}  ${k}`);
  console.log('ms a pass, by function (self time, top 20):');
  for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${ms(us)}  ${k}`);
} finally {
  await browser.close();
  server.close();
}
