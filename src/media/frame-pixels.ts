/**
 * A camera frame's pixels read with `VideoFrame.copyTo()` (a plain memory copy of its planes), and
 * converted to RGBA here, in JavaScript.
 *
 * Why not `createImageBitmap(videoFrame)` or `copyTo(…, { format: 'RGBA' })`: in Chromium both
 * convert through the page's GPU context, and in a worker that costs the page's main thread a task
 * for every frame (measured with software compositing: ~0.5 ms of main thread a conversion, and
 * `copyTo` to RGBA 2.1 ms in the worker besides). Reading the planes costs the page nothing and
 * ~0.5 ms of the worker for 640×480.
 *
 * Formats: I420, I420A, NV12 (4:2:0 YUV; BT.601 or BT.709 matrix, limited or full range, from the
 * frame's `colorSpace`; BT.601 limited when it says nothing, as camera drivers do), and RGBA, RGBX,
 * BGRA, BGRX. Anything else (I422, I444, 10-bit, a frame without a readable `format`): `read()`
 * resolves to undefined, and the caller converts the frame another way.
 */

/** The YUV→RGB matrix's chroma coefficients (R from V, G from U and V, B from U), per standard. */
const MATRICES = {
  // ITU-R BT.601 (SMPTE 170M): what webcams give
  bt601: { rv: 1.402, gu: 0.344136, gv: 0.714136, bu: 1.772 },
  // ITU-R BT.709: HD video
  bt709: { rv: 1.5748, gu: 0.187324, gv: 0.468124, bu: 1.8556 },
} as const;

type Layout = { offset: number; stride: number };
type Kind = 'yuv420' | 'nv12' | 'rgbx' | 'bgrx';

/** Rectangle in the frame's pixels. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Memory reused from frame to frame: the planes' copy, the conversion's scratch and its output. A
 * fresh buffer of a frame's size costs the worker more than the copy itself (measured in Chromium
 * 156, 640×480 I420: `copyTo()` into a new 460 KB buffer 1.6 ms a frame, into a reused one under
 * 0.05 ms; the first touch of fresh memory is what is paid). Buffers are handed out by byte size (the
 * smallest free one that fits) and come back at {@link FramePixels.release}; at most `keep` are
 * kept free.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly keep = 8) {}

  /** A buffer of at least `bytes` bytes (contents undefined). */
  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++)
      if (this.free[i].byteLength >= bytes && (best < 0 || this.free[i].byteLength < this.free[best].byteLength))
        best = i;
    if (best >= 0) return this.free.splice(best, 1)[0];
    // a little headroom, so a region a few pixels larger next frame still fits
    return new ArrayBuffer(Math.ceil((bytes * 1.25) / 64) * 64);
  }

  give(buffer: ArrayBuffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
    else {
      // keep the largest ones: a small one is cheap to make again
      const smallest = this.free.reduce((m, b, i) => (b.byteLength < this.free[m].byteLength ? i : m), 0);
      if (this.free[smallest].byteLength < buffer.byteLength) this.free[smallest] = buffer;
    }
  }
}

const KINDS: Record<string, Kind> = {
  I420: 'yuv420',
  I420A: 'yuv420',
  NV12: 'nv12',
  RGBA: 'rgbx',
  RGBX: 'rgbx',
  BGRA: 'bgrx',
  BGRX: 'bgrx',
};

export class FramePixels {
  /** Buffers taken from {@link pool} for this frame, given back at {@link release}. */
  private readonly taken: ArrayBuffer[] = [];
  private released = false;

  private constructor(
    private readonly data: Uint8Array,
    private readonly layout: readonly Layout[],
    private readonly kind: Kind,
    /** Visible size in pixels. */
    readonly width: number,
    readonly height: number,
    /** Luma scale and offset: Y' = (Y − y0) × ys, 0–255. */
    private readonly ys: number,
    private readonly y0: number,
    /** Chroma scale (to ±127.5) and the matrix. */
    private readonly cs: number,
    private readonly m: (typeof MATRICES)[keyof typeof MATRICES],
    private readonly pool?: BufferPool,
  ) {
    if (pool) this.taken.push(data.buffer as ArrayBuffer);
  }

  /**
   * Gives this frame's buffers back to the pool it was read with: its planes and every image
   * {@link toImageData} returned. Neither may be used afterwards (reading this frame again throws).
   * Without a pool, a no-op apart from that.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const b of this.taken.splice(0)) this.pool?.give(b);
  }

  /** `count` elements of a typed array over memory from the pool (fresh without one). */
  private scratch<T extends Uint8ClampedArray | Float32Array>(
    Type: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
    count: number,
  ): T {
    if (this.released) throw new Error('FramePixels used after release()');
    const bytes = count * Type.BYTES_PER_ELEMENT;
    const buffer = this.pool ? this.pool.take(bytes) : new ArrayBuffer(bytes);
    if (this.pool) this.taken.push(buffer);
    return new Type(buffer, 0, count);
  }

  /**
   * Copies the frame's visible pixels; undefined for a format this does not convert (the frame is
   * untouched and still the caller's to close). With a `pool`, the copy and the conversions' memory
   * come from it, and go back at {@link release}.
   */
  static async read(frame: VideoFrame, pool?: BufferPool): Promise<FramePixels | undefined> {
    const kind = frame.format ? KINDS[frame.format] : undefined;
    if (!kind) return undefined;
    const { width, height } = frame.visibleRect ?? { width: frame.displayWidth, height: frame.displayHeight };
    let data: Uint8Array;
    let layout: Layout[];
    let buffer: ArrayBuffer | undefined;
    try {
      const size = frame.allocationSize();
      buffer = pool ? pool.take(size) : new ArrayBuffer(size);
      data = new Uint8Array(buffer, 0, size);
      layout = await frame.copyTo(data);
    } catch {
      if (buffer) pool?.give(buffer);
      return undefined;
    }
    const space = frame.colorSpace;
    const full = space?.fullRange === true;
    const matrix = space?.matrix === 'bt709' ? MATRICES.bt709 : MATRICES.bt601;
    return new FramePixels(
      data,
      layout,
      kind,
      width,
      height,
      full ? 1 : 255 / 219,
      full ? 0 : 16,
      full ? 1 : 255 / 224,
      matrix,
      pool,
    );
  }

  /**
   * Luma (0–255) of a `width`×`height` grid over the frame, each the mean of the 2×2 pixels at the
   * point a bilinear downscale samples (as a canvas `drawImage` to that size would), so that sensor
   * noise averages the same way as on the canvas path.
   */
  lumaGrid(width: number, height: number): Float32Array {
    if (this.released) throw new Error('FramePixels used after release()');
    const out = new Float32Array(width * height);
    const sx = this.width / width;
    const sy = this.height / height;
    for (let j = 0; j < height; j++) {
      const y = Math.min(this.height - 2, Math.max(0, Math.floor((j + 0.5) * sy - 0.5)));
      for (let i = 0; i < width; i++) {
        const x = Math.min(this.width - 2, Math.max(0, Math.floor((i + 0.5) * sx - 0.5)));
        out[j * width + i] =
          (this.luma(x, y) + this.luma(x + 1, y) + this.luma(x, y + 1) + this.luma(x + 1, y + 1)) / 4;
      }
    }
    return out;
  }

  /**
   * RGBA pixels of `rect` (default the whole frame) scaled to `width`×`height` (default the rect's
   * size) by {@link resample}: area averaging where it shrinks (no aliasing), bilinear where it
   * grows. Alpha is 255.
   */
  toImageData(
    rect: PixelRect = { x: 0, y: 0, width: this.width, height: this.height },
    width = rect.width,
    height = rect.height,
  ): ImageData {
    const yuv = this.kind === 'yuv420' || this.kind === 'nv12';
    // a shrinking YUV cut (a region pass) is averaged in YUV and converted at the output's size: the
    // conversion is linear, so this is the same picture for a fraction of the work
    if (yuv && width < rect.width && height < rect.height) return this.shrinkYuv(rect, width, height);
    const rgba = this.scratch(Uint8ClampedArray, rect.width * rect.height * 4);
    if (yuv) this.copyYuv(rect, rgba);
    else
      for (let y = 0, o = 0; y < rect.height; y++)
        for (let x = 0; x < rect.width; x++, o += 4) {
          const p = this.rgb(rect.x + x, rect.y + y);
          rgba[o] = p[0];
          rgba[o + 1] = p[1];
          rgba[o + 2] = p[2];
          rgba[o + 3] = 255;
        }
    if (width === rect.width && height === rect.height) return new ImageData(rgba, width, height);
    return new ImageData(resample(rgba, rect.width, rect.height, width, height), width, height);
  }

  /** Y' of one pixel, 0–255 (for RGB formats, BT.601 luma of its colour). */
  private luma(x: number, y: number): number {
    const d = this.data;
    if (this.kind === 'rgbx' || this.kind === 'bgrx') {
      const o = this.layout[0].offset + y * this.layout[0].stride + x * 4;
      const [r, b] = this.kind === 'rgbx' ? [d[o], d[o + 2]] : [d[o + 2], d[o]];
      return 0.299 * r + 0.587 * d[o + 1] + 0.114 * b;
    }
    const v = (d[this.layout[0].offset + y * this.layout[0].stride + x] - this.y0) * this.ys;
    return v < 0 ? 0 : v > 255 ? 255 : v;
  }

  private readonly px: [number, number, number] = [0, 0, 0];

  /** One pixel's R, G, B (0–255, unclamped for YUV). The array is reused. */
  private rgb(x: number, y: number): [number, number, number] {
    const d = this.data;
    const p = this.px;
    if (this.kind === 'rgbx' || this.kind === 'bgrx') {
      const o = this.layout[0].offset + y * this.layout[0].stride + x * 4;
      p[0] = d[this.kind === 'rgbx' ? o : o + 2];
      p[1] = d[o + 1];
      p[2] = d[this.kind === 'rgbx' ? o + 2 : o];
      return p;
    }
    const l = (d[this.layout[0].offset + y * this.layout[0].stride + x] - this.y0) * this.ys;
    let u: number;
    let v: number;
    const cx = x >> 1;
    const cy = y >> 1;
    if (this.kind === 'nv12') {
      const o = this.layout[1].offset + cy * this.layout[1].stride + cx * 2;
      u = d[o];
      v = d[o + 1];
    } else {
      u = d[this.layout[1].offset + cy * this.layout[1].stride + cx];
      v = d[this.layout[2].offset + cy * this.layout[2].stride + cx];
    }
    u = (u - 128) * this.cs;
    v = (v - 128) * this.cs;
    const m = this.m;
    p[0] = l + m.rv * v;
    p[1] = l - m.gu * u - m.gv * v;
    p[2] = l + m.bu * u;
    return p;
  }

  /** Fixed-point (×2^16) tables of this frame's conversion, made on the first 1:1 copy. */
  private tables?: { y: Int32Array; rv: Int32Array; gu: Int32Array; gv: Int32Array; bu: Int32Array };

  /**
   * I420 or NV12 at 1:1, chroma upsampled bilinearly: table lookups and one 32-bit store a pixel
   * (~3 ms for 640×480 in V8).
   */
  private copyYuv(rect: PixelRect, out: Uint8ClampedArray) {
    const d = this.data;
    const yl = this.layout[0];
    // I420: U and V planes; NV12: one plane of U,V pairs
    const nv12 = this.kind === 'nv12';
    const ul = this.layout[1];
    const vl = nv12 ? { offset: ul.offset + 1, stride: ul.stride } : this.layout[2];
    const step = nv12 ? 2 : 1;
    const t = (this.tables ??= this.makeTables());
    const out32 = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
    const [ty, trv, tgu, tgv, tbu] = [t.y, t.rv, t.gu, t.gv, t.bu];
    const clamp = CLAMP;
    const alpha = LITTLE_ENDIAN ? 0xff000000 : 0xff;
    const [rs, gs, bs] = LITTLE_ENDIAN ? [0, 8, 16] : [24, 16, 8];
    const x0 = rect.x;
    const x1 = rect.x + rect.width;
    // chroma upsampled bilinearly (centre-sited 4:2:0, weights 3/4 and 1/4 on each axis, as video
    // renderers and libjpeg's "fancy upsampling" do), kept ×4 after the vertical step
    const cw = (this.width + 1) >> 1;
    const ch = (this.height + 1) >> 1;
    // one column of padding each side (the edge repeated), so the horizontal step needs no clamp
    const uCol = new Int32Array(cw + 2);
    const vCol = new Int32Array(cw + 2);
    let o = 0;
    for (let y = rect.y, y1 = rect.y + rect.height; y < y1; y++) {
      const yRow = yl.offset + y * yl.stride;
      const near = y >> 1;
      const far = Math.max(0, Math.min(ch - 1, y & 1 ? near + 1 : near - 1));
      const un = ul.offset + near * ul.stride;
      const uf = ul.offset + far * ul.stride;
      const vn = vl.offset + near * vl.stride;
      const vf = vl.offset + far * vl.stride;
      const c0 = Math.max(0, (x0 >> 1) - 1);
      const c1 = Math.min(cw - 1, ((x1 - 1) >> 1) + 1);
      for (let c = c0; c <= c1; c++) {
        uCol[c + 1] = 3 * d[un + c * step] + d[uf + c * step];
        vCol[c + 1] = 3 * d[vn + c * step] + d[vf + c * step];
      }
      if (c0 === 0) [uCol[0], vCol[0]] = [uCol[1], vCol[1]];
      if (c1 === cw - 1) [uCol[cw + 1], vCol[cw + 1]] = [uCol[cw], vCol[cw]];
      for (let x = x0; x < x1; x++) {
        const cn = (x >> 1) + 1;
        const cf = cn + ((x & 1) << 1) - 1; // the other neighbour: left of an even pixel, right of an odd one
        const u = (3 * uCol[cn] + uCol[cf] + 8) >> 4;
        const v = (3 * vCol[cn] + vCol[cf] + 8) >> 4;
        const l = ty[d[yRow + x]];
        const r = clamp[((l + trv[v]) >> 16) + 512];
        const g = clamp[((l - tgu[u] - tgv[v]) >> 16) + 512];
        const b = clamp[((l + tbu[u]) >> 16) + 512];
        out32[o++] = alpha | (r << rs) | (g << gs) | (b << bs);
      }
    }
  }

  /**
   * `rect` scaled down to `width`×`height` by area averaging each plane (luma over the rect, chroma
   * over the same area of its half-size plane), then converted: ~4× faster than converting the rect
   * and averaging RGB, and equal to it but for rounding and colours clamped at the gamut's edge.
   */
  private shrinkYuv(rect: PixelRect, width: number, height: number): ImageData {
    const yl = this.layout[0];
    const nv12 = this.kind === 'nv12';
    const ul = this.layout[1];
    const vl = nv12 ? { offset: ul.offset + 1, stride: ul.stride } : this.layout[2];
    const step = nv12 ? 2 : 1;
    const cw = (this.width + 1) >> 1;
    const ch = (this.height + 1) >> 1;
    const yh = taps(rect.x, rect.width, this.width, width);
    const yv = taps(rect.y, rect.height, this.height, height);
    const ch_ = taps(rect.x / 2, rect.width / 2, cw, width);
    const cv = taps(rect.y / 2, rect.height / 2, ch, height);
    const floats = (n: number) => this.scratch(Float32Array, n);
    const Y = averagePlane(this.data, yl.offset, yl.stride, 1, yh, yv, width, height, floats);
    const U = averagePlane(this.data, ul.offset, ul.stride, step, ch_, cv, width, height, floats);
    const V = averagePlane(this.data, vl.offset, vl.stride, step, ch_, cv, width, height, floats);
    const out = this.scratch(Uint8ClampedArray, width * height * 4);
    const { rv, gu, gv, bu } = this.m;
    for (let i = 0, o = 0; i < Y.length; i++, o += 4) {
      const l = (Y[i] - this.y0) * this.ys;
      const u = (U[i] - 128) * this.cs;
      const v = (V[i] - 128) * this.cs;
      out[o] = l + rv * v;
      out[o + 1] = l - gu * u - gv * v;
      out[o + 2] = l + bu * u;
      out[o + 3] = 255;
    }
    return new ImageData(out, width, height);
  }

  private makeTables() {
    const f = (g: (i: number) => number) => Int32Array.from({ length: 256 }, (_, i) => Math.round(g(i) * 65536));
    const c = (i: number) => (i - 128) * this.cs;
    return {
      y: f((i) => (i - this.y0) * this.ys + 0.5), // + 0.5: the shifts then round
      rv: f((i) => this.m.rv * c(i)),
      gu: f((i) => this.m.gu * c(i)),
      gv: f((i) => this.m.gv * c(i)),
      bu: f((i) => this.m.bu * c(i)),
    };
  }
}

/** 0–255 for any shifted fixed-point result from −512 to 1023, indexed at that value + 512. */
const CLAMP = Uint8Array.from({ length: 1536 }, (_, i) => Math.max(0, Math.min(255, i - 512)));
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

type Taps = { index: Int32Array; weight: Float32Array; count: number };

/**
 * For each of `target` outputs along one axis: the source indices and weights (summing to 1) it
 * takes from the span [`start`, `start` + `span`) of an axis of `limit` samples (sample k covering
 * [k, k + 1)).
 */
function taps(start: number, span: number, limit: number, target: number): Taps {
  const scale = span / target;
  const count = scale > 1 ? Math.ceil(scale) + 1 : 2;
  const index = new Int32Array(target * count);
  const weight = new Float32Array(target * count);
  for (let i = 0; i < target; i++) {
    if (scale > 1) {
      // area: the source span [a, b) this output pixel covers, partial pixels at its ends weighted
      const a = start + i * scale;
      const b = a + scale;
      for (let k = 0, x = Math.floor(a); k < count && x < b; k++, x++) {
        index[i * count + k] = Math.min(limit - 1, x);
        weight[i * count + k] = (Math.min(b, x + 1) - Math.max(a, x)) / scale;
      }
    } else {
      // bilinear between the two source pixels around this output pixel's centre
      const c = Math.max(0, Math.min(limit - 1, start + (i + 0.5) * scale - 0.5));
      const x = Math.floor(c);
      index[i * count] = x;
      index[i * count + 1] = Math.min(limit - 1, x + 1);
      weight[i * count] = 1 - (c - x);
      weight[i * count + 1] = c - x;
    }
  }
  return { index, weight, count };
}

/**
 * Scales an RGBA image (`sw`×`sh`) to `dw`×`dh`, separably: area averaging along an axis that
 * shrinks (each output pixel the mean of the source area it covers, partial pixels weighted), as
 * `createImageBitmap`'s `resizeQuality: 'medium'` and better; bilinear along one that grows.
 */
export function resample(
  src: Uint8ClampedArray,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
): Uint8ClampedArray<ArrayBuffer> {
  const h = taps(0, sw, sw, dw);
  const v = taps(0, sh, sh, dh);
  // rows first: sh × dw, three channels
  const mid = new Float32Array(sh * dw * 3);
  for (let y = 0; y < sh; y++)
    for (let i = 0; i < dw; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < h.count; k++) {
        const w = h.weight[i * h.count + k];
        if (!w) continue;
        const o = (y * sw + h.index[i * h.count + k]) * 4;
        r += src[o] * w;
        g += src[o + 1] * w;
        b += src[o + 2] * w;
      }
      const m = (y * dw + i) * 3;
      mid[m] = r;
      mid[m + 1] = g;
      mid[m + 2] = b;
    }
  const out = new Uint8ClampedArray(dw * dh * 4);
  for (let j = 0; j < dh; j++)
    for (let i = 0; i < dw; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < v.count; k++) {
        const w = v.weight[j * v.count + k];
        if (!w) continue;
        const m = (v.index[j * v.count + k] * dw + i) * 3;
        r += mid[m] * w;
        g += mid[m + 1] * w;
        b += mid[m + 2] * w;
      }
      const o = (j * dw + i) * 4;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = 255;
    }
  return out;
}

/**
 * One 8-bit plane (samples `step` bytes apart in a row, rows `stride` apart from `offset`) averaged
 * through `h` and `v` taps into `dw`×`dh` floats.
 */
function averagePlane(
  d: Uint8Array,
  offset: number,
  stride: number,
  step: number,
  h: Taps,
  v: Taps,
  dw: number,
  dh: number,
  floats: (count: number) => Float32Array = (n) => new Float32Array(n),
): Float32Array {
  // columns first (each output row the weighted sum of its source rows, over the columns the
  // horizontal taps touch: contiguous reads), then the horizontal taps on that dh × columns buffer:
  // the large pass reads memory in order, the gathering pass runs on the already shrunk rows
  let first = Infinity;
  let last = -1;
  for (let k = 0; k < h.index.length; k++)
    if (h.weight[k]) {
      first = Math.min(first, h.index[k]);
      last = Math.max(last, h.index[k]);
    }
  const out = floats(dw * dh);
  if (last < first) return out.fill(0);
  const cols = last - first + 1;
  const mid = floats(dh * cols).fill(0);
  for (let j = 0; j < dh; j++) {
    const row = j * cols;
    for (let k = 0, n = j * v.count; k < v.count; k++, n++) {
      const w = v.weight[n];
      if (!w) continue;
      const base = offset + v.index[n] * stride + first * step;
      for (let x = 0, s = base; x < cols; x++, s += step) mid[row + x] += d[s] * w;
    }
  }
  for (let j = 0, o = 0; j < dh; j++) {
    const row = j * cols - first;
    for (let i = 0; i < dw; i++, o++) {
      let sum = 0;
      for (let t = 0, n = i * h.count; t < h.count; t++, n++) {
        const w = h.weight[n];
        if (w) sum += mid[row + h.index[n]] * w;
      }
      out[o] = sum;
    }
  }
  return out;
}
