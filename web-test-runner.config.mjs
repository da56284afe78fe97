// Browser tests in Debian's Chromium (puppeteer-core via @web/test-runner-chrome), TS via esbuild.
// Each folder test/media/<group>/ is a test-runner group with its own browser flags (fake devices,
// a fixture video or audio, denied permissions); everything else runs without media flags.
// WTR_ENGINE=firefox|webkit runs the same suite in Debian's Firefox ESR or WebKitGTK instead (see
// scripts/engines.mjs); groups an engine's fake devices cannot serve are listed with their reason.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import puppeteer from 'puppeteer-core';
import { existsSync, mkdirSync, readdirSync, writeSync } from 'node:fs';
import { relative } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BASE_FLAGS, findChromium } from './scripts/chromium.mjs';
import { findFirefox, findWebKit, startPulse, startWebKitDriver, startXvfb } from './scripts/engines.mjs';
import { engineReporter } from './scripts/lib/engine-reporter.mjs';
import { makeFixtures } from './scripts/fixtures.mjs';
import {
  FIXTURE_CAMERAS,
  FIXTURE_MICROPHONES,
  fixtureMediaTestPage,
  withFixtureMedia,
} from './scripts/lib/fixture-media.mjs';
import { networkLogPlugin } from './scripts/lib/network-log.mjs';
import { outageProxy } from './scripts/lib/outage-proxy.mjs';
import { prefixProxy } from './scripts/lib/prefix-proxy.mjs';
import { screenshotPlugin } from './scripts/lib/screenshots.mjs';
import { tabCommandsPlugin } from './scripts/lib/tab-commands.mjs';
// TypeScript server modules: this config runs under tsx (see the test:browser script)
import { buildApp } from './server/src/app.ts';
import { openPglite } from './server/src/db.ts';
import { hashAttempt } from './server/src/ids.ts';
import { seedDemo } from './server/src/seed.ts';

// the runner stops on an uncaught error or unhandled rejection (its own handler), but its console
// output is buffered and lost at exit: say what it was, synchronously, so CI shows the cause
process.on('uncaughtExceptionMonitor', (error, origin) => {
  writeSync(2, `\nThe test runner is stopping on an ${origin}:\n${error?.stack ?? error}\n`);
});

const engine = process.env.WTR_ENGINE ?? 'chromium';
if (!['chromium', 'firefox', 'webkit'].includes(engine))
  throw new Error(`WTR_ENGINE=${engine}: use chromium, firefox or webkit.`);
const executablePath = engine === 'chromium' ? findChromium() : undefined;
if (engine === 'chromium' && !executablePath)
  throw new Error('No Chromium found: run `node scripts/ensure-env.mjs` or set CHROME_PATH.');
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const fixtures = await makeFixtures();

const FAKE_MEDIA = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--auto-select-desktop-capture-source=Entire screen',
];
const video = (name) => `--use-file-for-fake-video-capture=${fixtures.video[name]}`;
const audio = (name) => `--use-file-for-fake-audio-capture=${fixtures.audio[name]}`;

/** Flags of each media group (folder name under test/media/). */
const MEDIA_GROUPS = {
  fake: FAKE_MEDIA,
  denied: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream=deny'],
  // permission granted, but no fake devices: requests fail with NotFoundError
  'no-device': ['--use-fake-ui-for-media-stream'],
  'one-face': [...FAKE_MEDIA, video('one-face')],
  'no-face': [...FAKE_MEDIA, video('no-face')],
  'two-faces': [...FAKE_MEDIA, video('two-faces')],
  black: [...FAKE_MEDIA, video('black')],
  silent: [...FAKE_MEDIA, audio('silence')],
  quiet: [...FAKE_MEDIA, video('one-face'), audio('quiet')],
  loud: [...FAKE_MEDIA, audio('tone')],
  burst: [...FAKE_MEDIA, video('one-face'), audio('burst')],
  'talk-first': [...FAKE_MEDIA, audio('talkFirst')],
  fan: [...FAKE_MEDIA, audio('fan')],
  privacy: [...FAKE_MEDIA, video('one-face')],
  // a real-camera stand-in: 1280×720 with motion and sensor noise (photos of real size)
  'camera-720p': [...FAKE_MEDIA, video('camera-720p')],
};

const chrome = (...extra) =>
  chromeLauncher({
    launchOptions: { executablePath, headless: true, args: [...BASE_FLAGS, ...extra] },
    // WTR does not watch for a crashed test page: it would wait out testsFinishTimeout in silence
    createPage: async ({ context }) => {
      const page = await context.newPage();
      page.on('error', (error) =>
        writeSync(2, `\nThe test page ${page.url()} crashed (${new Date().toISOString()}): ${error.message}\n`),
      );
      return page;
    },
  });

/** The browser of each group in the engine under test; a string says why the engine cannot run it. */
const { launch, testPage, groupsNotRun } = await engineLaunchers();

const groups = Object.entries(MEDIA_GROUPS)
  .filter(([name]) => existsSync(here(`./test/media/${name}`)) && readdirSync(here(`./test/media/${name}`)).length)
  .filter(([name]) => launch(name))
  .map(([name, flags]) => ({
    name,
    // test/compat/<group>/: the AutoProctor integration pages that need this group's devices
    // WTR_FILES (a glob) narrows every group to those files (with --group: one file of one group)
    files: process.env.WTR_FILES
      ? [process.env.WTR_FILES]
      : [`test/media/${name}/**/*.test.ts`, `test/compat/${name}/**/*.test.ts`],
    browsers: [engine === 'chromium' ? chrome(...flags) : launch(name)],
    // WebKit: the test page itself installs the group's fixture media (no preload scripts there)
    ...(testPage(name) ? { testRunnerHtml: testPage(name) } : {}),
  }));

/**
 * Firefox and WebKit launchers per media group. Firefox: puppeteer-core over WebDriver BiDi, headed
 * under a private Xvfb (headless Firefox has no WebGL here) with a private PulseAudio null sink;
 * fake camera (a green frame) and microphone (a tone) by preference. WebKit: WebKitWebDriver and
 * MiniBrowser under a private Xvfb, with WebKit's mock capture devices granted without a prompt.
 * Neither can feed a camera or microphone from a file. In Firefox the groups that need a real face
 * (FIXTURE_CAMERAS) or a fixture sound (FIXTURE_MICROPHONES) get a browser of their own whose camera
 * is NOT the engine's capture pipeline but a `canvas.captureStream()` of the group's fixture still,
 * with motion and sensor noise, and whose microphone is a Web Audio graph looping the group's WAV,
 * answered by getUserMedia in every page before its scripts run (scripts/lib/fixture-media.mjs);
 * tests that still cannot run there are skipped per test with the reason. WebKitWebDriver has no
 * preload scripts: there the sound groups and one-face share the mock-device browser, and the test
 * page itself installs the same fixture media before the test framework (`testPage`, a group's
 * `testRunnerHtml`); iframes and other pages get the mock devices. The other face groups are not run
 * in WebKit (listed with the reason by the reporter). Groups sharing a profile share a browser.
 */
async function engineLaunchers() {
  if (engine === 'chromium') return { launch: () => true, testPage: () => undefined, groupsNotRun: [] };
  const display = await startXvfb();
  const fixtureReason = (what) =>
    `needs a ${what} fed from a fixture file (Chromium's --use-file-for-fake-${what === 'camera' ? 'video' : 'audio'}-capture); ${engine} has no such fake device`;
  const NOT_RUN = {
    'one-face': fixtureReason('camera'),
    'no-face': fixtureReason('camera'),
    'two-faces': fixtureReason('camera'),
    black: fixtureReason('camera'),
    'camera-720p': fixtureReason('camera'),
    privacy: fixtureReason('camera'),
    silent: fixtureReason('microphone'),
    quiet: fixtureReason('microphone'),
    burst: fixtureReason('microphone'),
    'talk-first': fixtureReason('microphone'),
    fan: fixtureReason('microphone'),
    loud: fixtureReason('microphone'),
  };
  // the fixture WAVs' paths on the test server (the fixture microphones fetch them)
  const audio = Object.fromEntries(
    Object.entries(fixtures.audio).map(([name, file]) => [name, `/${relative(here('./'), file)}`]),
  );
  const testPages = {};
  let profiles;
  if (engine === 'firefox') {
    const firefoxPath = findFirefox();
    if (!firefoxPath) throw new Error('No Firefox found: run `node scripts/ensure-env.mjs` or set FIREFOX_PATH.');
    const pulse = await startPulse();
    // each Firefox on an X display of its own (unless WTR_DISPLAY pins one): on a shared display a
    // window mapped later covers the earlier ones, and a page of a covered window may turn hidden,
    // which the tab-switch tests read as the candidate leaving (CI run 15: a 5005 "hidden" in the
    // default group just as the denied group's Firefox started)
    const firefox = async (prefs, env = {}, driver = puppeteer) =>
      chromeLauncher({
        puppeteer: driver,
        launchOptions: {
          browser: 'firefox',
          executablePath: firefoxPath,
          headless: false,
          env: {
            ...process.env,
            DISPLAY: process.env.WTR_DISPLAY ? display : await startXvfb(),
            PULSE_SERVER: pulse,
            ...env,
          },
          extraPrefsFirefox: { 'media.autoplay.default': 0, 'media.autoplay.blocking_policy': 0, ...prefs },
        },
      });
    const fake = { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true };
    profiles = {
      default: await firefox({}),
      fake: await firefox(fake),
      // the permission prompt is answered "block" for camera and microphone (screen: see the test)
      denied: await firefox({
        'media.navigator.streams.fake': true,
        'permissions.default.camera': 2,
        'permissions.default.microphone': 2,
      }),
    };
    // the face and sound groups: the engine's fake devices, the camera a canvas capture of the
    // group's fixture, the microphone a Web Audio graph looping its WAV (served by the test server)
    for (const group of new Set([...Object.keys(FIXTURE_CAMERAS), ...Object.keys(FIXTURE_MICROPHONES)])) {
      profiles[group] = await firefox(fake, {}, withFixtureMedia(puppeteer, group, { audio }));
      delete NOT_RUN[group];
    }
  } else {
    const webkit = findWebKit();
    if (!webkit) throw new Error('No WebKitGTK found: run `node scripts/ensure-env.mjs` (webkit2gtk-driver).');
    const pulse = await startPulse();
    let drivers = 0;
    const minibrowser = async (args) =>
      webdriverLauncher({
        hostname: '127.0.0.1',
        // its MiniBrowser inherits PULSE_SERVER: an audio device, or AudioContext never starts
        port: await startWebKitDriver(webkit.driver, display, drivers++, { PULSE_SERVER: pulse }),
        logLevel: 'error',
        capabilities: {
          browserName: 'MiniBrowser',
          // webdriverio asks for BiDi otherwise, which WebKitWebDriver refuses
          'wdio:enforceWebDriverClassic': true,
          // WTR waits for the page to call back (testsStartTimeout), not for its load event; with
          // 'normal' a navigation here sometimes did not return for 300 s while the other
          // MiniBrowser ran (4 runs in 4 here and in CI, none in 2 since), and
          // @web/test-runner-webdriver leaves that promise unhandled: the run ended without a word
          pageLoadStrategy: 'none',
          'webkitgtk:browserOptions': { binary: webkit.miniBrowser, args: ['--automation', ...args] },
        },
      });
    const media = [
      '--enable-media-stream=true',
      '--enable-mock-capture-devices=true',
      '--features=-MockCaptureDevicesPrompt',
    ];
    profiles = { default: await minibrowser([]), fake: await minibrowser(media) };
    // the sound groups: the mock devices, the microphone a Web Audio graph looping the group's WAV,
    // installed by the test page itself (WebKitWebDriver has no preload scripts; see
    // fixtureMediaTestPage): they share the mock-device browser
    for (const group of Object.keys(FIXTURE_MICROPHONES)) {
      profiles[group] = profiles.fake;
      testPages[group] = fixtureMediaTestPage(group, { audio });
      delete NOT_RUN[group];
    }
    // one-face: the same, with the camera a canvas capture of the group's still; its tests that
    // need face detection (no usable WebGL in WebKitGTK under Xvfb: 4001) or another page than the
    // test page are skipped per test with that reason (test/helpers/engine.ts)
    profiles['one-face'] = profiles.fake;
    testPages['one-face'] = fixtureMediaTestPage('one-face', { audio });
    delete NOT_RUN['one-face'];
    const noDetection = 'WebKitGTK here has no usable WebGL (Xvfb), which MediaPipe needs for face detection (4001)';
    NOT_RUN['no-face'] = `every test needs face detection: ${noDetection}`;
    NOT_RUN['two-faces'] = `every test needs face detection: ${noDetection}`;
    NOT_RUN.black = `its one test is the webcam check, which needs face detection: ${noDetection}`;
    NOT_RUN.privacy = `the request log (scripts/lib/network-log.mjs) reads the page and its workers through the Chrome DevTools Protocol, which WebKitWebDriver does not offer; its detection test also needs face detection: ${noDetection}`;
    NOT_RUN['camera-720p'] =
      "every test runs its exam in an iframe or another tab, which the test page's fixture camera cannot reach (WebKitWebDriver has no preload scripts), or pairs a phone over WebRTC, which Debian's WebKitGTK is built without";
    NOT_RUN.denied = 'WebKitGTK has no switch to deny capture; its permission prompt cannot be answered over WebDriver';
  }
  NOT_RUN['no-device'] ??= `${engine} always has a fake or mock device once media is on`;
  return {
    launch: (group) => (group === 'default' ? profiles.default : NOT_RUN[group] ? undefined : profiles[group]),
    testPage: (group) => testPages[group],
    groupsNotRun: Object.entries(NOT_RUN)
      .filter(([name]) => existsSync(here(`./test/media/${name}`)))
      .map(([name, reason]) => ({
        name,
        reason,
        files: [here(`./test/media/${name}`), here(`./test/compat/${name}`)]
          .filter(existsSync)
          .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.test.ts'))).length,
      })),
  };
}

/**
 * Test-only asset hosts built over dist/assets/: `/__assets/corrupt-model/` serves a model that is not
 * a model, `/__assets/slow-model/` serves the model after 3 s, `/__assets/stalled-model/` never
 * answers for a model (a host that accepts and hangs: no cache or other request can serve it sooner),
 * `/__assets/no-region-model/` everything
 * but the region model (404: an asset host that missed a file). dist/assets also gets CORS headers
 * so a page can use it cross-origin (127.0.0.1 vs localhost).
 */
const testAssetHosts = async (ctx, next) => {
  const m = /^\/__assets\/(corrupt-model|slow-model|stalled-model|no-region-model)\/(.*)$/.exec(ctx.path);
  if (m) {
    if (m[1] === 'stalled-model' && m[2].endsWith('.tflite')) {
      // until the page gives up, or a minute (then 504): a fetch nobody aborts holds no connection longer
      await Promise.race([new Promise((resolve) => ctx.req.once('close', resolve)), sleep(60_000)]);
      ctx.status = 504;
      return;
    }
    if (m[1] === 'no-region-model' && m[2].endsWith('face_detection_short_range.tflite')) {
      ctx.status = 404;
      return;
    }
    if (m[2].endsWith('.tflite') && m[1] === 'corrupt-model') {
      ctx.body = Buffer.from('TFL3 this is not a model'.repeat(64));
      ctx.type = 'application/octet-stream';
      return;
    }
    if (m[2].endsWith('.tflite') && m[1] === 'slow-model') await new Promise((r) => setTimeout(r, 3000));
    ctx.url = `/dist/assets/${m[2]}`;
  }
  if (ctx.path.startsWith('/dist/assets/')) ctx.set('access-control-allow-origin', '*');
  // the classic CDN script served where no assets/ folder is next to it (apLibLoadingFailed)
  if (ctx.path === '/__no-assets/cdn/autoproctor.js') ctx.url = '/dist/cdn/autoproctor.js';
  // ... and where its assets folder is a host that accepts and never answers (a stalled proxy)
  if (ctx.path === '/__stalled-assets/cdn/autoproctor.js') ctx.url = '/dist/cdn/autoproctor.js';
  else if (ctx.path.startsWith('/__stalled-assets/')) {
    await new Promise((resolve) => ctx.req.once('close', resolve));
    return;
  }
  return next();
};

/**
 * The reference results server, in memory, on a loopback port of its own (another origin than
 * the test pages, like a real deployment), behind {@link outageProxy}. Commands: `results-server`
 * → {endpoint, clientId, testAttemptId, hashedTestAttemptId} (what an integrator's backend hands
 * the exam page); `results-session` {testAttemptId} → the stored session, its evidence and its
 * photos (bytes per evidence id); `results-outage` {down} takes the server off the network and
 * back; `results-link` {key, state} gives a test a link of its own ({endpoint}) that is `up`,
 * `down` (connections reset) or `stalled` (a black hole: nothing answers); `exam-tab` {url, quota?, front?} opens a page in a tab of its own (behind this one unless `front`; with `quota`, its origin's
 * storage capped to that many bytes first: Chromium's CDP `Storage.overrideQuotaForOrigin`),
 * `exam-tab-eval` {name} reads a global of it (a promise is awaited), `exam-tab-reload` reloads it, `exam-tab-switch` switches to the test page's tab and back, and `exam-tab-close` {selected?} closes it as a candidate would
 * (pagehide runs). `other-device-page` {url} opens a page in a new browser context (its own empty
 * storage: another device's browser, e.g. a teacher's) and waits for its `window.__result`;
 * `other-device-result` polls for it (a command may not take longer than 20 s).
 */
function resultsServerPlugin() {
  let started;
  const demoRuns = new Map();
  /** example-shots in progress, by session and example name */
  const exampleRuns = new Map();
  const examTabs = new Map();
  const links = new Map();
  const otherDeviceRuns = new Map();
  let prefixed;
  const start = () =>
    (started ??= (async () => {
      const db = await openPglite();
      const demo = await seedDemo(db);
      const app = await buildApp({ db, staticRoot: process.cwd() });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const proxy = await outageProxy(app.server.address().port);
      return { db, demo, app, proxy, endpoint: `http://127.0.0.1:${proxy.port}/` };
    })());
  return {
    name: 'results-server',
    async executeCommand({ command, payload, session }) {
      if (command === 'results-server') {
        const { demo, endpoint } = await start();
        const testAttemptId = `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
        return {
          endpoint,
          token: demo.token,
          installSid: demo.installSid,
          examSid: demo.examSid,
          clientId: demo.clientId,
          testAttemptId,
          hashedTestAttemptId: hashAttempt(demo.clientSecret, testAttemptId),
        };
      }
      if (command === 'results-session') {
        const { db } = await start();
        const [session] = await db.query(
          'select sid, status, review_status, trust_score, counts from sessions where test_attempt_id = $1',
          [payload.testAttemptId],
        );
        const evidence = session
          ? await db.query(
              'select id, seq, code, type, duration_ms, photo_pending from evidence where session_sid = $1 order by seq',
              [session.sid],
            )
          : [];
        const photos = session
          ? await db.query(
              'select evidence_id as id, length(bytes) as bytes, content_type from photos where session_sid = $1',
              [session.sid],
            )
          : [];
        return { session, evidence, photos };
      }
      if (command === 'results-link') {
        // a link of the test's own to the results server ({key}), to stall or cut without
        // touching the shared one: {key, state: 'up' | 'down' | 'stalled'}
        const { app } = await start();
        let link = links.get(payload.key);
        if (!link) {
          link = await outageProxy(app.server.address().port);
          links.set(payload.key, link);
        }
        link.setDown(payload.state === 'down');
        link.setStalled(payload.state === 'stalled');
        return { endpoint: `http://127.0.0.1:${link.port}/` };
      }
      if (command === 'results-prefixed') {
        // the results server behind a reverse proxy that mounts it under /proctor/: {endpoint}
        const { app } = await start();
        prefixed ??= prefixProxy(app.server.address().port, '/proctor/');
        return { endpoint: (await prefixed).endpoint };
      }
      if (command === 'results-outage') {
        (await start()).proxy.setDown(!!payload?.down);
        return true;
      }
      if (command === 'exam-tab') {
        const testPage = session.browser.getPage(session.id);
        const tab = await testPage.browser().newPage();
        const url = new URL(payload.url, new URL(testPage.url()).origin);
        if (payload.quota) {
          // an override lasts as long as the DevTools session that set it: keep it attached
          const cdp = await tab.createCDPSession();
          await cdp.send('Storage.overrideQuotaForOrigin', { origin: url.origin, quotaSize: payload.quota });
        }
        await tab.goto(url.href, { waitUntil: 'load' });
        examTabs.set(session.id, tab);
        // front: the exam tab stays the visible one (as a candidate sees it) until it is closed
        if (!payload.front) await testPage.bringToFront();
        return true;
      }
      if (command === 'exam-tab-switch') {
        // the candidate switches to the test page's tab and back: the exam tab is hidden, then shown
        await session.browser.getPage(session.id).bringToFront();
        await sleep(300);
        await examTabs.get(session.id)?.bringToFront();
        return true;
      }
      if (command === 'exam-tab-reload') {
        // the candidate reloads the exam tab (F5)
        await examTabs.get(session.id)?.reload({ waitUntil: 'load' });
        return true;
      }
      if (command === 'exam-tab-eval') {
        // reads a global of the exam tab (JSON-serialisable)
        const tab = examTabs.get(session.id);
        return { value: tab ? await tab.evaluate((name) => globalThis[name], payload.name) : undefined };
      }
      if (command === 'exam-tab-close') {
        // as a candidate closes it: pagehide and unload handlers run. `selected`: the exam tab is the
        // one in front, and closing it first selects another (the page turns hidden, then pagehide),
        // as a browser does when the candidate closes the tab they are looking at (Ctrl+W, the tab's ×)
        if (payload?.selected) await session.browser.getPage(session.id).bringToFront();
        await examTabs.get(session.id)?.close({ runBeforeUnload: true });
        examTabs.delete(session.id);
        await session.browser.getPage(session.id).bringToFront();
        return true;
      }
      if (command === 'other-device-page') {
        // another device's browser: a fresh context shares no storage (IndexedDB, cookies) with the test page
        const testPage = session.browser.getPage(session.id);
        const run = (async () => {
          const context = await testPage.browser().createBrowserContext();
          try {
            const page = await context.newPage();
            await page.goto(new URL(payload.url, new URL(testPage.url()).origin).href, { waitUntil: 'load' });
            await page.waitForFunction(() => globalThis.__result, { timeout: 60000, polling: 250 });
            return await page.evaluate(() => globalThis.__result);
          } finally {
            await context.close();
          }
        })().then(
          (value) => ({ done: true, value }),
          (error) => ({ done: true, error: error.message }),
        );
        otherDeviceRuns.set(session.id, run);
        return true;
      }
      if (command === 'other-device-result') {
        const run = otherDeviceRuns.get(session.id);
        if (!run) return { done: true, error: 'no other-device page was opened' };
        return Promise.race([run, sleep(15000).then(() => ({ done: false }))]);
      }
      // a demo run takes longer than one command may (20 s): start it, then poll for its result
      if (command === 'demo-run') {
        const endpoint = (await start()).endpoint;
        const run = runDemo(session, endpoint, payload).then(
          (value) => ({ done: true, value }),
          (error) => ({ done: true, error: error.message }),
        );
        demoRuns.set(session.id, run);
        return true;
      }
      // screenshots (desktop and 390 px) of the reviewer dashboard as a reviewer goes through it
      if (command === 'review-shots') {
        const { endpoint, demo } = await start();
        return shootReview(session, endpoint, demo.token);
      }
      // screenshots of an example served by the reference server, after its checks ran; it may take
      // longer than one command may (20 s) on a loaded machine: called again until done, as demo-result
      if (command === 'example-shots') {
        const key = `${session.id} ${payload.name}`;
        if (!exampleRuns.has(key))
          exampleRuns.set(
            key,
            start()
              .then(({ endpoint }) => shootExample(session, endpoint, payload.name))
              .then(
                (value) => ({ done: true, value }),
                (error) => ({ done: true, error: error.message }),
              ),
          );
        const answer = await Promise.race([exampleRuns.get(key), sleep(15000).then(() => ({ done: false }))]);
        if (answer.done) exampleRuns.delete(key);
        return answer;
      }
      if (command === 'demo-result') {
        const run = demoRuns.get(session.id);
        if (!run) return { done: true, error: 'no demo run was started' };
        return Promise.race([run, sleep(15000).then(() => ({ done: false }))]);
      }
      return undefined;
    },
    async serverStop() {
      if (!started) return;
      const { app, db, proxy } = await started;
      await proxy.close();
      await (await prefixed)?.close();
      await app.close();
      await db.close();
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The end-to-end candidate: opens the demo exam page (served by the results server) in a tab of
 * the test browser — same fake devices — and clicks through it as a candidate would: start the
 * checks, share the screen, start the exam, leave the tab once, answer, finish. Answers what the
 * page showed: {testAttemptId, checksText, resultText, evidenceShown}.
 */
/* global document, getComputedStyle -- the page.evaluate callbacks run in the demo page */
async function runDemo(session, endpoint, { checks, leaveForMs = 1500, reloadMidExam = false, shots = '' }) {
  const testPage = session.browser.getPage(session.id);
  const page = await testPage.browser().newPage();
  const log = [];
  let phone;
  page.on('console', (m) => m.type() === 'error' && log.push(m.text()));
  // screenshots of what the candidate sees, at desktop and phone width (test-results/screenshots/)
  const shoot = shots ? (name, target = page) => screenshots(target, `${shots}-${name}`) : async () => undefined;
  try {
    await page.goto(`${endpoint}?checks=${checks}`, { waitUntil: 'load' });
    const click = async (selector) => (await page.waitForSelector(selector, { timeout: 30000 })).click();
    // inside the check's shadow root (waitForSelector does not see shadow DOM changes: poll)
    const clickInCheck = async (selector) =>
      (
        await page.waitForFunction(
          (sel) => document.getElementById('checks').shadowRoot.querySelector(sel),
          {
            timeout: 45000,
            polling: 250,
          },
          selector,
        )
      ).click();
    await page.waitForFunction(() => document.getElementById('checks').shadowRoot?.querySelector('[part="start"]'));
    await shoot('1-before-checks');
    // the exam cannot start before the checks passed
    const startDisabledBefore = await page.$eval('#start-exam', (b) => b.disabled);
    await clickInCheck('button[part="start"]');
    if (checks.includes('mobile')) {
      // "simulate a phone in another tab": open the link shown under the QR code
      const link = await page.waitForFunction(
        () => document.getElementById('checks').shadowRoot.querySelector('a[part="pairing-link"]')?.href,
        { timeout: 45000, polling: 250 },
      );
      const href = await link.jsonValue();
      phone = await page.browser().newPage();
      await phone.goto(href, { waitUntil: 'load' });
      await page.bringToFront();
    }
    if (checks.includes('screenshare')) await clickInCheck('button[part="share"]');
    await page.waitForSelector('#start-exam:not([disabled])', { timeout: 45000 });
    const checksText = await page.$eval('#start-hint', (p) => p.textContent.trim());
    await shoot('2-checks-passed');
    await click('#start-exam');
    await page.waitForSelector('#exam:not([hidden])', { timeout: 30000 });
    const firstAttemptId = await page.$eval('#monitor', (m) => m.testAttemptId);
    // while the exam runs: the checks are locked (no "Try again"), one camera preview (the exam's)
    const duringExam = await page.evaluate(() => {
      const root = document.getElementById('checks').shadowRoot;
      const visible = (el) => !!el && !el.hidden && el.getBoundingClientRect().width > 0;
      return {
        retryButtons: root.querySelectorAll('[part="retry"]').length,
        locked: root.querySelector('[part="locked"]')?.textContent.trim() ?? '',
        checkPreviews: [...root.querySelectorAll('video')].filter(visible).length,
        badge: document.getElementById('session-status').status,
      };
    });
    if (phone) await shoot('phone-during-exam', phone);
    await shoot('3-exam');
    let resumed;
    if (reloadMidExam) {
      // the candidate reloads mid-exam: the same attempt continues
      await page.reload({ waitUntil: 'load' });
      const button = await page.waitForSelector('#start-exam:not([disabled])', { timeout: 30000 });
      resumed = { buttonText: await button.evaluate((b) => b.textContent.trim()) };
      await button.click();
      await page.waitForSelector('#exam:not([hidden])', { timeout: 30000 });
      resumed.attemptId = await page.$eval('#monitor', (m) => m.testAttemptId);
      resumed.sameAttempt = resumed.attemptId === firstAttemptId;
    }
    // the candidate looks at another tab for a moment
    const other = await page.browser().newPage();
    await other.bringToFront();
    // the visit counts from when the exam page knew it was hidden, not from the command that opened
    // the other tab (slow on a loaded machine): as test/helpers/monitor.ts's visitOtherTab
    await page.waitForFunction(() => document.hidden, { polling: 50, timeout: 10000 }).catch(() => undefined);
    await sleep(leaveForMs);
    await other.close();
    await page.bringToFront();
    await sleep(500);
    await click('input[name="q1"][value="56"]');
    await click('input[name="q2"][value="mercury"]');
    await (await page.waitForSelector('input[name="q3"]')).type('red');
    await click('#exam button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('result').textContent.includes('Exam finished'), {
      timeout: 30000,
    });
    // the phone hears that the exam is over (through the results server's signalling)
    if (phone)
      await phone
        .waitForFunction(
          () =>
            document
              .querySelector('ap-mobile-camera')
              .shadowRoot.querySelector('[part="status"]')
              .textContent.includes('no longer uses'),
          { timeout: 30000, polling: 250 },
        )
        .catch(() => undefined);
    const phoneState = phone
      ? await phone.$eval('ap-mobile-camera', (el) => ({
          status: el.shadowRoot.querySelector('[part="status"]').textContent.trim(),
          videoShown: !el.shadowRoot.querySelector('video').hidden,
          cameraLive: !!el.cameraStream?.getTracks().some((t) => t.readyState === 'live'),
        }))
      : undefined;
    if (phone) await shoot('phone-after-exam', phone);
    await shoot('4-finished');
    return await page.evaluate(
      (errors, phoneState, startDisabledBefore, duringExam, checksText, resumed) => ({
        phoneStatus: phoneState?.status,
        phoneState,
        startDisabledBefore,
        duringExam,
        resumed,
        // videos left on the page after the exam (a dead preview is a black box)
        videosAfter: [document.getElementById('checks').shadowRoot, document.getElementById('monitor').shadowRoot]
          .flatMap((r) => [...r.querySelectorAll('video')])
          .filter((v) => !v.hidden && v.getBoundingClientRect().width > 0).length,
        testAttemptId: document.getElementById('monitor').testAttemptId,
        checksText,
        resultText: document.getElementById('result').textContent.trim(),
        evidenceShown: [...document.querySelectorAll('#evidence li')].map((li) => li.textContent),
        consoleErrors: errors,
      }),
      log,
      phoneState,
      startDisabledBefore,
      duringExam,
      checksText,
      resumed,
    );
  } catch (error) {
    const text = await page
      .evaluate(() => `${JSON.stringify(document.getElementById('checks').results)}\n${document.body.innerText}`)
      .catch(() => '');
    throw new Error(
      `demo run failed: ${error.message}\nconsole errors: ${log.join(' | ')}\npage text: ${text.slice(0, 1500)}`,
    );
  } finally {
    await phone?.close();
    await page.close();
    await testPage.bringToFront();
  }
}

/** The dashboard at /review: sign-in, the sessions, one session; answers what a reviewer saw. */
async function shootReview(session, endpoint, token) {
  const page = await session.browser.getPage(session.id).browser().newPage();
  try {
    await page.goto(`${endpoint}review`, { waitUntil: 'load' });
    await page.waitForSelector('input[name="token"]');
    const signInText = await page.$eval('main', (m) => m.innerText);
    await screenshots(page, 'review-1-sign-in');
    await page.type('input[name="token"]', token);
    await page.click('button[type="submit"]');
    await page.waitForSelector('table');
    await screenshots(page, 'review-2-sessions');
    await page.click('td button');
    await page.waitForFunction(() => document.querySelector('ap-report')?.shadowRoot?.querySelector('li'), {
      timeout: 15000,
    });
    await sleep(1000); // photos
    const sessionView = await page.evaluate(() => ({
      live: document.querySelector('.live').textContent,
      focused: document.activeElement?.tagName,
      focusOutline: getComputedStyle(document.activeElement).outlineStyle,
    }));
    await screenshots(page, 'review-3-session');
    return { signInText, sessionView };
  } finally {
    await page.close();
  }
}

/** An example page served by the reference server: runs its check, answers its status text. */
async function shootExample(session, endpoint, name) {
  const page = await session.browser.getPage(session.id).browser().newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${endpoint}examples/${name}/`, { waitUntil: 'load' });
    const start = await page.waitForFunction(
      () => document.querySelector('ap-requirements-check')?.shadowRoot?.querySelector('[part="start"]'),
      { timeout: 60000, polling: 100 },
    );
    await start.click();
    await page.waitForFunction(
      () => /Ready\.|Not ready\./.test(document.querySelector('[role="status"]').textContent),
      {
        timeout: 60000,
      },
    );
    await screenshots(page, `example-${name}`);
    return { status: await page.$eval('[role="status"]', (p) => p.textContent), errors };
  } finally {
    await page.close();
  }
}

const SHOTS = fileURLToPath(new URL('./test-results/screenshots/', import.meta.url));
/** Full-page screenshots of `page` at 1280 px and 390 px (a phone) into test-results/screenshots/. */
async function screenshots(page, name) {
  // WTR_SCREENSHOTS=1 takes them (full-page captures at two widths take minutes on a loaded machine)
  if (!process.env.WTR_SCREENSHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const viewport = page.viewport() ?? { width: 1280, height: 800 };
  for (const [label, width, height] of [
    ['desktop', 1280, 800],
    ['390', 390, 844],
  ]) {
    // best effort: a screenshot that times out on a loaded machine is reported, never fails the run
    try {
      await page.setViewport({ width, height, deviceScaleFactor: 1 });
      await sleep(300); // a layout pass and the elements' re-render
      await page.screenshot({ path: `${SHOTS}${name}-${label}.png`, fullPage: true, timeout: 20000 });
    } catch (error) {
      console.warn(`screenshot ${name}-${label} not taken: ${error.message}`);
    }
  }
  await page.setViewport(viewport).catch(() => undefined);
}

/**
 * The speed-test endpoints the reference server will provide, for the bandwidth check's tests:
 * `/__bandwidth/fast/…` at loopback speed, `/__bandwidth/slow/…` throttled to ~0.65 Mbit/s;
 * `late` and `late-slow`: the same, each answer 3 s late (a server slow to answer, a link far away),
 * `late-6s` 6 s late;
 * `buffered-slow`: a ~0.65 Mbit/s download held back whole and then sent at once (a proxy that
 * inspects it first); `spiky-slow`: ~0.65 Mbit/s, and the first empty request answered 3 s late (a
 * connection being set up, a latency spike); `spa`: the same HTML page, 200, for every path and
 * method (a static host's catch-all fallback, where no speed test is served).
 */
const bandwidthEndpoints = async (ctx, next) => {
  // /api/bandwidth/… as the reference server names it (for the examples), at loopback speed
  const m =
    /^\/__bandwidth\/(fast|slow|late|late-6s|late-slow|buffered-slow|spiky-slow|spa)\/(download|upload)$/.exec(
      ctx.path,
    ) ?? /^\/api\/bandwidth\/()(download|upload)$/.exec(ctx.path);
  if (!m) return next();
  if (m[1] === 'spa') {
    ctx.type = 'text/html';
    ctx.body = '<!doctype html><title>Exam</title><div id="app"></div><script src="/app.js"></script>';
    return;
  }
  const slow = m[1].endsWith('slow');
  const late = m[1].startsWith('late') && (m[1] === 'late-6s' ? 6000 : 3000);
  ctx.set('cache-control', 'no-store');
  if (m[2] === 'download') {
    const bytes = Math.min(Number(ctx.query.bytes) || 0, 50_000_000);
    if (late || (m[1] === 'spiky-slow' && ctx.query.r === '0')) await sleep(late || 3000);
    ctx.type = 'application/octet-stream';
    if (m[1] === 'buffered-slow') await sleep((bytes / 80_000) * 1000);
    if (!slow || m[1] === 'buffered-slow') return void (ctx.body = Buffer.alloc(bytes));
    ctx.body = Readable.from(
      (async function* () {
        for (let sent = 0; sent < bytes; sent += 8192) {
          yield Buffer.alloc(Math.min(8192, bytes - sent));
          await sleep(100);
        }
      })(),
    );
    return;
  }
  let received = 0;
  for await (const chunk of ctx.req) {
    received += chunk.length;
    if (slow) await sleep((chunk.length / 80_000) * 1000);
  }
  if (late) await sleep(late);
  ctx.body = { received };
};

export default {
  rootDir: '.',
  files: ['test/**/*.test.ts', '!test/media/**', '!test/compat/*/**'],
  nodeResolve: true,
  concurrency: 1,
  // a file may run for minutes (the delivery tests wait out a 30 s outage) on a loaded machine
  // a net for a hung browser, not a speed test: each test has its own mocha timeout, and a loaded
  // 2-core machine took 15 min for Chromium's whole run (CI run 37: 10 min was not enough)
  testsFinishTimeout: 40 * 60 * 1000,
  // WTR_GREP=… runs only the tests whose title matches (while developing)
  testFramework: { config: { timeout: 20000, ...(process.env.WTR_GREP ? { grep: process.env.WTR_GREP } : {}) } },
  middleware: [testAssetHosts, bandwidthEndpoints],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: here('./tsconfig.json') }),
    networkLogPlugin(),
    tabCommandsPlugin(),
    resultsServerPlugin(),
    screenshotPlugin(engine),
  ],
  browsers: [engine === 'chromium' ? chrome() : launch('default')],
  groups,
  reporters: [defaultReporter(), engineReporter({ engine, groupsNotRun })],
};
