// npm run bench: prints one figure a line, `name: value unit`. Runs after `npm run build`.
/* global window -- page.evaluate callbacks run in the bench page */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { serveStatic } from '../scripts/lib/static-server.mjs';
import { openBenchPage } from './bench-page.mjs';
import { deliveryBench, percentile } from './delivery.mjs';
import { changeBench, ingestBench, ingestRamp } from './ingest.mjs';

const kb = (bytes) => (bytes / 1024).toFixed(1);
const ms = (x) => x.toFixed(2);
const figure = (name, value, unit) => console.log(`${name}: ${value} ${unit}`);

/** min+gz of what a page loads up front (code-split as an app bundler would: dynamic imports become lazy chunks). */
async function bundledSize(entry, external) {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    outdir: 'bench/.out',
    write: false,
    external,
    conditions: ['production'],
    logLevel: 'silent',
  });
  const initial = r.outputFiles.find((f) => f.path.endsWith('/define.js'));
  return gzipSync(initial.contents, { level: 9 }).length;
}

async function sizes() {
  // The package as a bundler would ship it: every tag defined, lit and MediaPipe left to the app.
  figure(
    'bundle.library (define.js, lit external, min+gz, up front)',
    kb(await bundledSize('dist/define.js', ['lit', 'lit/*', '@lit/*', '@mediapipe/*'])),
    'KB',
  );
  // ... and with lit bundled (what a page without lit pays), still without MediaPipe.
  figure(
    'bundle.library+lit (define.js, min+gz, up front)',
    kb(await bundledSize('dist/define.js', ['@mediapipe/*'])),
    'KB',
  );
  figure(
    'bundle.cdn (dist/cdn/proctor-elements.js, gz)',
    kb(gzipSync(readFileSync('dist/cdn/proctor-elements.js'), { level: 9 }).length),
    'KB',
  );
  figure(
    'bundle.face-worker (assets/face-worker.js, gz)',
    kb(gzipSync(readFileSync('dist/assets/face-worker.js'), { level: 9 }).length),
    'KB',
  );
  const lazy = [
    'mediapipe/vision_bundle.mjs',
    'mediapipe/vision_wasm_module_internal.js',
    'mediapipe/vision_wasm_module_internal.wasm',
    'models/face_detection.tflite',
  ];
  const lazyGz = lazy.reduce((sum, f) => sum + gzipSync(readFileSync(`dist/assets/${f}`), { level: 6 }).length, 0);
  figure('assets.detection-lazy (worker path: vision bundle + wasm + model, gz)', kb(lazyGz), 'KB');
}

/** A static server over the repository (bench pages, dist/) on loopback, with the speed-test endpoints. */
function serve() {
  return serveStatic({
    route(url, req, res) {
      if (url.pathname === '/api/bandwidth/download') {
        const bytes = Number(url.searchParams.get('bytes')) || 0;
        res.writeHead(200, { 'content-length': bytes, 'cache-control': 'no-store' }).end(Buffer.alloc(bytes));
        return true;
      }
      if (url.pathname === '/api/bandwidth/upload') {
        req.resume();
        req.on('end', () => res.writeHead(200).end('{}'));
        return true;
      }
      return false;
    },
  });
}

async function detection(base) {
  const { browser, page, cdp } = await openBenchPage(base);
  try {
    await cdp.send('Performance.enable');
    const taskSeconds = async () =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    figure('detector.create.cold (worker)', ms(await page.evaluate(() => window.bench.create('w', true))), 'ms');
    figure('detector.create.warm (worker)', ms(await page.evaluate(() => window.bench.create('w2', true))), 'ms');
    figure('detector.create (main thread)', ms(await page.evaluate(() => window.bench.create('m', false))), 'ms');
    await page.evaluate(() => window.bench.camera());
    const n = 100;
    const w = await page.evaluate((n) => window.bench.detect('w', n), n);
    figure('detect.worker.inference.median (640x480)', ms(w.inferenceMedian), 'ms');
    figure('detect.worker.inference.p95 (640x480)', ms(w.inferenceP95), 'ms');
    // ours as monitoring runs, between two runs of the naive reference (the host's speed drifts)
    const naive = await page.evaluate((n) => window.bench.naive(n), n / 2);
    const t = await page.evaluate((n) => window.bench.tracked('w', n), n);
    naive.push(...(await page.evaluate((n) => window.bench.naive(n), n / 2)));
    const naiveMedian = await page.evaluate((xs) => window.bench.median(xs), naive);
    figure(
      'detect.worker.monitoring.median (640x480, whole frame every 1 s + region passes, as monitoring runs)',
      ms(t.median),
      'ms',
    );
    figure(
      'detect.reference.naive.median (tasks-vision FaceDetector, short range, defaults, detect(640x480 still) on the page)',
      ms(naiveMedian),
      'ms',
    );
    // Issue 14's 6 ms target was set where the naive reference took 4.6 ms a frame: scaled to this
    // host's speed, as ours against the reference in the same run.
    figure('detect.worker.monitoring.vs-naive (target <= 6 / 4.6 = 1.30)', (t.median / naiveMedian).toFixed(2), 'x');
    figure('detect.worker.monitoring.target-on-this-host (6 ms x naive / 4.6 ms)', ms((6 * naiveMedian) / 4.6), 'ms');
    figure('detect.worker.monitoring.p95', ms(t.p95), 'ms');
    figure('detect.worker.monitoring.mean', ms(t.mean), 'ms');
    figure('detect.worker.monitoring.region-pass share', (t.regionShare * 100).toFixed(0), '%');
    figure('detect.worker.roundtrip.median (640x480)', ms(w.roundTripMedian), 'ms');
    figure('detect.worker.roundtrip.p95 (640x480)', ms(w.roundTripP95), 'ms');
    const m = await page.evaluate((n) => window.bench.detect('m', n), n);
    figure('detect.main.median (640x480)', ms(m.inferenceMedian), 'ms');
    figure('detect.main.p95 (640x480)', ms(m.inferenceP95), 'ms');
    await page.evaluate(() => window.bench.close('m'));
    // Main-thread time a worker frame costs at the monitoring rate (4 fps), less an idle baseline.
    const frames = 120;
    let t0 = await taskSeconds();
    await page.evaluate(() => window.bench.idle(30000));
    const idle = (await taskSeconds()) - t0;
    t0 = await taskSeconds();
    await page.evaluate((frames) => window.bench.paced('w', frames, 4), frames);
    const busy = (await taskSeconds()) - t0;
    figure(
      'detect.worker.main-thread-cost per frame (capture + transfer + reply, 4 fps)',
      ms(((busy - idle) * 1000) / frames),
      'ms',
    );
    figure('detect.worker.faces-per-frame (one-face fixture)', w.facesPerFrame.toFixed(2), 'faces');
    await page.evaluate(() => window.bench.close('w'));
    // The requirements checks with their defaults (fake devices; loopback speed test).
    for (const name of ['microphone', 'speakersPlayback', 'bandwidth', 'webcam', 'screenshare']) {
      const r = await page.evaluate((n) => window.benchChecks[n](), name);
      figure(`check.${name}.duration (${r.status})`, Math.round(r.ms), 'ms');
    }
    // 60 s of monitoring with the default trackers (faces at 4 fps, audio, tab switch, monitors,
    // preview): renderer main-thread busy time and the renderer process's CPU (which includes
    // the detection worker), from the DevTools protocol's performance metrics.
    const metric = async (name) =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name).value;
    await page.evaluate(() => window.benchMonitor.start());
    await page.waitForTimeout(2000); // past the worker's model load
    const [task0, cpu0] = [await metric('TaskDuration'), await metric('ProcessTime')];
    const seconds = Number(process.env.BENCH_MONITOR_SECONDS ?? 60);
    await page.waitForTimeout(seconds * 1000);
    const [task1, cpu1] = [await metric('TaskDuration'), await metric('ProcessTime')];
    const monitored = await page.evaluate(() => window.benchMonitor.stop());
    figure(`monitor.main-thread-busy (${seconds} s, default trackers)`, ((task1 - task0) * 1000).toFixed(0), 'ms');
    figure(`monitor.main-thread-busy per second`, (((task1 - task0) * 1000) / seconds).toFixed(2), 'ms/s');
    figure(`monitor.main-thread-busy share`, (((task1 - task0) / seconds) * 100).toFixed(2), '%');
    figure(`monitor.renderer-cpu (${seconds} s, main thread + worker)`, ((cpu1 - cpu0) * 1000).toFixed(0), 'ms');
    figure(`monitor.renderer-cpu share of one core`, (((cpu1 - cpu0) / seconds) * 100).toFixed(1), '%');
    figure(
      'monitor.long-tasks (> 50 ms, whole run incl. setup)',
      monitored.longTasks.length,
      `tasks${monitored.longTasks.length ? ` (${monitored.longTasks.join(', ')} ms)` : ''}`,
    );
    figure('monitor.trust-score (one-face fixture)', monitored.trustScore, '/100');
    // Where the main-thread time goes: the page idle, then monitoring with one tracker off at a
    // time; each tracker's cost is the default run's busy time minus the run without it.
    const part = Number(process.env.BENCH_BREAKDOWN_SECONDS ?? 20);
    const busyPerSecond = async (trackingOptions) => {
      if (trackingOptions) {
        await page.evaluate((o) => window.benchMonitor.start(o), trackingOptions);
        await page.waitForTimeout(2000);
      }
      const t = await metric('TaskDuration');
      await page.waitForTimeout(part * 1000);
      const busy = ((await metric('TaskDuration')) - t) * 1000;
      if (trackingOptions) await page.evaluate(() => window.benchMonitor.stop());
      return busy / part;
    };
    if (part > 0) {
      const idle = await busyPerSecond();
      const all = await busyPerSecond({});
      figure(`monitor.breakdown idle page (${part} s each)`, idle.toFixed(2), 'ms/s');
      figure('monitor.breakdown all default trackers', all.toFixed(2), 'ms/s');
      for (const [name, off] of [
        ['face detection (numHumans)', { numHumans: false }],
        ['audio', { audio: false }],
        ['camera preview', { showCamPreview: false }],
        ['tab switch', { tabSwitch: false }],
        ['multiple screens', { detectMultipleScreens: false }],
      ])
        figure(`monitor.breakdown cost of ${name}`, (all - (await busyPerSecond(off))).toFixed(2), 'ms/s');
    }
  } finally {
    await browser.close();
  }
}

// BENCH_ONLY=ingest: the server's ingest figures alone (no build, no browser); BENCH_ONLY=detection:
// the detector and monitoring figures alone (no sizes, ingest or delivery)
const only = process.env.BENCH_ONLY;
if (!only) await sizes();
for (const [label, databaseUrl, instances] of only === 'detection'
  ? []
  : [
      ['PGlite', undefined, 1],
      ...(process.env.DATABASE_URL
        ? [
            ['PostgreSQL', process.env.DATABASE_URL, 1],
            ['PostgreSQL, 2 instances', process.env.DATABASE_URL, 2],
          ]
        : []),
    ]) {
  const ingest = await ingestBench({ databaseUrl, instances });
  figure(
    `ingest.records-per-second (${label}, 8 clients × batches of 20, 10 s)`,
    Math.round(ingest.recordsPerSecond),
    'records/s',
  );
  figure(`ingest.latency.p50 (${label}, one batch request)`, ingest.p50.toFixed(1), 'ms');
  figure(`ingest.latency.p99 (${label}, one batch request)`, ingest.p99.toFixed(1), 'ms');
  // an end update and a photo PUT change stored evidence under the evidence writer lock
  const changes = await changeBench({ databaseUrl, instances });
  for (const [name, f] of [
    ['end-update', changes.ends],
    ['photo-put', changes.photos],
  ]) {
    figure(
      `ingest.${name}s-per-second (${label}, 8 clients: open, end, photo in a loop, 10 s)`,
      Math.round(f.perSecond),
      `${name}s/s`,
    );
    figure(`ingest.${name}.latency.p50 (${label})`, f.p50.toFixed(1), 'ms');
    figure(`ingest.${name}.latency.p99 (${label})`, f.p99.toFixed(1), 'ms');
  }
  const ramp = await ingestRamp({ databaseUrl, instances });
  figure(
    `ingest.p99-over-100ms-at (${label}, open-loop single-record requests, rate doubling from 25/s)`,
    ramp.over ? ramp.over.rate : `> ${ramp.under?.rate ?? 0}`,
    'requests/s',
  );
}
if (!process.env.DATABASE_URL) console.log('(set DATABASE_URL to also measure ingest on PostgreSQL)');
if (only === 'ingest') process.exit(0);
const { server, base } = await serve();
try {
  await detection(base);
  if (only === 'detection') process.exit(0);
  const delivery = await deliveryBench(base);
  for (const r of delivery.runs)
    figure(
      `delivery.${r.label} (720p noisy camera)`,
      `${r.result.recordsDelivered}/${r.result.records} records, ${r.result.photosDelivered}/${r.result.photos} photos, p50 ${Math.round(percentile(r.latencies, 50))} ms`,
      '',
    );
  const t = delivery.totals;
  figure(
    'delivery.records delivered / emitted (all scenarios)',
    (t.acked / t.emitted).toFixed(2),
    `(${t.acked}/${t.emitted})`,
  );
  figure(
    'delivery.photos delivered / taken (all scenarios)',
    (t.photosAcked / t.photos).toFixed(2),
    `(${t.photosAcked}/${t.photos})`,
  );
  figure('delivery.emit-to-ack p50 (all scenarios, outage included)', Math.round(percentile(t.latencies, 50)), 'ms');
  figure('delivery.emit-to-ack p99 (all scenarios, outage included)', Math.round(percentile(t.latencies, 99)), 'ms');
} finally {
  server.close();
}
