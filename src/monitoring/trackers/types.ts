import type { FaceDetectorHandle } from '../../detection/types.js';
import type { ProctorError } from '../../errors.js';
import type { EvidenceRecord, EvidenceType } from '../../reporting/types.js';
import type { MonitorTuning } from '../options.js';

/** A record before the session gives it an id, the attempt and a seq. */
export type EvidenceDraft = Omit<EvidenceRecord, 'id' | 'attemptId' | 'seq'>;

/** What the session gives each tracker. */
export interface TrackerContext {
  readonly tuning: MonitorTuning;
  /** Where run-time assets are served (the monitor's `assetBase`); undefined: the asset base in force. */
  readonly assetBase?: string;
  now(): number;
  /**
   * Writes a record (outbox first, then delivery) and returns its id. With `id`, writes that record
   * again (keeping its seq): a violation's end. `ongoing` marks a violation that has begun and not
   * ended (closed on resume if the page goes away first).
   */
  record(draft: EvidenceDraft, options?: { id?: string; ongoing?: boolean }): string | undefined;
  /** A JPEG data URL of the camera now, or undefined without a camera. */
  photo(): Promise<string | undefined>;
  /** Lets the session wait for work in flight (a photo, then its record) before it stops. */
  track(work: Promise<unknown>): void;
  /**
   * The record of a violation of `type` that was open when the page went away (a reload) and still
   * goes on, for the tracker to carry on (once: later calls answer undefined); undefined when none.
   */
  carriedOver?(type: EvidenceType): EvidenceRecord | undefined;
  /** A violation began or ended (for the live indicator). */
  setActive(type: EvidenceType, active: boolean): void;
  /** The camera, playing (for detection and photos). */
  readonly video?: HTMLVideoElement;
  readonly microphone?: MediaStream;
  readonly detector?: FaceDetectorHandle;
  /**
   * Face detection failed (an error) or works again (undefined): the session raises the error once
   * and the monitor shows it instead of "all clear".
   */
  detectionFailed?(error: ProctorError | undefined): void;
}

export interface Tracker {
  start(): void | Promise<void>;
  /** Stops and records any violation still open (ended now). */
  stop(): void;
}
