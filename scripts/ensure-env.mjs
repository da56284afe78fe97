// First step of `npm test`: make sure the browsers are there — Chromium, and for the Firefox and
// WebKit runs Firefox ESR, WebKitGTK's WebDriver, Xvfb and PulseAudio (a null sink gives Firefox an
// audio device), plus WPE WebKit 2.38 as the "old Safari" probe. Finds them, installs Debian's
// packages when running as root with apt-get, or stops with one line saying what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './chromium.mjs';
import { findFirefox, findPulseaudio, findWebKit, findXvfb } from './engines.mjs';

if (process.env.CHROME_PATH && !findChromium()) {
  console.error(`✖ CHROME_PATH=${process.env.CHROME_PATH} is not an executable browser; fix it or unset it.`);
  process.exit(1);
}
if (process.env.FIREFOX_PATH && !findFirefox()) {
  console.error(`✖ FIREFOX_PATH=${process.env.FIREFOX_PATH} is not an executable browser; fix it or unset it.`);
  process.exit(1);
}

/** What the suite needs: how to find it, and Debian's packages for it (`--no-install-recommends`). */
const NEEDS = [
  { what: 'Chromium', found: findChromium, packages: ['chromium'], hint: 'or set CHROME_PATH' },
  { what: 'Firefox', found: findFirefox, packages: ['firefox-esr'], hint: 'or set FIREFOX_PATH' },
  {
    what: 'WebKitGTK WebDriver',
    found: () => findWebKit()?.driver,
    packages: ['webkit2gtk-driver'],
  },
  { what: 'Xvfb', found: findXvfb, packages: ['xvfb'] },
  { what: 'PulseAudio', found: findPulseaudio, packages: ['pulseaudio'] },
  {
    what: 'WPE WebKit 2.38 (old-engine probe)',
    found: () => (existsSync('/usr/bin/WPEWebDriver') && existsSync('/usr/bin/cog') ? 'WPEWebDriver + cog' : undefined),
    packages: ['wpewebkit-driver', 'cog'],
  },
];

let missing = NEEDS.filter((n) => !n.found());
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (missing.length && process.getuid?.() === 0 && hasApt) {
  const packages = missing.flatMap((n) => n.packages);
  console.log(`browsers: installing Debian's ${packages.join(', ')} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', ...packages],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`✖ apt-get ${args.join(' ')} failed; install ${packages.join(' ')} yourself.`);
      process.exit(1);
    }
  }
  missing = NEEDS.filter((n) => !n.found());
}
if (missing.length) {
  const packages = missing.flatMap((n) => n.packages);
  console.error(
    `✖ Missing ${missing.map((n) => [n.what, n.hint].filter(Boolean).join(' ')).join(', ')}: install them (Debian/Ubuntu: \`sudo apt-get install --no-install-recommends ${packages.join(' ')}\`).`,
  );
  process.exit(1);
}
for (const n of NEEDS) console.log(`browsers: ${n.what}: ${n.found()}`);
