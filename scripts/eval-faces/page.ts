/**
 * The face evaluation, in the browser (bundled by scripts/eval-faces.mjs): builds each labelled
 * image on a canvas from the public-domain sources (see test/fixtures/README.md), runs the real
 * detector (worker path) on it — once on the full frame, then as monitoring does over a few frames
 * (full frame, crop passes, tracking) — and returns raw scores; the thresholds are applied in Node.
 */
import { createFaceDetector } from '../../src/detection/face-detector.js';
import { FaceFinder } from './finder.js';
import type { Face, FaceDetectorHandle } from '../../src/detection/types.js';
import { FacePresence, FaceTracks } from '../../src/detection/tracking.js';
import { DEFAULT_TUNING, faceLostMs } from '../../src/monitoring/options.js';
import { i420Frame } from '../../test/helpers/i420.js';

/**
 * What the product's detector is given: 'picture' (default), the ImageBitmap itself; 'camera', each
 * picture as the I420 VideoFrame a webcam gives (BT.601 limited range, 4:2:0 chroma), converted on
 * the worker as monitoring's frames are. The baselines (byModel, crops) always get bitmaps.
 */
let input: 'camera' | 'picture' = 'picture';

/** Detects with the product's detector on `bitmap` given as `input` says. */
async function productDetect(bitmap: ImageBitmap, options: Parameters<FaceDetectorHandle['detect']>[1] = {}) {
  if (input === 'picture') return detector!.detect(bitmap, options);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  const frame = i420Frame(ctx.getImageData(0, 0, bitmap.width, bitmap.height));
  try {
    return await detector!.detect(frame, options);
  } finally {
    frame.close();
  }
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One labelled image to build: a source, where its face goes, and what happens to the picture. */
export interface Case {
  id: string;
  source: string;
  /** The face box in the source (pixels), for positives. */
  face?: Box;
  /** The face's eye/mouth points in the source, for occluders. */
  points?: { leftEye: [number, number]; rightEye: [number, number]; mouth: [number, number] };
  /** Face width wanted at 640×480. */
  width?: number;
  /** Face centre wanted, as fractions of the frame. */
  at?: [number, number];
  background?: string;
  condition: string;
  ev?: number;
  noise?: number;
  blur?: number;
  rotate?: number;
  gray?: boolean;
  backlight?: boolean;
  occluder?: 'glasses' | 'hand' | 'mask';
  /** Solid colour or gradient negatives. */
  fill?: string;
  gradient?: [string, string];
  seed?: number;
}

const W = 640;
const H = 480;
const images = new Map<string, ImageBitmap>();

async function load(src: string) {
  let img = images.get(src);
  if (!img) {
    const blob = await (await fetch(`/__src/${src}`)).blob();
    img = await createImageBitmap(blob);
    images.set(src, img);
  }
  return img;
}

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** sRGB ↔ linear (approximate 2.2 gamma) exposure change by `ev` stops, per pixel, optionally masked. */
function expose(data: Uint8ClampedArray, ev: number, mask?: (i: number) => number) {
  const lut = new Uint8ClampedArray(256);
  const k = 2 ** ev;
  for (let v = 0; v < 256; v++) lut[v] = 255 * Math.min(1, (v / 255) ** 2.2 * k) ** (1 / 2.2);
  for (let i = 0; i < data.length; i += 4) {
    const m = mask ? mask(i / 4) : 1;
    for (let c = 0; c < 3; c++) data[i + c] = data[i + c] * (1 - m) + lut[data[i + c]] * m;
  }
}

function gaussian(rand: () => number) {
  const u = Math.max(rand(), 1e-9);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

let noise: Float32Array | undefined;
function noiseTable() {
  if (!noise) {
    const rand = prng(12345);
    noise = new Float32Array(W * H * 2 + 7);
    for (let i = 0; i < noise.length; i++) noise[i] = gaussian(rand);
  }
  return noise;
}

/** Builds a case's 640×480 frame; returns it with the face box in frame pixels (clipped to the frame). */
export async function build(c: Case): Promise<{ canvas: OffscreenCanvas; truth?: Box }> {
  const canvas = new OffscreenCanvas(W, H);
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  const rand = prng(c.seed ?? 1);
  if (c.fill) {
    g.fillStyle = c.fill;
    g.fillRect(0, 0, W, H);
  } else if (c.gradient) {
    const grad = g.createLinearGradient(0, 0, W, H);
    grad.addColorStop(0, c.gradient[0]);
    grad.addColorStop(1, c.gradient[1]);
    g.fillStyle = grad;
    g.fillRect(0, 0, W, H);
  }
  const cover = async (src: string) => {
    const img = await load(src);
    const s = Math.max(W / img.width, H / img.height);
    g.drawImage(img, (W - img.width * s) / 2, (H - img.height * s) / 2, img.width * s, img.height * s);
  };
  let truth: Box | undefined;
  if (c.background) await cover(c.background);
  if (c.face && c.width) {
    const img = await load(c.source);
    const s = c.width / c.face.width;
    const [fx, fy] = c.at ?? [0.5, 0.45];
    const cx = (c.face.x + c.face.width / 2) * s;
    const cy = (c.face.y + c.face.height / 2) * s;
    const ox = fx * W - cx;
    const oy = fy * H - cy;
    g.save();
    if (c.rotate) {
      g.translate(fx * W, fy * H);
      g.rotate((c.rotate * Math.PI) / 180);
      g.translate(-fx * W, -fy * H);
    }
    g.drawImage(img, ox, oy, img.width * s, img.height * s);
    if (c.occluder && c.points) {
      const p = (q: [number, number]) => [ox + q[0] * s, oy + q[1] * s] as const;
      const [lx, ly] = p(c.points.leftEye);
      const [rx, ry] = p(c.points.rightEye);
      const [mx, my] = p(c.points.mouth);
      const eye = Math.hypot(lx - rx, ly - ry);
      if (c.occluder === 'glasses') {
        g.strokeStyle = '#111';
        g.lineWidth = Math.max(1.5, eye * 0.08);
        g.fillStyle = 'rgba(40,40,60,0.35)';
        for (const [x, y] of [
          [lx, ly],
          [rx, ry],
        ]) {
          g.beginPath();
          g.ellipse(x, y, eye * 0.42, eye * 0.3, 0, 0, 2 * Math.PI);
          g.fill();
          g.stroke();
        }
        g.beginPath();
        g.moveTo(lx - eye * 0.42 * Math.sign(lx - rx) * -1, ly);
        g.lineTo(rx + eye * 0.42 * Math.sign(lx - rx) * -1, ry);
        g.stroke();
      } else if (c.occluder === 'mask') {
        g.fillStyle = '#9cc9e8';
        g.beginPath();
        g.ellipse(mx, my - eye * 0.05, eye * 0.95, eye * 0.62, 0, 0, 2 * Math.PI);
        g.fill();
      } else {
        // a hand over the mouth: a skin-toned palm and fingers
        g.fillStyle = '#d9a07e';
        g.beginPath();
        g.ellipse(mx + eye * 0.15, my + eye * 0.1, eye * 0.75, eye * 0.5, -0.3, 0, 2 * Math.PI);
        g.fill();
        for (let k = 0; k < 4; k++) {
          g.beginPath();
          g.ellipse(mx - eye * 0.6 + k * eye * 0.3, my - eye * 0.35, eye * 0.12, eye * 0.4, 0.2, 0, 2 * Math.PI);
          g.fill();
        }
      }
    }
    g.restore();
    const box = { x: ox + c.face.x * s, y: oy + c.face.y * s, width: c.face.width * s, height: c.face.height * s };
    const x0 = Math.max(0, box.x);
    const y0 = Math.max(0, box.y);
    const x1 = Math.min(W, box.x + box.width);
    const y1 = Math.min(H, box.y + box.height);
    truth = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  } else if (c.source && !c.fill && !c.gradient) {
    await cover(c.source);
  }
  if (c.gray) {
    const copy = new OffscreenCanvas(W, H);
    copy.getContext('2d')!.drawImage(canvas, 0, 0);
    g.filter = 'grayscale(1)';
    g.drawImage(copy, 0, 0);
    g.filter = 'none';
  }
  if (c.blur) {
    const copy = new OffscreenCanvas(W, H);
    copy.getContext('2d')!.drawImage(canvas, 0, 0);
    g.filter = `blur(${c.blur}px)`;
    g.drawImage(copy, 0, 0);
    g.filter = 'none';
  }
  if (c.ev || c.noise || c.backlight) {
    const data = g.getImageData(0, 0, W, H);
    if (c.backlight && truth) {
      // a bright window behind: everything but the face (an ellipse around it) +1.5 EV, the face −1 EV
      const fx = truth.x + truth.width / 2;
      const fy = truth.y + truth.height / 2;
      const inside = (i: number) => {
        const dx = ((i % W) - fx) / (truth.width * 0.75);
        const dy = (Math.floor(i / W) - fy) / (truth.height * 0.95);
        return Math.max(0, Math.min(1, 1.5 - Math.hypot(dx, dy)));
      };
      expose(data.data, -1, inside);
      expose(data.data, 1.5, (i) => 1 - inside(i));
    }
    if (c.ev) expose(data.data, c.ev);
    if (c.noise) {
      // unit Gaussian noise from a table (one per run), read at a seeded offset: fast enough for
      // the 10-minute sequence, and still different every frame
      const table = noiseTable();
      let j = Math.floor(rand() * table.length);
      for (let i = 0; i < data.data.length; i += 4) {
        const n = table[j++ % table.length] * c.noise;
        for (let k = 0; k < 3; k++) data.data[i + k] += n + table[(j * 7 + k * 131) % table.length] * c.noise * 0.3;
      }
    }
    g.putImageData(data, 0, 0);
  }
  return { canvas, truth };
}

let detector: FaceDetectorHandle | undefined;
/** The other models, each from an asset copy of its own (see scripts/eval-faces.mjs). */
const models: Record<string, FaceDetectorHandle> = {};

export interface Thresholds {
  birth: number;
  keep: number;
}

/**
 * One case: detections on the full frame (short- and full-range models), then `frames` frames of
 * the still through the finder and tracking as monitoring runs them; what is followed at the end
 * (a track seen at least twice) is the product's answer.
 */
async function evaluate(c: Case, frames: number, t: Thresholds) {
  const { canvas, truth } = await build(c);
  const bitmap = canvas.transferToImageBitmap();
  const pick = (faces: Face[]) => faces.map((f) => ({ score: f.score, box: f.box }));
  const byModel: Record<string, { faces: { score: number; box: Face['box'] }[]; ms: number }> = {};
  for (const [name, d] of Object.entries(models)) {
    const r = await d.detect(bitmap);
    byModel[name] = { faces: pick(r.faces), ms: r.inferenceMs };
  }
  // the short-range model with crop passes (the alternative measured for small faces)
  const finder = new FaceFinder(models.short);
  const cropTracks = new FaceTracks({ birthScore: t.birth, keepScore: t.keep, lostMs: 1000 });
  const costs: number[] = [];
  // the product: the shipped model on the whole frame and region passes between (as monitoring
  // runs them, DEFAULT_TUNING.fullFrameMs), with tracking
  const tracks = new FaceTracks({
    birthScore: t.birth,
    keepScore: t.keep,
    lostMs: 1000,
    regions: { fullFrameMs: DEFAULT_TUNING.fullFrameMs },
  });
  // crop passes only where they could matter (small faces, negatives): a full scan cycle of frames
  const cropFrames = !c.width || c.width < 100 ? frames : 0;
  for (let f = 0; f < cropFrames; f++) {
    const r = await finder.find(bitmap, { tracked: cropTracks.live.map((x) => x.box) });
    costs.push(r.inferenceMs);
    cropTracks.update(r.faces, f * 250);
  }
  if (!cropFrames) cropTracks.update((await models.short.detect(bitmap)).faces, 0);
  for (let f = 0; f < 4; f++) {
    const region = tracks.nextRegion(bitmap.width, bitmap.height, f * 250);
    const r = await productDetect(bitmap, region ? { region } : {});
    tracks.update(r.faces, f * 250, r.region);
  }
  bitmap.close();
  const followed = (ts: FaceTracks, hits = 2) =>
    ts.live.filter((x) => x.hits >= hits).map((x) => ({ score: x.score, box: x.box }));
  return {
    id: c.id,
    truth,
    byModel,
    crops: followed(cropTracks, cropFrames ? 2 : 1),
    cropMs: costs,
    ours: followed(tracks),
  };
}

declare global {
  interface Window {
    evalFaces: typeof api & { reference: typeof reference; sequence: typeof sequence };
  }
}

const api = {
  async start(floor: number, given: 'camera' | 'picture' = 'picture') {
    input = given;
    const at = (path: string) => new URL(path, location.href).href;
    detector = await createFaceDetector({ minConfidence: floor, assetBase: at('/dist/assets/') });
    // the region model loads on the first region asked for: wait until it answers
    const blank = new OffscreenCanvas(64, 64);
    blank.getContext('2d')!.fillRect(0, 0, 64, 64);
    const region = { x: 0, y: 0, width: 32, height: 32 };
    for (let i = 0; i < 200 && !(await detector.detect(blank.transferToImageBitmap(), { region })).region; i++)
      await new Promise((r) => setTimeout(r, 50));
    for (const name of ['short', 'full', 'sparse'])
      models[name] = await createFaceDetector({ minConfidence: floor, assetBase: at(`/eval/.assets-${name}/`) });
    return detector.backend;
  },
  async run(cases: Case[], frames: number, t: Thresholds) {
    const out = [];
    for (const c of cases) out.push(await evaluate(c, frames, t));
    return out;
  },
  /** A PNG data URL of one case (to look at). */
  async picture(c: Case) {
    const { canvas } = await build(c);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    return new Promise<string>((r) => {
      const reader = new FileReader();
      reader.onload = () => r(reader.result as string);
      reader.readAsDataURL(blob);
    });
  },
};

/** The detector's face on a clean source (drawn to fit 640×480), in source pixels, with eyes and mouth. */
async function reference(source: string) {
  const img = await load(source);
  const s = Math.min(W / img.width, H / img.height);
  const canvas = new OffscreenCanvas(W, H);
  canvas.getContext('2d')!.drawImage(img, 0, 0, img.width * s, img.height * s);
  const { faces } = await detector!.detect(canvas.transferToImageBitmap());
  const f = faces.sort((a, b) => b.score - a.score)[0];
  const back = (v: number) => v / s;
  const kp = (i: number): [number, number] => [back(f.keypoints[i].x), back(f.keypoints[i].y)];
  return {
    face: { x: back(f.box.x), y: back(f.box.y), width: back(f.box.width), height: back(f.box.height) },
    // BlazeFace keypoints: right eye, left eye, nose tip, mouth
    points: { rightEye: kp(0), leftEye: kp(1), mouth: kp(3) },
  };
}

/**
 * `minutes` of one candidate at the monitoring rate on a scripted clock: the astronaut at a laptop
 * distance drifting (sway, lean, zoom), light drifting ±0.7 EV, sensor noise; fed through the
 * finder and presence tracking as monitoring does. Returns the false alarms.
 */
async function sequence(minutes: number, tuning: typeof DEFAULT_TUNING, absent?: [number, number]) {
  const astro = await reference('astronaut.png');
  const presence = new FacePresence({
    birthScore: tuning.minConfidence,
    keepScore: tuning.keepConfidence,
    lostMs: faceLostMs(tuning),
    noFaceMs: tuning.noFaceMs,
    multipleFacesMs: tuning.multipleFacesMs,
    recoverMs: tuning.recoverMs,
    regions: { fullFrameMs: tuning.fullFrameMs },
  });
  const costs: number[] = [];
  let regionFrames = 0;
  const events: string[] = [];
  const step = 1000 / tuning.detectionFps;
  const frames = Math.round((minutes * 60_000) / step);
  let noFace = 0;
  let multiple = 0;
  let missedFrames = 0;
  const alarms: string[] = [];
  for (let i = 0; i < frames; i++) {
    const t = i * step;
    const s = t / 1000;
    const width = 120 + 25 * Math.sin(s / 23) + 10 * Math.sin(s / 5.3);
    // `absent` (s): the candidate has left; only the room is in the picture
    const away = absent && s >= absent[0] && s < absent[1];
    const { canvas } = await build({
      id: 'seq',
      source: away ? 'home.jpg' : 'astronaut.png',
      face: away ? undefined : astro.face,
      width,
      at: [0.5 + 0.08 * Math.sin(s / 11) + 0.02 * Math.sin(s * 1.3), 0.45 + 0.05 * Math.sin(s / 7)],
      rotate: 8 * Math.sin(s / 9),
      background: 'home.jpg',
      condition: 'sequence',
      ev: 0.7 * Math.sin(s / 40) - 0.3,
      noise: 5,
      seed: i + 1,
    });
    const bitmap = canvas.transferToImageBitmap();
    const region = presence.nextRegion(bitmap.width, bitmap.height, t);
    const r = await productDetect(bitmap, region ? { region } : {});
    bitmap.close();
    costs.push(r.inferenceMs);
    if (r.region) regionFrames++;
    if (!away && !r.faces.some((f) => f.score >= tuning.keepConfidence)) missedFrames++;
    for (const e of presence.observe(r.faces, t, r.region)) {
      events.push(`${e.type} ${e.phase} at ${(e.at / 1000).toFixed(2)} s`);
      if (e.phase === 'begin' && !(absent && e.type === 'no_face' && e.at >= absent[0] * 1000)) {
        if (e.type === 'no_face') noFace++;
        else multiple++;
        const faces = r.faces.map(
          (f) => `${f.score.toFixed(2)}@${Math.round(f.box.x)},${Math.round(f.box.y)} ${Math.round(f.box.width)}px`,
        );
        alarms.push(`${e.type} at ${(t / 1000).toFixed(1)} s: ${faces.join('; ')}`);
      }
    }
  }
  return { frames, noFace, multiple, missedFrames, alarms, costs, regionFrames, events };
}
window.evalFaces = Object.assign(api, { reference, sequence });
