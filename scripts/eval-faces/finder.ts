/**
 * The alternative measured for small faces (not shipped: the full-range model won, see the README's
 * "Face detection"). Small and far faces. BlazeFace short range sees the frame at 128×128, so a face 30–80 px wide at
 * 640×480 is 6–16 px to it and mostly missed. `FaceFinder` adds one crop pass per frame over the
 * same detector: around a tracked face that is small (so it stays found), or else the next tile of
 * a scan across the frame (so a far face is found within one scan cycle). A tile is half the
 * frame's width and height (the model sees it at twice the scale); nine overlapping tiles cover
 * the frame. With a large face in view the scan runs only every `scanEvery` frames (a second,
 * far person). Works with any detection path: crops are plain `ImageBitmap`s.
 */
import type { Box } from '../../src/detection/tracking.js';
import { mergeFaces } from '../../src/detection/tracking.js';
import type { DetectionResult, Face, FaceDetectorHandle, FrameSource } from '../../src/detection/types.js';
import { frameSize } from '../../src/detection/face-detector.js';

export interface FinderOptions {
  /** A tracked face narrower than this fraction of the frame width gets a crop pass around it. Default 0.16 (~100 px at 640). */
  smallFace?: number;
  /** With only large faces tracked, scan one tile every this many frames. Default 4. */
  scanEvery?: number;
  /** Scan tiles: this fraction of the frame's width and height. Default 0.5. */
  tile?: number;
  /** Crop around a small face: this many face widths. Default 4. */
  around?: number;
  /** No crop passes at all (the full frame only). */
  fullFrameOnly?: boolean;
}

/** A grid of overlapping tiles (fractions of the frame) of size `f`, stride f/2. */
export function scanTiles(f: number): Box[] {
  const n = Math.max(1, Math.ceil((1 - f) / (f / 2)) + 1);
  const step = n > 1 ? (1 - f) / (n - 1) : 0;
  const tiles: Box[] = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) tiles.push({ x: i * step, y: j * step, width: f, height: f });
  // centre first: a candidate is most often near the middle
  return tiles.sort(
    (a, b) => Math.hypot(a.x + f / 2 - 0.5, a.y + f / 2 - 0.5) - Math.hypot(b.x + f / 2 - 0.5, b.y + f / 2 - 0.5),
  );
}

export class FaceFinder {
  private frames = 0;
  private nextTile = 0;
  private readonly tiles: Box[];
  private readonly options: Required<FinderOptions>;

  constructor(
    private readonly detector: FaceDetectorHandle,
    options: FinderOptions = {},
  ) {
    this.options = { smallFace: 0.16, scanEvery: 4, tile: 0.5, around: 4, fullFrameOnly: false, ...options };
    this.tiles = scanTiles(this.options.tile);
  }

  /**
   * Faces in one frame (pixels of the frame): the full frame plus at most one crop pass.
   * `tracked`: boxes of the faces followed so far. `inferenceMs` adds up both passes.
   * Rejects as `detect()` does (INVALID_FRAME, DETECTOR_CLOSED …).
   */
  async find(frame: FrameSource, { tracked = [] as readonly Box[] } = {}): Promise<DetectionResult> {
    const { width, height } = frameSize(frame);
    const crop = this.options.fullFrameOnly ? undefined : this.cropFor(tracked, width, height);
    this.frames++;
    // the crop is cut before the full pass awaits, so both look at the same moment of a video
    const cut =
      crop && typeof createImageBitmap === 'function'
        ? await createImageBitmap(frame as ImageBitmapSource, crop.x, crop.y, crop.width, crop.height).catch(
            () => undefined,
          )
        : undefined;
    let full: DetectionResult;
    try {
      full = await this.detector.detect(frame);
    } catch (error) {
      cut?.close();
      throw error;
    }
    if (!cut || !crop) return full;
    try {
      const part = await this.detector.detect(cut);
      const moved = part.faces.map((f): Face => ({
        score: f.score,
        box: { ...f.box, x: f.box.x + crop.x, y: f.box.y + crop.y },
        keypoints: f.keypoints.map((k) => ({ x: k.x + crop.x, y: k.y + crop.y })),
      }));
      return { faces: mergeFaces([...full.faces, ...moved]), inferenceMs: full.inferenceMs + part.inferenceMs };
    } catch {
      return full; // a crop that could not run changes nothing
    } finally {
      cut.close();
    }
  }

  /** The crop of this frame: around the smallest tracked small face, else the next scan tile when due. */
  private cropFor(tracked: readonly Box[], width: number, height: number): Box | undefined {
    const small = tracked.filter((b) => b.width < this.options.smallFace * width).sort((a, b) => a.width - b.width)[0];
    if (small) {
      // the crop's scale alternates (3 and 5 face widths at the default 4): a face is found at both,
      // a pattern in the background that looks like one at one scale rarely is
      const around = this.options.around * (this.frames % 2 ? 0.75 : 1.25);
      const size = Math.min(width, Math.max(128, small.width * around));
      const w = size;
      const h = Math.min(height, (size * height) / width);
      const x = Math.round(Math.min(width - w, Math.max(0, small.x + small.width / 2 - w / 2)));
      const y = Math.round(Math.min(height - h, Math.max(0, small.y + small.height / 2 - h / 2)));
      return { x, y, width: Math.round(w), height: Math.round(h) };
    }
    if (tracked.length > 0 && this.frames % this.options.scanEvery !== 0) return undefined;
    const t = this.tiles[this.nextTile++ % this.tiles.length];
    return {
      x: Math.round(t.x * width),
      y: Math.round(t.y * height),
      width: Math.round(t.width * width),
      height: Math.round(t.height * height),
    };
  }
}
