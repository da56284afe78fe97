import type { FrameStats, FrameStatsRequest } from '../media/frame-stats.js';
import type { Face, Region } from './types.js';

/** Messages between the page and the detection worker. */
export type ToWorker =
  | { type: 'init'; assetBase: string; minConfidence: number }
  | { type: 'detect'; id: number; frame: ImageBitmap | VideoFrame; stats?: FrameStatsRequest; region?: Region }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; faces: Face[]; inferenceMs: number; stats?: FrameStats; region?: Region }
  | { type: 'error'; id?: number; code: number; message: string }
  /** Detection goes on, less well or at more cost (the region model did not load). */
  | { type: 'warning'; code: number; message: string }
  | { type: 'closed' };
