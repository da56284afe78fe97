// `npm test` step: feeds the build to the oldest engine available here, WPE WebKit 2.38 (Debian's
// `wpewebkit-driver` + `cog`, Safari 16.0-class: below the supported Safari 17.4), headless. The
// build must parse there and say why it cannot run: BROWSER_OUTDATED (4016) from the classic
// script (`apLibLoadingFailed`) and from the module build's <ap-monitor> (`setup()` rejects,
// `ap-error`, and the monitor shows the code). Without WPE WebKit it says so and passes.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { remote } from 'webdriverio';
import { startWebKitDriver } from './engines.mjs';

const WPE_DRIVER = '/usr/bin/WPEWebDriver';
const COG = '/usr/bin/cog';
if (!existsSync(WPE_DRIVER) || !existsSync(COG)) {
  console.log('old-engine-check: skipped: no WPE WebKit here (apt-get install wpewebkit-driver cog)');
  process.exit(0);
}

const root = process.cwd();
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const file = join(root, path);
  const allowed = path.startsWith('/dist/') || path.startsWith('/test/fixtures/pages/');
  if (!allowed || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address();

const driverPort = await startWebKitDriver(WPE_DRIVER, process.env.DISPLAY ?? '');
const browser = await remote({
  hostname: '127.0.0.1',
  port: driverPort,
  logLevel: 'error',
  capabilities: {
    browserName: 'cog',
    'wdio:enforceWebDriverClassic': true,
    'wpe:browserOptions': { binary: COG, args: ['--automation', '--platform=headless'] },
  },
});

const failures = [];
async function open(page) {
  await browser.url(`http://127.0.0.1:${port}/test/fixtures/pages/${page}`);
  const until = Date.now() + 30000;
  for (;;) {
    // JSON text: an object with an `error` key would read as a WebDriver error (webdriverio)
    const report = JSON.parse(await browser.execute('return JSON.stringify(window.report || null)'));
    if (report?.done || Date.now() > until) return report;
    await new Promise((r) => setTimeout(r, 250));
  }
}

try {
  const ua = await browser.execute('return navigator.userAgent');
  console.log(`old-engine-check: ${ua}`);
  const classic = await open('old-browser-classic.html');
  console.log(`  classic script: ${JSON.stringify(classic)}`);
  if (classic?.result?.code !== 4016) failures.push('the classic script did not fail with 4016');
  if (!/outdated: it lacks .*Safari 17\.4/.test(classic?.result?.message ?? ''))
    failures.push('the classic script did not say what is missing and which versions work');
  if (classic?.errors?.length) failures.push(`page errors with the classic script: ${classic.errors.join(' | ')}`);

  const module = await open('old-browser-module.html');
  console.log(`  module build:   ${JSON.stringify(module)}`);
  if (module?.result?.code !== 4016) failures.push('the module build did not reject setup() with 4016');
  if (module?.event?.code !== 4016) failures.push('<ap-monitor> did not fire ap-error 4016');
  if (!/4016/.test(module?.shown ?? '')) failures.push('<ap-monitor> does not show the code');
  if (module?.errors?.length) failures.push(`page errors with the module build: ${module.errors.join(' | ')}`);
} finally {
  await browser.deleteSession().catch(() => undefined);
  server.close();
}
if (failures.length) {
  console.error(`✖ old-engine-check:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('old-engine-check: the build parses in WPE WebKit 2.38 and says 4016 (outdated browser)');
process.exit(0);
