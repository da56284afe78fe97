// A fixture camera and microphone for engines whose fake devices cannot play a file (Firefox: a
// green frame and a tone only).
// In the media groups that need a real face (one-face, two-faces, …) the browser's camera becomes a
// `canvas.captureStream()` painted from the group's committed still (test/fixtures/*.png, the same
// source as the .y4m Chromium plays), with small motion and sensor noise every frame, so the picture
// is never "frozen". It is installed as a WebDriver BiDi preload script for the whole browser, so it
// runs before any script of every page, frame and tab (the test page, its iframes, the exam tabs
// and the demo page on the results server's origin alike), and `navigator.mediaDevices.getUserMedia`
// answers it as a page would meet a camera. The engine's fake devices answer first (so permissions,
// missing devices and constraints fail as the engine fails them); only the video track is the
// canvas's. This is a stand-in for a camera, not the engine's capture pipeline: what it proves is
// what the page does with the frames.
// In the groups that need a fixture microphone (silent, quiet, loud, burst, talk-first, fan) the
// same preload swaps the audio track too: for the track of a Web Audio graph playing the group's
// WAV (the file Chromium's --use-file-for-fake-audio-capture plays, fetched from the page's own
// server, looping as Chromium loops it): AudioContext → AudioBufferSourceNode (loop) →
// MediaStreamAudioDestinationNode. The track keeps the engine track's label and settings (the engine
// track keeps capturing, unheard, meanwhile); stopping it (and every clone of it) stops the engine
// track and closes the graph.
// WebKitGTK's WebDriver has no preload scripts: there the same function runs as a classic script at
// the top of the test page itself (fixtureMediaTestPage, a test-runner `testRunnerHtml`), so it
// reaches that page only, not its iframes nor other tabs (tests that need those skip in WebKit).
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
  // the microphone groups that also have Chromium's one-face camera
  quiet: { image: 'one-face.png', width: 640, height: 480, noise: 2, sway: 2, zoom: 0.004 },
  burst: { image: 'one-face.png', width: 640, height: 480, noise: 2, sway: 2, zoom: 0.004 },
  black: { image: undefined, width: 640, height: 480, noise: 1, sway: 0, zoom: 0 },
  // a real-camera stand-in: 1280×720, more motion and stronger noise (photos of real size)
  'camera-720p': { image: 'one-face.png', width: 1280, height: 720, noise: 12, sway: 12, zoom: 0.02 },
};

/**
 * The microphone of each media group: the key of its WAV in `makeFixtures().audio` (the file the
 * Chromium group plays with --use-file-for-fake-audio-capture). The groups that also have a
 * camera in Chromium (quiet, burst) have it in FIXTURE_CAMERAS.
 */
export const FIXTURE_MICROPHONES = {
  silent: 'silence',
  quiet: 'quiet',
  loud: 'tone',
  burst: 'burst',
  'talk-first': 'talkFirst',
  fan: 'fan',
};

/* global AudioBufferSourceNode, AudioContext, createImageBitmap, document, MediaDevices,
   MediaStream, MediaStreamAudioDestinationNode, MediaStreamTrack -- in the page */
/**
 * Runs in each page before its scripts: replaces `MediaDevices.prototype.getUserMedia` so that a
 * request with video gets the engine's answer with its video track(s) swapped for the fixture's
 * canvas capture (with `camera`), and a request with audio its audio track(s) swapped for a
 * looping Web Audio graph of the fixture WAV at `microphone.url` (a path on the page's server).
 * Self-contained (serialised into the preload script).
 */
function installFixtureMedia({ camera: cameraOptions, microphone: microphoneOptions }) {
  if (typeof MediaDevices === 'undefined' || !MediaDevices.prototype.getUserMedia) return; // not a secure context
  const engineGetUserMedia = MediaDevices.prototype.getUserMedia;
  const { png, width, height, noise, sway, zoom, fps } = cameraOptions ?? {};
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
    // one frame per paint, as a camera sends one per exposure: captureStream(fps) samples the canvas
    // on a clock of its own (Firefox), which repeats a painted picture or skips one whenever the two
    // clocks drift (under load: often), and a repeated picture is what a frozen camera sends
    const stream = canvas.captureStream(0);
    const [track] = stream.getVideoTracks();
    // requestFrame(): the track's (the standard), the stream's in Firefox (CanvasCaptureMediaStream)
    const send = () => {
      paint();
      if (track.requestFrame) track.requestFrame();
      else stream.requestFrame();
    };
    send();
    // stops painting once the page stopped the track (stop() fires no 'ended' event)
    const timer = setInterval(() => (track.readyState === 'ended' ? clearInterval(timer) : send()), 1000 / fps);
    return track;
  };
  // the WAV's bytes, fetched once per page (each graph decodes a copy at its context's rate)
  let sound;
  const loadSound = () =>
    (sound ??= fetch(new URL(microphoneOptions.url, document.baseURI)).then((r) => {
      if (!r.ok) throw new Error(`fixture microphone: ${microphoneOptions.url} answered ${r.status}`);
      return r.arrayBuffer();
    }));
  /**
   * A track playing the WAV in a loop (as Chromium loops its fake capture file), that wears the
   * engine track's label, settings, capabilities and constraints (a page sees the engine's device;
   * a MediaStreamAudioDestinationNode's own track has no label). The engine track keeps capturing
   * (unheard) while this track or a clone of it is live, as a real microphone would: the engine
   * sees the page capturing (WebKit lets only a capturing page start audio without a click). Once
   * this track and every clone of it are stopped (stop() fires no 'ended': polled), the engine track
   * is stopped and the graph closed.
   */
  const microphone = async (engineTrack) => {
    const bytes = await loadSound();
    // the context's default rate: the same as the page's own AudioContext, which reads this track
    const context = new AudioContext();
    const buffer = await context.decodeAudioData(bytes.slice(0));
    const source = new AudioBufferSourceNode(context, { buffer, loop: true });
    const destination = new MediaStreamAudioDestinationNode(context, { channelCount: 1 });
    source.connect(destination);
    source.start();
    if (context.state !== 'running') {
      // the runner allows autoplay (media.autoplay.default 0); a context that does not start would
      // be a silent microphone and pass the "silent" tests wrongly: fail the request instead
      const started = await Promise.race([
        context.resume().then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 5000)),
      ]);
      if (!started) {
        void context.close();
        throw new Error(`fixture microphone: the AudioContext did not start (${context.state})`);
      }
    }
    const label = engineTrack.label;
    const settings = engineTrack.getSettings();
    const capabilities = engineTrack.getCapabilities?.() ?? {};
    const constraints = engineTrack.getConstraints();
    const live = new Set();
    const adopt = (track) => {
      live.add(track);
      const value = (v) => ({ configurable: true, writable: true, value: v });
      Object.defineProperties(track, {
        label: { configurable: true, get: () => label },
        getSettings: value(() => ({ ...settings })),
        getCapabilities: value(() => ({ ...capabilities })),
        getConstraints: value(() => ({ ...constraints })),
        clone: value(() => adopt(MediaStreamTrack.prototype.clone.call(track))),
      });
      return track;
    };
    const [track] = destination.stream.getAudioTracks();
    adopt(track);
    const timer = setInterval(() => {
      for (const t of live) if (t.readyState === 'ended') live.delete(t);
      if (live.size) return;
      clearInterval(timer);
      engineTrack.stop();
      source.stop();
      void context.close();
    }, 250);
    return track;
  };
  Object.defineProperty(MediaDevices.prototype, 'getUserMedia', {
    configurable: true,
    writable: true,
    value: async function getUserMedia(constraints) {
      const answer = await engineGetUserMedia.call(this, constraints);
      const swapVideo = !!(constraints?.video && cameraOptions);
      const swapAudio = !!(constraints?.audio && microphoneOptions);
      if (!swapVideo && !swapAudio) return answer;
      let videoTracks = answer.getVideoTracks();
      let audioTracks = answer.getAudioTracks();
      try {
        if (swapVideo) {
          const image = await loadStill();
          for (const t of videoTracks) t.stop();
          videoTracks = [camera(image)];
        }
        if (swapAudio) audioTracks = await Promise.all(audioTracks.map(microphone));
      } catch (error) {
        for (const t of [...videoTracks, ...audioTracks]) t.stop();
        throw error;
      }
      return new MediaStream([...videoTracks, ...audioTracks]);
    },
  });
}

/** What {@link installFixtureMedia} gets for `group` (its camera and/or microphone), or undefined. */
function fixtureMediaOptions(group, { audio = {} } = {}) {
  let camera;
  if (FIXTURE_CAMERAS[group]) {
    const { image, ...options } = FIXTURE_CAMERAS[group];
    const png = image ? readFileSync(`${fixtures}${image}`).toString('base64') : undefined;
    camera = { ...options, png, fps: 10 };
  }
  let microphone;
  if (FIXTURE_MICROPHONES[group]) {
    const url = audio[FIXTURE_MICROPHONES[group]];
    if (!url) throw new Error(`fixture microphone: no WAV path given for ${FIXTURE_MICROPHONES[group]}`);
    microphone = { url };
  }
  return camera || microphone ? { camera, microphone } : undefined;
}

/**
 * The BiDi preload script (a function declaration) installing `group`'s fixture camera and/or
 * microphone; `audio` maps FIXTURE_MICROPHONES' keys to the WAVs' paths on the test server.
 */
export function fixtureMediaScript(group, options) {
  return `() => (${installFixtureMedia.toString()})(${JSON.stringify(fixtureMediaOptions(group, options))})`;
}

/**
 * The same fixture media for an engine without preload scripts (WebKitGTK over WebDriver classic):
 * a test-runner `testRunnerHtml` (@web/test-runner group option) whose test page runs
 * {@link installFixtureMedia} in a classic inline script before the test framework loads. It
 * reaches only the test page itself: not its iframes, nor other tabs or pages. `options` as for
 * {@link fixtureMediaScript}; undefined when `group` has no fixture media.
 */
export function fixtureMediaTestPage(group, options) {
  const settings = fixtureMediaOptions(group, options);
  if (!settings) return undefined;
  // JSON in an inline script: no "</script>" may appear in it
  const script = `(${installFixtureMedia.toString()})(${JSON.stringify(settings).replace(/</g, '\\u003c')});`;
  if (/<\/script/i.test(script)) throw new Error('fixture media: the script cannot be inlined');
  return (testFramework) =>
    `<!DOCTYPE html><html><head><script>${script}</script></head><body><script type="module" src="${testFramework}"></script></body></html>`;
}

/**
 * puppeteer-core, but every browser it launches has `group`'s fixture camera and/or microphone in
 * all its pages (a preload script for all browsing contexts: WebDriver BiDi
 * `script.addPreloadScript` without `contexts`, through puppeteer's BiDi core, which its public API
 * only offers per page). `options` as for {@link fixtureMediaScript}.
 */
export function withFixtureMedia(puppeteer, group, options) {
  const script = fixtureMediaScript(group, options);
  return {
    async launch(launchOptions) {
      const browser = await puppeteer.launch(launchOptions);
      const core = browser.defaultBrowserContext().userContext?.browser;
      if (typeof core?.addPreloadScript !== 'function') {
        await browser.close();
        throw new Error('fixture media: this puppeteer-core has no BiDi preload scripts (Firefox over BiDi only)');
      }
      await core.addPreloadScript(script);
      return browser;
    },
  };
}
