import { expect } from '@open-wc/testing';
import { BufferPool, FramePixels, resample } from '../../src/media/frame-pixels.js';
import { FrameSampler } from '../../src/media/frame-stats.js';
import { i420Frame } from '../helpers/i420.js';
import { engine, itExcept } from '../helpers/engine.js';
import { loadFixtureImage } from '../helpers/media.js';

async function astronaut(): Promise<ImageData> {
  const canvas = new OffscreenCanvas(640, 480);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(await loadFixtureImage('one-face'), 0, 0);
  return ctx.getImageData(0, 0, 640, 480);
}

/** Mean absolute difference per colour channel (0–255) of two RGBA images of one size. */
function meanDifference(a: ImageData, b: ImageData): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c] - b.data[i + c]);
  return sum / ((a.data.length / 4) * 3);
}

/** The browser's own RGBA of a VideoFrame (drawn on a canvas). */
function drawn(frame: VideoFrame): ImageData {
  const canvas = new OffscreenCanvas(frame.displayWidth, frame.displayHeight);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(frame, 0, 0);
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

describe('FramePixels (a camera frame read with VideoFrame.copyTo and converted on the worker)', function () {
  this.timeout(20000);

  for (const space of [{}, { matrix: 'bt709', fullRange: false }, { matrix: 'smpte170m', fullRange: true }] as const) {
    it(`converts an I420 frame (${JSON.stringify(space)}) to the colours the browser draws`, async () => {
      const original = await astronaut();
      const frame = i420Frame(original, space);
      try {
        const pixels = await FramePixels.read(frame);
        expect(pixels, 'I420 is read').to.not.equal(undefined);
        expect([pixels!.width, pixels!.height]).to.deep.equal([640, 480]);
        const ours = pixels!.toImageData();
        // against the browser's conversion of the same frame, and against the picture it was made from
        // WebKitGTK draws I420 with its own conversion (~2.4 levels from ours and Chromium's)
        expect(meanDifference(ours, drawn(frame)), 'vs the browser').to.be.below(engine === 'webkit' ? 3 : 1.5);
        expect(meanDifference(ours, original), 'vs the original picture').to.be.below(4);
      } finally {
        frame.close();
      }
    });
  }

  it('reads an NV12 frame (what Windows and macOS cameras give) as the same picture as its I420 twin', async () => {
    const i420 = i420Frame(await astronaut());
    const [w, h] = [640, 480];
    const planes = new Uint8Array(w * h * 1.5);
    await i420.copyTo(planes);
    const nv12Data = new Uint8Array(w * h * 1.5);
    nv12Data.set(planes.subarray(0, w * h));
    for (let c = 0; c < (w / 2) * (h / 2); c++) {
      nv12Data[w * h + 2 * c] = planes[w * h + c];
      nv12Data[w * h + 2 * c + 1] = planes[w * h * 1.25 + c];
    }
    const nv12 = new VideoFrame(nv12Data, {
      format: 'NV12',
      codedWidth: w,
      codedHeight: h,
      timestamp: 0,
      colorSpace: i420.colorSpace.toJSON(),
    });
    try {
      const a = (await FramePixels.read(i420))!.toImageData();
      const b = (await FramePixels.read(nv12))!.toImageData();
      expect(meanDifference(a, b)).to.equal(0);
      expect(meanDifference(b, drawn(nv12)), 'vs the browser').to.be.below(engine === 'webkit' ? 3 : 1.5);
    } finally {
      i420.close();
      nv12.close();
    }
  });

  it('reads an RGBX frame too', async () => {
    const original = await astronaut();
    const rgbx = new VideoFrame(original.data, { format: 'RGBX', codedWidth: 640, codedHeight: 480, timestamp: 0 });
    try {
      const pixels = await FramePixels.read(rgbx);
      // WebKitGTK cannot copy an RGBX frame out: read() says so (the detector then converts the frame
      // with createImageBitmap), never a wrong picture
      if (engine === 'webkit' && !pixels) return;
      expect(meanDifference(pixels!.toImageData(), original)).to.be.below(1);
    } finally {
      rgbx.close();
    }
  });

  itExcept(
    {
      firefox:
        'Firefox constructs VideoFrames from memory only in formats FramePixels reads (I422, I444 and 10-bit throw NotSupportedError): there is no other frame to give it',
      webkit:
        'WebKitGTK constructs no 4:2:2, 4:4:4 or 10-bit VideoFrame from memory either: there is no other frame to give it',
    },
    'says undefined (not a wrong picture) for a format it does not convert (4:2:2, 4:4:4, 10-bit)',
    async () => {
      const other = (['I422', 'I444', 'I420P10'] as const)
        .map((format) => {
          try {
            return new VideoFrame(new Uint8Array(640 * 480 * 6), {
              // I420P10 is in WebCodecs but not in TypeScript's VideoPixelFormat
              format: format as VideoPixelFormat,
              codedWidth: 640,
              codedHeight: 480,
              timestamp: 0,
            });
          } catch {
            return undefined;
          }
        })
        .filter((f) => f !== undefined);
      try {
        expect(other.length, 'the engine makes a 4:2:2, 4:4:4 or 10-bit frame').to.be.greaterThan(0);
        for (const frame of other) expect(await FramePixels.read(frame), frame.format!).to.equal(undefined);
      } finally {
        for (const frame of other) frame.close();
      }
    },
  );

  it('scales a region down by area averaging (fine stripes become their mean, not one of them)', async () => {
    // one-pixel black and white columns: a sampling downscale would give black or white
    const stripes = new ImageData(64, 64);
    for (let i = 0; i < 64 * 64; i++) {
      const v = i % 2 ? 235 : 20;
      stripes.data.set([v, v, v, 255], i * 4);
    }
    const frame = i420Frame(stripes);
    try {
      const half = (await FramePixels.read(frame))!.toImageData({ x: 16, y: 8, width: 32, height: 32 }, 16, 16);
      expect([half.width, half.height]).to.deep.equal([16, 16]);
      for (let i = 0; i < half.data.length; i += 4) expect(half.data[i + 1]).to.be.within(120, 135);
    } finally {
      frame.close();
    }
  });

  it('cuts a region down in YUV (a region pass) to the picture of converting it and averaging RGB', async () => {
    const frame = i420Frame(await astronaut());
    try {
      const pixels = (await FramePixels.read(frame))!;
      // the face's neighbourhood, at odd and even offsets (chroma is sited per 2×2 block), shrunk by
      // a fraction and by exactly 2 to the region model's 128
      for (const rect of [
        { x: 201, y: 37, width: 301, height: 287 },
        { x: 200, y: 40, width: 256, height: 256 },
        { x: 0, y: 0, width: 640, height: 480 },
      ]) {
        const width = 128;
        const height = Math.round((rect.height * 128) / rect.width);
        const cut = pixels.toImageData(rect, width, height);
        const rgb = pixels.toImageData(rect);
        const reference = new ImageData(resample(rgb.data, rect.width, rect.height, width, height), width, height);
        expect([cut.width, cut.height]).to.deep.equal([width, height]);
        expect(meanDifference(cut, reference), JSON.stringify(rect)).to.be.below(1.5);
      }
    } finally {
      frame.close();
    }
  });

  it('reads frame after frame through a buffer pool as the same pictures, memory reused, none used after release', async () => {
    // two different frames in turn, as the worker reads a camera: each read into memory the previous
    // frame gave back, each the same picture as read without a pool (a buffer still holding the
    // previous frame, or handed out twice, would show here)
    const astro = await astronaut();
    const dark = new ImageData(640, 480);
    for (let i = 0; i < dark.data.length; i += 4) dark.data.set([40, 30 + ((i >> 2) % 640) / 8, 20, 255], i);
    const pool = new BufferPool();
    const rect = { x: 180, y: 20, width: 300, height: 300 };
    for (const picture of [astro, dark, astro, dark]) {
      const frame = i420Frame(picture);
      try {
        const plain = (await FramePixels.read(frame))!;
        const pooled = (await FramePixels.read(frame, pool))!;
        const a = pooled.toImageData(rect, 128, 128);
        const whole = pooled.toImageData();
        expect(meanDifference(a, plain.toImageData(rect, 128, 128))).to.equal(0);
        expect(meanDifference(whole, plain.toImageData())).to.equal(0);
        pooled.release();
        expect(() => pooled.toImageData(rect, 128, 128), 'after release').to.throw(/after release/);
        expect(() => pooled.lumaGrid(64, 48), 'after release').to.throw(/after release/);
      } finally {
        frame.close();
      }
    }
  });

  it('BufferPool hands out the smallest free buffer that fits and keeps at most `keep` free', () => {
    const pool = new BufferPool(2);
    const big = pool.take(1000);
    const small = pool.take(100);
    expect(big.byteLength).to.be.at.least(1000);
    expect(small.byteLength).to.be.at.least(100);
    pool.give(big);
    pool.give(small);
    expect(pool.take(50), 'the smallest that fits').to.equal(small);
    expect(pool.take(900), 'a larger one').to.equal(big);
    expect(pool.take(900), 'none free: a new one').to.not.equal(big);
    // full: a larger buffer given back replaces the smallest kept
    const [a, b] = [pool.take(10), pool.take(20)];
    pool.give(a);
    pool.give(b);
    const huge = pool.take(5000);
    pool.give(huge);
    expect(pool.take(4000)).to.equal(huge);
    expect(pool.take(10), 'the one kept').to.equal(b);
    expect(pool.take(10), 'the smallest was dropped').to.not.equal(a);
  });

  it('gives the picture statistics the canvas path gives (luma, spread; change 0 for the same frame)', async () => {
    const original = await astronaut();
    const frame = i420Frame(original);
    try {
      const pixels = (await FramePixels.read(frame))!;
      const canvas = new OffscreenCanvas(640, 480);
      canvas.getContext('2d')!.putImageData(original, 0, 0);
      const page = new FrameSampler(64, 48).sample(canvas);
      const sampler = new FrameSampler(64, 48);
      const ours = sampler.samplePixels(pixels);
      expect(ours.luma).to.be.closeTo(page.luma, 2);
      expect(ours.spread).to.be.closeTo(page.spread, 2);
      expect(sampler.samplePixels(pixels).change).to.equal(0);
    } finally {
      frame.close();
    }
  });
});
