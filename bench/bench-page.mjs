/* global window -- page.waitForFunction runs in the bench page */
// The bench page (bench/page.html) in Chromium with the one-face fixture as its fake camera, and a
// DevTools session on it: what bench/run.mjs and bench/profile-monitor.mjs both start from.
import { chromium } from 'playwright-core';
import { BASE_FLAGS, fakeCameraFlags, findChromium } from '../scripts/chromium.mjs';
import { makeFixtures } from '../scripts/fixtures.mjs';

/** Opens `${base}/bench/page.html` once its `window.bench` is there; close `browser` when done. */
export async function openBenchPage(base) {
  const fixtures = await makeFixtures();
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: [...BASE_FLAGS, ...fakeCameraFlags(fixtures.video['one-face'])],
  });
  try {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await page.goto(`${base}/bench/page.html`);
    await page.waitForFunction(() => 'bench' in window);
    return { browser, page, cdp };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
