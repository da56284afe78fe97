// The three browser engines the suite runs in, all from Debian packages (no browser download):
// Chromium (`chromium`), Firefox (`firefox-esr`, driven by puppeteer-core over WebDriver BiDi) and
// WebKit (`webkit2gtk-driver`: WebKitWebDriver driving WebKitGTK's MiniBrowser, via webdriverio).
// Firefox runs headed (headless Firefox has no WebGL here) and WebKit has no headless mode: both get
// a private Xvfb. Firefox also gets a private PulseAudio with a null sink (without an audio device its
// AudioContext never starts). Everything started here is killed when the process exits.
// Recipe and traps: ../shared/reference/CROSS-BROWSER.md (in the workspace this was built in).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Firefox: $FIREFOX_PATH, else Debian's ESR or a `firefox` on the usual paths. */
export function findFirefox() {
  if (process.env.FIREFOX_PATH) return executable(process.env.FIREFOX_PATH) ? process.env.FIREFOX_PATH : undefined;
  return ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/usr/lib/firefox-esr/firefox-esr'].find(executable);
}

/** WebKitGTK: the WebDriver and the MiniBrowser it drives (`libwebkit2gtk-4.1-0` or `-4.0-37` ship it). */
export function findWebKit() {
  const driver = ['/usr/bin/WebKitWebDriver'].find(executable);
  const libs = [
    '/usr/lib',
    ...readdirOr('/usr/lib')
      .filter((d) => d.endsWith('-linux-gnu'))
      .map((d) => `/usr/lib/${d}`),
  ];
  const miniBrowser = libs
    .flatMap((lib) => ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0'].map((v) => `${lib}/${v}/MiniBrowser`))
    .find(executable);
  return driver && miniBrowser ? { driver, miniBrowser } : undefined;
}

/** Xvfb's binary (needed by Firefox for WebGL and by WebKitGTK, which has no headless mode). */
export const findXvfb = () => ['/usr/bin/Xvfb'].find(executable);
/** PulseAudio's daemon (a null sink gives Firefox an audio device). */
export const findPulseaudio = () => ['/usr/bin/pulseaudio'].find(executable);

function readdirOr(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const children = new Set();
const tempDirs = new Set();
const cleanup = () => {
  for (const child of children) child.kill('SIGTERM');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
};
process.once('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    cleanup();
    process.exit(130);
  });

function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.unref();
  return { child, stderr: () => stderr };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, test, proc, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await test()) return;
    if (proc.child.exitCode !== null) throw new Error(`${what} exited: ${proc.stderr()}`);
    await sleep(100);
  }
  throw new Error(`${what} did not start within ${ms} ms: ${proc.stderr()}`);
}

/**
 * A private X server; resolves to its DISPLAY (`:N`). `-displayfd` lets Xvfb pick a free display
 * number itself (so parallel runs on one machine do not collide); $WTR_DISPLAY forces one.
 */
export async function startXvfb() {
  if (process.env.WTR_DISPLAY) {
    const proc = start('Xvfb', [process.env.WTR_DISPLAY, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp']);
    const n = process.env.WTR_DISPLAY.replace(':', '');
    await waitFor('Xvfb', () => existsSync(`/tmp/.X11-unix/X${n}`), proc);
    return process.env.WTR_DISPLAY;
  }
  const proc = start('Xvfb', ['-displayfd', '2', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp']);
  let display;
  await waitFor(
    'Xvfb',
    () => {
      const m = /^(\d+)$/m.exec(proc.stderr());
      if (m) display = `:${m[1]}`;
      return !!display;
    },
    proc,
  );
  return display;
}

/** A private PulseAudio with one null sink; resolves to its PULSE_SERVER. */
export async function startPulse() {
  const dir = mkdtempSync(join(tmpdir(), 'ap-pulse-'));
  tempDirs.add(dir);
  const socket = join(dir, 'native');
  const proc = start(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--use-pid-file=no',
      '--system=no',
      '-L',
      'module-null-sink sink_name=ap_null',
      '-L',
      `module-native-protocol-unix socket=${socket} auth-anonymous=1`,
    ],
    { HOME: dir, XDG_RUNTIME_DIR: dir, XDG_CONFIG_HOME: dir },
  );
  await waitFor('PulseAudio', () => existsSync(socket), proc);
  return `unix:${socket}`;
}

/** A free loopback TCP port ($WTR_WEBDRIVER_PORT forces the first of a range: that plus `offset`). */
export async function freePort(offset = 0) {
  if (process.env.WTR_WEBDRIVER_PORT) return Number(process.env.WTR_WEBDRIVER_PORT) + offset;
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A WebKitWebDriver on a port of its own, showing its browser on `display`. One driver holds one
 * session at a time: each browser profile gets its own (`offset` picks its port in a forced range).
 */
export async function startWebKitDriver(driver, display, offset = 0, env = {}) {
  const port = await freePort(offset);
  const proc = start(driver, [`--port=${port}`, '--host=127.0.0.1'], { DISPLAY: display, ...env });
  await waitFor(
    'WebKitWebDriver',
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/status`).catch(() => undefined);
      return !!res?.ok;
    },
    proc,
  );
  return port;
}

/** `name version` of an engine's browser binary, for the run's log line. */
export function versionOf(binary, args = ['--version']) {
  const r = spawnSync(binary, args, { encoding: 'utf8', timeout: 20000 });
  return (r.stdout || r.stderr || '').trim().split('\n')[0];
}
