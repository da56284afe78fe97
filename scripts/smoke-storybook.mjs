// Opens every story and docs page of a built Storybook in Chromium (playwright-core, the system
// browser; no browser download) and fails on page errors, console errors, or an ap-* element that
// did not render. usage: node scripts/smoke-storybook.mjs storybook-static
import { chromium } from 'playwright-core';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { BASE_FLAGS, findChromium } from './chromium.mjs';

const dir = process.argv[2] ?? 'storybook-static';
const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};
const server = http.createServer(async (req, res) => {
  const p = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  try {
    const body = await readFile(join(dir, p.endsWith('/') ? p + 'index.html' : p));
    res.writeHead(200, { 'content-type': types[extname(p)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));

const browser = await chromium.launch({
  executablePath: findChromium(),
  args: [...BASE_FLAGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
});
let failed = 0;
let passed = 0;
const t0 = Date.now();
for (const e of Object.values(index.entries)) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico'))
      errors.push(`console.error: ${m.text()} ${m.location().url}`);
  });
  await page.goto(`${base}/iframe.html?id=${e.id}&viewMode=${e.type === 'docs' ? 'docs' : 'story'}`);
  const ready =
    e.type === 'docs'
      ? 'body.sb-show-main .sbdocs, body.sb-show-errordisplay'
      : 'body.sb-show-main, body.sb-show-errordisplay';
  await page
    .waitForSelector(ready, { timeout: 15000 })
    .catch((err) => errors.push(`timeout: ${err.message.split('\n')[0]}`));
  if (await page.$('body.sb-show-errordisplay'))
    errors.push('storybook error display: ' + (await page.textContent('#error-message').catch(() => '')));
  let info;
  if (e.type === 'docs') {
    await page.waitForSelector('.docblock-argstable', { timeout: 10000 }).catch(() => errors.push('no ArgTypes table'));
    const rows = await page.$$eval('.docblock-argstable tbody tr', (r) => r.length).catch(() => 0);
    if (rows < 2) errors.push(`ArgTypes table has ${rows} rows`);
    info = `${rows} arg rows`;
  } else {
    const seen = await page.evaluate(async () => {
      /* global document */
      const els = [...document.querySelectorAll('#storybook-root *')].filter((el) => el.localName.startsWith('ap-'));
      await Promise.all(els.map((el) => el.updateComplete));
      return els.map((el) => ({ tag: el.localName, ok: !!el.shadowRoot && el.shadowRoot.childElementCount > 0 }));
    });
    if (!seen.length) errors.push('no ap-* element in the story');
    for (const s of seen.filter((x) => !x.ok)) errors.push(`<${s.tag}> did not render`);
    info = `${seen.length} element(s) rendered`;
  }
  errors.length ? failed++ : passed++;
  console.log(
    `${errors.length ? 'FAIL' : 'ok  '} ${e.id} (${e.type}) ${info}${errors.length ? '\n     ' + errors.join('\n     ') : ''}`,
  );
  await page.close();
}
await browser.close();
server.close();
console.log(
  `storybook smoke: ${Object.keys(index.entries).length} entries in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);
