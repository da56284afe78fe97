// Test media made at test time from the small committed sources in test/fixtures/ (see its
// README): .y4m videos for Chromium's fake camera and .wav files for its fake microphone.
// Written to test/fixtures/generated/ (git-ignored); skipped when already up to date.
import { PNG } from 'pngjs';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const out = `${dir}generated/`;
const FRAMES = 6; // Chromium loops the file; a few frames with sensor-like noise avoid a "frozen" image

/** Deterministic PRNG (mulberry32) so the same fixtures come out every run. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RGBA pixels → one I420 frame (BT.601, limited range), with ±noise on luma. */
function toI420({ width, height, data }, noise, rand) {
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const clamp = (x) => Math.max(0, Math.min(255, Math.round(x)));
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [data[i * 4], data[i * 4 + 1], data[i * 4 + 2]];
    const n = noise ? (rand() * 2 - 1) * noise : 0;
    y[i] = clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255 + n);
  }
  for (let cy = 0; cy < height / 2; cy++) {
    for (let cx = 0; cx < width / 2; cx++) {
      let r = 0,
        g = 0,
        b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const p = ((cy * 2 + dy) * width + cx * 2 + dx) * 4;
        r += data[p];
        g += data[p + 1];
        b += data[p + 2];
      }
      [r, g, b] = [r / 1020, g / 1020, b / 1020];
      u[cy * (width / 2) + cx] = clamp(128 - 37.797 * r - 74.203 * g + 112 * b);
      v[cy * (width / 2) + cx] = clamp(128 + 112 * r - 93.786 * g - 18.214 * b);
    }
  }
  return Buffer.concat([y, u, v]);
}

function writeY4m(file, image, { frames = FRAMES, noise = 2, seed = 1 } = {}) {
  const rand = prng(seed);
  const parts = [Buffer.from(`YUV4MPEG2 W${image.width} H${image.height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) parts.push(Buffer.from('FRAME\n'), toI420(image, noise, rand));
  writeFileSync(file, Buffer.concat(parts));
}

/** 16-bit mono PCM WAV from a sample function of time (s) → [-1, 1]. */
function writeWav(file, seconds, sample, rate = 48000) {
  const n = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++)
    buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, sample(i / rate))) * 32767), 44 + i * 2);
  writeFileSync(file, buf);
}

/**
 * A quiet room (-70 dBFS hiss) for 4 s, then 4 s of voice-like sound: a glottal-like harmonic series
 * (pitch gliding 110–150 Hz) in syllables of 180 ms with 90 ms gaps and a longer pause between words.
 */
function voiceLike(t) {
  const room = 10 ** (-70 / 20) * Math.SQRT2 * Math.sin(2 * Math.PI * 3000 * t + 7 * Math.sin(2 * Math.PI * 13 * t));
  if (t < 4 || t > 7.9) return room;
  const s = t - 4;
  const word = s % 1.3; // a word of four syllables, then a 0.22 s pause
  const syllable = word % 0.27;
  const on = word < 1.08 && syllable < 0.18;
  if (!on) return room;
  const envelope = Math.sin((Math.PI * syllable) / 0.18);
  // the phase of a pitch gliding as 130 + 20·sin(2π·0.7·s) Hz (its integral)
  const phase = 2 * Math.PI * (130 * s - (20 / (2 * Math.PI * 0.7)) * Math.cos(2 * Math.PI * 0.7 * s));
  let v = 0;
  for (let k = 1; k <= 12; k++) v += Math.sin(k * phase) / k;
  return room + 0.08 * envelope * v;
}

/** A quiet room, then from 6 s a fan: low-passed noise at about -40 dBFS with a slight 9 Hz flutter. */
function fanNoise() {
  const rand = prng(7);
  let lp = 0;
  return (t) => {
    lp = 0.97 * lp + 0.03 * (rand() * 2 - 1);
    const room = 10 ** (-70 / 20) * Math.SQRT2 * Math.sin(2 * Math.PI * 3000 * t + 7 * Math.sin(2 * Math.PI * 13 * t));
    return room + (t < 6 ? 0 : 0.12 * lp * (1 + 0.05 * Math.sin(2 * Math.PI * 9 * t)));
  };
}

/** Gaussian noise (Box–Muller) from the seeded PRNG. */
function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
}

/**
 * A camera the way real ones look: the still scaled to `width`×`height` (bilinear), moving a
 * little every frame (a slow sway of a few pixels and a slight zoom, as a candidate breathes and
 * shifts), with per-pixel sensor noise (σ `noise` levels of luma, half that on chroma, stronger in
 * the dark) — so its JPEG photos have the sizes real webcams give (tens to hundreds of KB), not
 * the few KB of a clean still.
 */
function writeCameraY4m(file, image, { width, height, frames = 30, noise = 8, seed = 7 }) {
  const rand = prng(seed);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  const rgba = Buffer.alloc(width * height * 4);
  for (let f = 0; f < frames; f++) {
    const phase = (2 * Math.PI * f) / frames;
    const dx = 6 * Math.sin(phase) * (width / 640);
    const dy = 3 * Math.sin(2 * phase) * (height / 480);
    const zoom = 1 + 0.02 * Math.sin(phase);
    // cover: scale the still to fill the frame, then sway and zoom around the centre
    const scale = Math.max(width / image.width, height / image.height) * zoom;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const sx = Math.min(image.width - 1.001, Math.max(0, (x - width / 2 - dx) / scale + image.width / 2));
        const sy = Math.min(image.height - 1.001, Math.max(0, (y - height / 2 - dy) / scale + image.height / 2));
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        const o = (y * width + x) * 4;
        for (let c = 0; c < 3; c++) {
          const p = (yy, xx) => image.data[((y0 + yy) * image.width + x0 + xx) * 4 + c];
          const v = (p(0, 0) * (1 - fx) + p(0, 1) * fx) * (1 - fy) + (p(1, 0) * (1 - fx) + p(1, 1) * fx) * fy;
          rgba[o + c] = v;
        }
        rgba[o + 3] = 255;
      }
    }
    // sensor noise: luma and chroma, shot noise stronger in dark areas
    for (let i = 0; i < width * height; i++) {
      const o = i * 4;
      const dark = 1 + (255 - (rgba[o] + rgba[o + 1] + rgba[o + 2]) / 3) / 255;
      const l = gaussian(rand) * noise * dark;
      for (let c = 0; c < 3; c++)
        rgba[o + c] = Math.max(0, Math.min(255, rgba[o + c] + l + gaussian(rand) * (noise / 2)));
    }
    parts.push(Buffer.from('FRAME\n'), toI420({ width, height, data: rgba }, 0, rand));
  }
  writeFileSync(file, Buffer.concat(parts));
}

const STILLS = { 'one-face': 'one-face.png', 'two-faces': 'two-faces.png', 'no-face': 'coffee.png', cat: 'cat.png' };

/** Makes (or reuses) every generated fixture and returns their absolute paths. */
export async function makeFixtures() {
  mkdirSync(out, { recursive: true });
  const video = {};
  const fresh = (target, source) =>
    existsSync(target) && (!source || statSync(target).mtimeMs >= statSync(source).mtimeMs);
  for (const [name, png] of Object.entries(STILLS)) {
    video[name] = `${out}${name}.y4m`;
    if (!fresh(video[name], `${dir}${png}`)) writeY4m(video[name], PNG.sync.read(readFileSync(`${dir}${png}`)));
  }
  // real-camera stand-ins: motion and sensor noise at 640×480 and 1280×720 (see writeCameraY4m)
  const onePng = `${dir}one-face.png`;
  for (const [name, width, height] of [
    ['camera-480p', 640, 480],
    ['camera-720p', 1280, 720],
  ]) {
    // the file name carries the generator's settings, so a change makes a new file
    video[name] = `${out}${name}-noise8.y4m`;
    if (!fresh(video[name], onePng))
      writeCameraY4m(video[name], PNG.sync.read(readFileSync(onePng)), { width, height });
  }
  video.black = `${out}black.y4m`;
  if (!fresh(video.black)) {
    const black = { width: 640, height: 480, data: Buffer.alloc(640 * 480 * 4, 0) };
    writeY4m(video.black, black, { noise: 1 });
  }
  const audio = {
    silence: `${out}silence.wav`,
    // -12 dBFS 440 Hz tone: clearly "above background" and well below clipping
    tone: `${out}tone.wav`,
    // 440 Hz at -70 dBFS RMS: not silence, but below the microphone check's -60 dBFS "sound" line
    quiet: `${out}quiet.wav`,
    // a quiet room (-70 dBFS) for 4 s, then a voice-like sound for 4 s (syllables of a 110–150 Hz
    // pitch with its harmonics, ~-25 dBFS): what the audio tracker calls talking; loops
    burst: `${out}burst-voice.wav`,
  };
  if (!fresh(audio.silence)) writeWav(audio.silence, 6, () => 0);
  if (!fresh(audio.tone)) writeWav(audio.tone, 6, (t) => 0.25 * Math.sin(2 * Math.PI * 440 * t));
  if (!fresh(audio.burst)) writeWav(audio.burst, 8, voiceLike);
  // someone talking from the first second (4 s), then the quiet room (4 s); loops
  audio.talkFirst = `${out}talk-first.wav`;
  if (!fresh(audio.talkFirst)) writeWav(audio.talkFirst, 8, (t) => voiceLike((t + 4) % 8));
  // a quiet room, then a fan switched on at 6 s (steady noise 30 dB above the room) for the rest of a minute
  audio.fan = `${out}fan.wav`;
  if (!fresh(audio.fan)) writeWav(audio.fan, 60, fanNoise());
  if (!fresh(audio.quiet))
    writeWav(audio.quiet, 6, (t) => 10 ** (-70 / 20) * Math.SQRT2 * Math.sin(2 * Math.PI * 440 * t));
  return { video, audio };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await makeFixtures(), null, 2));
}
