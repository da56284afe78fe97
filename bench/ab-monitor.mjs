/* global window -- page.evaluate runs in the bench page */
// A/B of monitoring's cost on the page: `node bench/ab-monitor.mjs <repo> <repo>…` serves each
// built checkout (its dist/ and bench/page.html) in turn, starts the bench page's monitor with the
// default trackers (one-face fake camera, Chromium), and prints, per window, the page's main-thread
// busy time (ms/s, DevTools `TaskDuration`) and the renderer's CPU (% of a core, `ProcessTime`,
// page + worker). Alternating the builds for ROUNDS rounds (default 2) keeps a loaded machine's
// drift out of the comparison. Env: ROUNDS, WINDOWS (default 3), SECONDS_PER (default 20).
import { resolve } from 'node:path';
import { serveStatic } from '../scripts/lib/static-server.mjs';
import { openBenchPage } from './bench-page.mjs';
const seconds = Number(process.env.SECONDS_PER ?? 20);
const windows = Number(process.env.WINDOWS ?? 3);
for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++)
  for (const root of process.argv.slice(2)) {
    const { server, base } = await serveStatic({ root: resolve(root) });
    const { browser, page, cdp } = await openBenchPage(base);
    await cdp.send('Performance.enable');
    const metric = async (name) =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name).value;
    await page.evaluate(() => window.benchMonitor.start());
    await page.waitForTimeout(3000);
    const out = [];
    for (let w = 0; w < windows; w++) {
      const [t0, c0] = [await metric('TaskDuration'), await metric('ProcessTime')];
      await page.waitForTimeout(seconds * 1000);
      const [t1, c1] = [await metric('TaskDuration'), await metric('ProcessTime')];
      out.push(
        `${(((t1 - t0) * 1000) / seconds).toFixed(2)} ms/s main, ${(((c1 - c0) / seconds) * 100).toFixed(1)} % cpu`,
      );
    }
    const r = await page.evaluate(() => window.benchMonitor.stop());
    console.log(root, 'round', round, '|', out.join(' | '), '| score', r.trustScore, 'long', r.longTasks.length);
    await browser.close();
    server.close();
  }
