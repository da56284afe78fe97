/* global document, devicePixelRatio -- the driver.execute callback runs in the test page */
// Test-runner plugin: `screenshot` {name, selector} saves a PNG of one element of the test page to
// test-output/screenshots/<engine>/<name>.png, in every engine: puppeteer's element screenshot
// (Chromium, Firefox) or WebDriver's Take Screenshot cropped to the element (WebKit). Answers
// {path, blackShare}: the file, and the share of its pixels that are pure black.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { join } from 'node:path';

export const SCREENSHOT_DIR = 'test-output/screenshots';

export function screenshotPlugin(engine) {
  return {
    name: 'screenshots',
    async executeCommand({ command, payload, session }) {
      if (command !== 'screenshot') return undefined;
      if (!/^[\w-]+$/.test(payload?.name ?? '')) throw new Error('screenshot: name must be [A-Za-z0-9_-]+');
      const dir = join(SCREENSHOT_DIR, engine);
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${payload.name}.png`);
      const selector = payload.selector ?? 'body';
      if (session.browser.type === 'puppeteer') {
        const page = session.browser.getPage(session.id);
        const element = await page.$(selector);
        if (!element) throw new Error(`screenshot: no ${selector}`);
        await element.screenshot({ path });
      } else {
        // @web/test-runner-webdriver runs one file at a time in the driver's window (concurrency 1)
        // WebKitWebDriver's element screenshot (2.50 under Xvfb) comes back with its top part
        // black; its viewport screenshot is right: take that and cut the element out
        const driver = session.browser.driver;
        const rect = await driver.execute((sel) => {
          const el = document.querySelector(sel);
          if (!el) return undefined;
          el.scrollIntoView();
          const r = el.getBoundingClientRect();
          const k = devicePixelRatio;
          return [r.width * k, r.height * k, r.x * k, r.y * k].map(Math.round);
        }, selector);
        if (!rect) throw new Error(`screenshot: no ${selector}`);
        const viewport = PNG.sync.read(Buffer.from(await driver.takeScreenshot(), 'base64'));
        const [x, y] = [Math.max(0, rect[2]), Math.max(0, rect[3])];
        const [w, h] = [Math.min(rect[0], viewport.width - x), Math.min(rect[1], viewport.height - y)];
        const out = new PNG({ width: w, height: h });
        PNG.bitblt(viewport, out, x, y, w, h, 0, 0);
        writeFileSync(path, PNG.sync.write(out));
      }
      // what share of the picture is pure black (every element here is drawn on white: a large
      // share is a broken capture, as WebKit's element screenshot was)
      const { data } = PNG.sync.read(readFileSync(path));
      let black = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] === 0) black++;
      return { path, blackShare: black / (data.length / 4) };
    },
  };
}
