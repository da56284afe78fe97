// First step of `npm test`: make sure a Chromium is there. Finds it, installs Debian's package
// when running as root with apt-get, or stops with one line saying what to install.
import { spawnSync } from 'node:child_process';
import { findChromium } from './chromium.mjs';

const found = findChromium();
if (found) {
  console.log(`browser: ${found}`);
  process.exit(0);
}
if (process.env.CHROME_PATH) {
  console.error(`✖ CHROME_PATH=${process.env.CHROME_PATH} is not an executable browser; fix it or unset it.`);
  process.exit(1);
}
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (process.getuid?.() === 0 && hasApt) {
  console.log('browser: no Chromium found; installing Debian\'s "chromium" with apt-get …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', 'chromium'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`✖ apt-get ${args.join(' ')} failed; install Chromium yourself or set CHROME_PATH.`);
      process.exit(1);
    }
  }
  const installed = findChromium();
  if (installed) {
    console.log(`browser: ${installed}`);
    process.exit(0);
  }
}
console.error(
  '✖ No Chromium found: install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROME_PATH to a Chrome/Chromium binary.',
);
process.exit(1);
