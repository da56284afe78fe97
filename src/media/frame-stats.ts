/**
 * Cheap per-frame statistics of a camera: mean luma and the mean absolute luma difference to the
 * previous sample, on a downscaled copy (so sensor noise averages out a little and it stays fast).
 */
// a type only: the frame reader is the worker's, and stays out of the page's bundle
import type { FramePixels } from './frame-pixels.js';

export interface FrameStats {
  /** Mean luma, 0–255 (BT.601 weights). */
  luma: number;
  /** Mean absolute luma difference to the previous sample, 0–255; undefined for the first. */
  change?: number;
  /** Standard deviation of luma, 0–255: near 0 for a frame of one flat colour. */
  spread: number;
}

/**
 * Luma standard deviation (0–255) under which a frame is one flat colour: a camera starting up
 * (solid green or black), a covered lens. Sensor noise alone gives ~2–8 on a real picture.
 */
export const FLAT_SPREAD = 1.5;

export class FrameSampler {
  private readonly canvas: OffscreenCanvas;
  private readonly ctx: OffscreenCanvasRenderingContext2D;
  private previous?: Float32Array;

  constructor(
    readonly width = 160,
    readonly height = 120,
  ) {
    this.canvas = new OffscreenCanvas(width, height);
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
  }

  /** Measures one frame (an ImageData is drawn through a canvas of its size first). */
  sample(source: CanvasImageSource | ImageData): FrameStats {
    let image: CanvasImageSource;
    if (typeof ImageData !== 'undefined' && source instanceof ImageData) {
      image = new OffscreenCanvas(source.width, source.height);
      image.getContext('2d')!.putImageData(source, 0, 0);
    } else image = source as CanvasImageSource;
    this.ctx.drawImage(image, 0, 0, this.width, this.height);
    const { data } = this.ctx.getImageData(0, 0, this.width, this.height);
    const luma = new Float32Array(this.width * this.height);
    for (let i = 0; i < luma.length; i++)
      luma[i] = 0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2];
    return this.measure(luma);
  }

  /** Measures one frame read with `VideoFrame.copyTo()` ({@link FramePixels}), without a canvas. */
  samplePixels(pixels: FramePixels): FrameStats {
    return this.measure(pixels.lumaGrid(this.width, this.height));
  }

  /** The statistics of one frame's luma grid (`width`×`height`, 0–255), kept as the last sample. */
  private measure(luma: Float32Array): FrameStats {
    let sum = 0;
    let diff = 0;
    for (let i = 0; i < luma.length; i++) {
      sum += luma[i];
      if (this.previous) diff += Math.abs(luma[i] - this.previous[i]);
    }
    const change = this.previous ? diff / luma.length : undefined;
    this.previous = luma;
    const mean = sum / luma.length;
    let squares = 0;
    for (let i = 0; i < luma.length; i++) squares += (luma[i] - mean) ** 2;
    return { luma: mean, change, spread: Math.sqrt(squares / luma.length) };
  }

  /**
   * Mean luma (0–255) of a region of the last sample, in fractions of the frame (clamped to it);
   * undefined before the first sample or for an empty region.
   */
  regionLuma(x0: number, y0: number, x1: number, y1: number): number | undefined {
    const luma = this.previous;
    if (!luma) return undefined;
    const [c0, c1] = [Math.max(0, Math.floor(x0 * this.width)), Math.min(this.width, Math.ceil(x1 * this.width))];
    const [r0, r1] = [Math.max(0, Math.floor(y0 * this.height)), Math.min(this.height, Math.ceil(y1 * this.height))];
    let sum = 0;
    let n = 0;
    for (let r = r0; r < r1; r++)
      for (let c = c0; c < c1; c++) {
        sum += luma[r * this.width + c];
        n++;
      }
    return n ? sum / n : undefined;
  }

  /** Encodes the source as a JPEG no larger than `maxBytes` (lowering quality, then size). */
  static async jpeg(
    source: CanvasImageSource & { width?: number; height?: number; videoWidth?: number; videoHeight?: number },
    maxBytes = 60_000,
  ): Promise<Blob> {
    let width = source.videoWidth || source.width || 640;
    let height = source.videoHeight || source.height || 480;
    for (let attempt = 0; attempt < 6; attempt++) {
      const canvas = new OffscreenCanvas(width, height);
      canvas.getContext('2d')!.drawImage(source, 0, 0, width, height);
      for (const quality of [0.8, 0.6, 0.4]) {
        const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
        if (blob.size <= maxBytes) return blob;
      }
      width = Math.round(width * 0.7);
      height = Math.round(height * 0.7);
    }
    throw new Error(`could not encode a JPEG under ${maxBytes} bytes`);
  }

  /** A JPEG data URL of the video's current frame (at most `maxBytes`), or undefined before its first frame. */
  static async photo(video: HTMLVideoElement, maxBytes?: number): Promise<string | undefined> {
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return undefined;
    const blob = await FrameSampler.jpeg(video, maxBytes);
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.onerror = () => reject(reader.error ?? new Error('photo could not be read'));
      reader.readAsDataURL(blob);
    });
  }
}

/**
 * Which frames' statistics to measure beside face detection (`FaceDetectorHandle.detect(frame, { stats })`):
 * on a `width`×`height` copy (default 64×48), `change` against the last frame measured under the
 * same `key`. A new key starts afresh (a new camera: no `change` for its first frame).
 */
export interface FrameStatsRequest {
  key: string;
  width?: number;
  height?: number;
}

/**
 * One {@link FrameSampler} per key, wherever the detector runs (its worker, or the page where
 * workers cannot detect), so both give the same statistics. Keeps the last `limit` keys used.
 */
export class FrameSamplers {
  private readonly samplers = new Map<string, FrameSampler>();

  constructor(private readonly limit = 8) {}

  /** The frame's statistics, or undefined when it cannot be read (no observation, as before). */
  sample(source: CanvasImageSource | ImageData | FramePixels, request: FrameStatsRequest): FrameStats | undefined {
    const { key, width = 64, height = 48 } = request;
    try {
      let sampler = this.samplers.get(key);
      this.samplers.delete(key);
      if (!sampler || sampler.width !== width || sampler.height !== height) sampler = new FrameSampler(width, height);
      this.samplers.set(key, sampler);
      for (const old of this.samplers.keys()) {
        if (this.samplers.size <= this.limit) break;
        this.samplers.delete(old);
      }
      return typeof (source as Partial<FramePixels>).lumaGrid === 'function'
        ? sampler.samplePixels(source as FramePixels)
        : sampler.sample(source as CanvasImageSource | ImageData);
    } catch {
      return undefined;
    }
  }
}
