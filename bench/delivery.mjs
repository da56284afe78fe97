// Evidence delivery end to end: the exam page (test/fixtures/pages/delivery-exam.html, the CDN
// build) in Chromium with the noisy 1280×720 fake camera, the reference server as its own process
// behind a proxy that can cut the network. Scenarios: steady (server up), and a 10 s outage with a
// reload in the middle. Figures: records acknowledged / emitted, photos acknowledged / taken, and
// the time from a record being emitted to the server's acknowledgement (p50 / p99).
/* global window -- page.evaluate callbacks run in the exam page */
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BASE_FLAGS, fakeCameraFlags, findChromium } from '../scripts/chromium.mjs';
import { makeFixtures } from '../scripts/fixtures.mjs';
import { outageProxy } from '../scripts/lib/outage-proxy.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ap-delivery-'));
  const port = 19000 + Math.floor(Math.random() * 1000);
  const server = spawn(
    process.execPath,
    ['--conditions=proctor-elements-source', '--import', 'tsx', 'server/src/main.ts'],
    {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port), NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  server.stdout.on('data', (d) => (out += d));
  for (let i = 0; i < 120 && !out.includes('client demo-client'); i++) await sleep(250);
  const secret = /client demo-client \(secret (\S+)\)/.exec(out)?.[1];
  if (!secret) throw new Error(`the server did not start: ${out}`);
  return {
    port,
    secret,
    stop: () => {
      server.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function deliveryBench(base) {
  const fixtures = await makeFixtures();
  const server = await startServer();
  const proxy = await outageProxy(server.port);
  const endpoint = `http://127.0.0.1:${proxy.port}/`;
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: [...BASE_FLAGS, ...fakeCameraFlags(fixtures.video['camera-720p'])],
  });
  const totals = { emitted: 0, acked: 0, photos: 0, photosAcked: 0, latencies: [] };
  const run = async (label, { outageMs = 0, reload = false }) => {
    const id = `bench-${randomUUID()}`;
    const hash = createHmac('sha256', server.secret).update(id).digest('base64');
    const q = new URLSearchParams({
      id,
      client: 'demo-client',
      hash,
      endpoint,
      outbox: `outbox-${id}`,
      photos: '8',
      duration: '12000',
      stop: '16000',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const other = await context.newPage();
    const url = `${base}/test/fixtures/pages/delivery-exam.html?${q}`;
    await page.goto(url);
    await page.bringToFront();
    await page.waitForFunction(() => window.started === true, undefined, { timeout: 30000 });
    const seen = { emittedAt: {}, ackedAt: {}, photos: new Set() };
    const collect = async () => {
      const s = await page.evaluate(() => ({
        emittedAt: window.emittedAt,
        ackedAt: window.ackedAt,
        photos: window.emitted.filter((r) => r.photo).map((r) => r.id),
      }));
      // the earliest time wins: after a reload the page sees records acknowledged before it
      for (const [k, v] of Object.entries(s.emittedAt)) seen.emittedAt[k] ??= v;
      for (const [k, v] of Object.entries(s.ackedAt)) seen.ackedAt[k] ??= v;
      s.photos.forEach((p) => seen.photos.add(p));
    };
    const leave = async () => {
      await other.bringToFront();
      await sleep(700);
      await page.bringToFront();
    };
    await sleep(2000);
    await leave();
    if (outageMs) proxy.setDown(true);
    await sleep(Math.min(outageMs, 4000) || 2000);
    await leave();
    if (reload) {
      await collect();
      await page.reload();
      await page.waitForFunction(() => window.started === true, undefined, { timeout: 30000 });
    }
    await sleep(Math.max(0, outageMs - 4000));
    proxy.setDown(false);
    // the page stops itself (stop=16 s after its start) and waits for delivery
    await page.waitForFunction(() => window.result !== undefined, undefined, { timeout: 120000 });
    await collect();
    const result = await page.evaluate(() => window.result);
    const ids = Object.keys(seen.emittedAt);
    const latencies = ids.filter((i) => seen.ackedAt[i]).map((i) => seen.ackedAt[i] - seen.emittedAt[i]);
    // the final page's outbox holds the whole attempt (what the first page wrote too)
    totals.emitted += Math.max(ids.length, result.records);
    totals.acked += result.recordsDelivered;
    totals.photos += Math.max(seen.photos.size, result.photos);
    totals.photosAcked += result.photosDelivered;
    totals.latencies.push(...latencies);
    await context.close();
    return { label, ids: ids.length, result, latencies };
  };
  try {
    const runs = [await run('steady', {}), await run('10 s outage + reload', { outageMs: 10000, reload: true })];
    return { runs, totals };
  } finally {
    await browser.close();
    await proxy.close();
    server.stop();
  }
}

export { percentile };
