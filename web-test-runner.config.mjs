// Browser tests in Debian's Chromium (puppeteer-core via @web/test-runner-chrome), TS via esbuild.
// Each folder test/media/<group>/ is a test-runner group with its own browser flags (fake devices,
// a fixture video or audio, denied permissions); everything else runs without media flags.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BASE_FLAGS, findChromium } from './scripts/chromium.mjs';
import { makeFixtures } from './scripts/fixtures.mjs';

const executablePath = findChromium();
if (!executablePath) throw new Error('No Chromium found: run `node scripts/ensure-env.mjs` or set CHROME_PATH.');
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const fixtures = await makeFixtures();

const FAKE_MEDIA = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];
const video = (name) => `--use-file-for-fake-video-capture=${fixtures.video[name]}`;
const audio = (name) => `--use-file-for-fake-audio-capture=${fixtures.audio[name]}%noloop`;

/** Flags of each media group (folder name under test/media/). */
const MEDIA_GROUPS = {
  fake: [...FAKE_MEDIA, '--auto-select-desktop-capture-source=Entire screen'],
  denied: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream=deny'],
  'one-face': [...FAKE_MEDIA, video('one-face')],
  'no-face': [...FAKE_MEDIA, video('no-face')],
  'two-faces': [...FAKE_MEDIA, video('two-faces')],
  black: [...FAKE_MEDIA, video('black')],
  silent: [...FAKE_MEDIA, audio('silence')],
};

const chrome = (...extra) =>
  chromeLauncher({ launchOptions: { executablePath, headless: true, args: [...BASE_FLAGS, ...extra] } });

const groups = Object.entries(MEDIA_GROUPS)
  .filter(([name]) => existsSync(here(`./test/media/${name}`)) && readdirSync(here(`./test/media/${name}`)).length)
  .map(([name, flags]) => ({ name, files: `test/media/${name}/**/*.test.ts`, browsers: [chrome(...flags)] }));

export default {
  rootDir: '.',
  files: ['test/**/*.test.ts', '!test/media/**'],
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  plugins: [esbuildPlugin({ ts: true, tsconfig: here('./tsconfig.json') })],
  browsers: [chrome()],
  groups,
};
