/* global window -- page.evaluate callbacks run in the bench page */
// A CPU profile of the bench page's main thread during monitoring (DevTools protocol), summed by
// function: where the main-thread milliseconds of `monitor.main-thread-busy` go.
// PROFILE_SECONDS (20), PROFILE_OFF (a trackingOptions JSON to switch trackers off).
import { serveStatic } from '../scripts/lib/static-server.mjs';
import { openBenchPage } from './bench-page.mjs';

const seconds = Number(process.env.PROFILE_SECONDS ?? 20);
const { server, base } = await serveStatic({});
const { browser, page, cdp } = await openBenchPage(base);
try {
  await page.evaluate(
    (o) => window.benchMonitor.start(o),
    process.env.PROFILE_OFF ? JSON.parse(process.env.PROFILE_OFF) : undefined,
  );
  await page.waitForTimeout(3000);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(seconds * 1000);
  const { profile } = await cdp.send('Profiler.stop');
  await page.evaluate(() => window.benchMonitor.stop());
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i + 1] ?? 0)));
  const sum = new Map();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = `${functionName || '(anon)'} ${url.split('/').slice(-1)[0]}:${lineNumber}`;
    sum.set(key, (sum.get(key) ?? 0) + us);
  }
  const rows = [...sum].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, us]) => s + us, 0);
  console.log(`busy ${(total / 1000 / seconds).toFixed(2)} ms/s (profiled JS + native frames)`);
  for (const [k, us] of rows.slice(0, 40)) console.log(`${(us / 1000 / seconds).toFixed(3).padStart(7)} ms/s  ${k}`);
} finally {
  await browser.close();
  server.close();
}
