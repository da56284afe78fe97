// Test-runner plugin: `screenshot` {name, selector} saves a PNG of one element of the test page to
// test-output/screenshots/<engine>/<name>.png, in every engine: puppeteer's element screenshot
// (Chromium, Firefox) or WebDriver's Take Element Screenshot (WebKit). Answers the file's path.
import { mkdirSync } from 'node:fs';
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
        const element = await session.browser.driver.$(selector);
        await element.saveScreenshot(path);
      }
      return path;
    },
  };
}
