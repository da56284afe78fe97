// A fixture camera for engines whose fake camera cannot play a file (Firefox: a green frame only).
// In the media groups that need a real face (one-face, two-faces, …) the browser's camera becomes a
// `canvas.captureStream()` painted from the group's committed still (test/fixtures/*.png, the same
// source as the .y4m Chromium plays), with small motion and sensor noise every frame, so the picture
// is never "frozen". It is installed as a WebDriver BiDi preload script for the whole browser, so it
// runs before any script of every page, frame and tab (the test page, its iframes, the exam tabs
// and the demo page on the results server's origin alike), and `navigator.mediaDevices.getUserMedia`
// answers it as a page would meet a camera. The engine's fake devices answer first (so permissions,
// missing devices and constraints fail as the engine fails them; audio stays the engine's fake
// microphone); only the video track is the canvas's. This is a stand-in for a camera, not the
// engine's capture pipeline: what it proves is what the page does with the frames.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

/**
 * The camera of each media group, as scripts/fixtures.mjs makes its .y4m for Chromium: a still
 * (`image`, or none for black) at `width`×`height`, with `noise` levels of uniform luma noise and
 * a sway of `sway` px (and a zoom of ±`zoom`) over a 3 s cycle.
 */
export const FIXTURE_CAMERAS = {
  'one-face': { image: 'one-face.png', width: 640, height: 480, noise: 2, sway: 2, zoom: 0.004 },
  'no-face': { image: 'coffee.png', width: 640, height: 480, noise: 2, sway: 2, zoom: 0.004 },
  'two-faces': { image: 'two-faces.png', width: 640, height: 480, noise: 2, sway: 2, zoom: 0.004 },
  privacy: { image: 'one-face.png', width: 640, height: 480, noise: 2, sway: 2, zoom: 0.004 },
  black: { image: undefined, width: 640, height: 480, noise: 1, sway: 0, zoom: 0 },
  // a real-camera stand-in: 1280×720, more motion and stronger noise (photos of real size)
  'camera-720p': { image: 'one-face.png', width: 1280, height: 720, noise: 12, sway: 12, zoom: 0.02 },
};

/* global createImageBitmap, document, MediaDevices, MediaStream -- in the page */
/**
 * Runs in each page before its scripts: replaces `MediaDevices.prototype.getUserMedia` so that a
 * request with video gets the engine's answer with its video track(s) swapped for the fixture's
 * canvas capture. Self-contained (serialised into the preload script).
 */
function installFixtureCamera({ png, width, height, noise, sway, zoom, fps }) {
  if (typeof MediaDevices === 'undefined' || !MediaDevices.prototype.getUserMedia) return; // not a secure context
  const engineGetUserMedia = MediaDevices.prototype.getUserMedia;
  let still;
  const loadStill = () =>
    (still ??= png
      ? createImageBitmap(new Blob([Uint8Array.from(atob(png), (c) => c.charCodeAt(0))], { type: 'image/png' }))
      : Promise.resolve(undefined));
  let seed = 7;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const camera = (image) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d', { willReadFrequently: true });
    const cycle = 3 * fps;
    let frame = 0;
    const paint = () => {
      const phase = (2 * Math.PI * (frame++ % cycle)) / cycle;
      g.fillStyle = '#000';
      g.fillRect(0, 0, width, height);
      if (image) {
        // cover the frame (a little over, so the sway never shows an edge), sway and zoom
        const scale =
          Math.max(width / image.width, height / image.height) *
          (1 + 2 * zoom + (4 * sway) / width + zoom * Math.sin(phase));
        g.setTransform(
          scale,
          0,
          0,
          scale,
          width / 2 + sway * Math.sin(phase),
          height / 2 + (sway / 2) * Math.sin(2 * phase),
        );
        g.drawImage(image, -image.width / 2, -image.height / 2);
        g.setTransform(1, 0, 0, 1, 0, 0);
      }
      const pixels = g.getImageData(0, 0, width, height);
      const d = pixels.data;
      for (let i = 0; i < d.length; i += 4) {
        const n = (rand() * 2 - 1) * noise;
        d[i] += n;
        d[i + 1] += n;
        d[i + 2] += n;
      }
      g.putImageData(pixels, 0, 0);
    };
    paint();
    const stream = canvas.captureStream(fps);
    const [track] = stream.getVideoTracks();
    // stops painting once the page stopped the track (stop() fires no 'ended' event)
    const timer = setInterval(() => (track.readyState === 'ended' ? clearInterval(timer) : paint()), 1000 / fps);
    return track;
  };
  Object.defineProperty(MediaDevices.prototype, 'getUserMedia', {
    configurable: true,
    writable: true,
    value: async function getUserMedia(constraints) {
      const answer = await engineGetUserMedia.call(this, constraints);
      if (!constraints?.video) return answer;
      const image = await loadStill();
      for (const t of answer.getVideoTracks()) t.stop();
      return new MediaStream([camera(image), ...answer.getAudioTracks()]);
    },
  });
}

/** The BiDi preload script (a function declaration) installing `group`'s fixture camera. */
export function fixtureCameraScript(group) {
  const { image, ...camera } = FIXTURE_CAMERAS[group];
  const png = image ? readFileSync(`${fixtures}${image}`).toString('base64') : undefined;
  return `() => (${installFixtureCamera.toString()})(${JSON.stringify({ ...camera, png, fps: 10 })})`;
}

/**
 * puppeteer-core, but every browser it launches has `group`'s fixture camera in all its pages (a
 * preload script for all browsing contexts: WebDriver BiDi `script.addPreloadScript` without
 * `contexts`, through puppeteer's BiDi core, which its public API only offers per page).
 */
export function withFixtureCamera(puppeteer, group) {
  return {
    async launch(options) {
      const browser = await puppeteer.launch(options);
      const core = browser.defaultBrowserContext().userContext?.browser;
      if (typeof core?.addPreloadScript !== 'function') {
        await browser.close();
        throw new Error('fixture camera: this puppeteer-core has no BiDi preload scripts (Firefox over BiDi only)');
      }
      await core.addPreloadScript(fixtureCameraScript(group));
      return browser;
    },
  };
}
