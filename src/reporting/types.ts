import type { CheckName, CheckStatus, SessionStatus } from '../statuses.js';

/** One observation during an exam. Written to the outbox first, then delivered (idempotent by `id`). */
export interface EvidenceRecord {
  /** UUID. */
  id: string;
  attemptId: string;
  /** 1, 2, 3 … per attempt, in the order the records were written. */
  seq: number;
  /** AutoProctor evidence code (5001–5009) or ours (5100 and up). */
  code: number;
  type: EvidenceType;
  /** Epoch ms. */
  startedAt: number;
  /**
   * Epoch ms. Absent on a violation's first record (sent when it is confirmed); the same `id` is
   * sent again with `endedAt` and `durationMs` when it ends.
   */
  endedAt?: number;
  durationMs?: number;
  data?: Record<string, number | string | boolean>;
  /** A JPEG data URL (size-capped by `tuning.photoMaxBytes`) on the page; never sent inline to a backend with a photo route. */
  photo?: string;
  /** On the wire: the photo travels on its own route (`PUT …/photos/{id}`) and lands after the record. */
  photoPending?: boolean;
}

export type EvidenceType =
  | 'no_face'
  | 'multiple_people'
  | 'random_photo'
  | 'audio_above_background'
  | 'tab_switch'
  | 'returned_to_test'
  | 'multiple_monitors'
  | 'multiple_monitors_suspected'
  | 'fullscreen_exit'
  | 'camera_lost'
  | 'microphone_lost'
  | 'screen_share_lost'
  | 'second_camera_lost'
  /** The camera's picture stopped changing (frozen) while its track stayed live. */
  | 'camera_frozen'
  | 'copy_paste'
  /** Not a violation: a detector could not run here (data.capability, data.reason, data.note), so a reviewer knows it was off. */
  | 'detection_limited'
  /** Someone talking (voice-like sound above the background), told apart from steady noise. */
  | 'talking';

/**
 * Types that last (a violation with a beginning and an end): their first record has no `endedAt`
 * and the same `id` is sent again with it. Every other type is a single moment. The results server
 * reports such a record as `ongoing` until its end arrives or its session closes.
 */
export const DURATIONAL_TYPES: ReadonlySet<EvidenceType> = new Set<EvidenceType>([
  'no_face',
  'multiple_people',
  'audio_above_background',
  'tab_switch',
  'fullscreen_exit',
  'camera_lost',
  'microphone_lost',
  'screen_share_lost',
  'second_camera_lost',
  'talking',
  'camera_frozen',
]);

/**
 * Evidence codes: AutoProctor's (5001–5009: 5008 "multiple monitors suspected" is not a violation,
 * 5009 is AutoProctor's full-screen exit) and ours (5100+) where AutoProctor has none.
 */
export const EvidenceCode: Readonly<Record<EvidenceType, number>> = {
  no_face: 5001,
  multiple_people: 5002,
  random_photo: 5003,
  audio_above_background: 5004,
  tab_switch: 5005,
  returned_to_test: 5006,
  multiple_monitors: 5007,
  multiple_monitors_suspected: 5008,
  fullscreen_exit: 5009,
  camera_lost: 5101,
  microphone_lost: 5102,
  screen_share_lost: 5103,
  second_camera_lost: 5104,
  camera_frozen: 5105,
  copy_paste: 5110,
  detection_limited: 5112,
  talking: 5111,
};

export interface AttemptInfo {
  clientId: string;
  testAttemptId: string;
  hashedTestAttemptId: string;
  startedAt: number;
  trackingOptions: Record<string, boolean | number>;
  /** The requirements check's outcome, when the page ran one before the exam. */
  checks?: AttemptChecks;
  /** Who the candidate is (AutoProctor's `userDetails`), when the page gave it. */
  userDetails?: UserDetails;
  /** AutoProctor's `showHowToVideo`, when the page gave it. */
  showHowToVideo?: boolean;
}

/** AutoProctor's `userDetails`: a flat object of strings, numbers and booleans (e.g. `{name, email}`). */
export type UserDetails = Record<string, string | number | boolean>;

/** Each check's final status and when the last one ended (epoch ms). */
export interface AttemptChecks {
  passed: boolean;
  statuses: Partial<Record<CheckName, CheckStatus>>;
  completedAt: number;
}

export interface AttemptSummary {
  finishedAt: number;
  trustScore: number;
  counts: Partial<Record<EvidenceType, number>>;
}

/** Where evidence goes. `LocalBackend` keeps it in IndexedDB; `HttpBackend` (the server issue) posts it. */
export interface ResultsBackend {
  createAttempt(attempt: AttemptInfo): Promise<void>;
  /**
   * Must be idempotent by record id: a replayed record adds nothing, and a record sent again with
   * an `endedAt` completes the one stored without it.
   */
  appendEvidence(attemptId: string, records: EvidenceRecord[]): Promise<void>;
  /**
   * Stores one record's photo (a JPEG). With this method records travel without their photo
   * (`photoPending: true`) and the photo follows once its record was taken; without it, the photo
   * goes inline in the record as a data URL.
   */
  putPhoto?(attemptId: string, evidenceId: string, photo: Blob): Promise<void>;
  /** May resolve with the backend's own verdict (the results server computes the Trust Score). */
  finish(attemptId: string, summary: AttemptSummary): Promise<void | { trustScore?: number }>;
  setSessionStatus?(attemptId: string, status: SessionStatus): Promise<void>;
  /**
   * Last-chance delivery on `pagehide` (e.g. `navigator.sendBeacon`), synchronous; returns false
   * when the browser did not queue it (the caller tries smaller batches, then keeps the rest).
   */
  beacon?(attemptId: string, records: EvidenceRecord[]): boolean;
}
