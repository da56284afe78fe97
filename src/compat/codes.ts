/**
 * AutoProctor's event vocabulary beside ours: success codes, setup progress actions, and the
 * mapping of our error codes to AutoProctor's where AutoProctor has one for the same thing.
 */
import { ErrorCode } from '../errors.js';
import { messages } from '../messages.js';
import { DURATIONAL_TYPES, type EvidenceRecord } from '../reporting/types.js';

/** `apSuccessEvent` codes (AutoProctor's). */
export const SuccessCode = {
  /** Camera (and microphone) permission granted. */
  PERMISSIONS_GRANTED: 2001,
  /** The monitor's elements were created in the test container. */
  ELEMENTS_CREATED: 2002,
  /** The camera's video plays and the face model is loaded. */
  VIDEO_AND_MODEL_LOADED: 2003,
  /** `setup()` is done. */
  SETUP_DONE: 2100,
} as const;

const SUCCESS_MESSAGES: Record<number, string> = {
  2001: 'Permissions granted.',
  2002: 'Proctoring elements created.',
  2003: 'Video and face model loaded.',
  2100: 'Setup complete.',
};

/** `apProgressUpdate` actions, in the order setup and start go through them. */
export type ProgressAction =
  | 'setup_started'
  | 'checking_browser'
  | 'creating_elements'
  | 'pairing_phone'
  | 'requesting_permissions'
  | 'loading_model'
  | 'setup_completed'
  | 'starting'
  | 'monitoring_started'
  | 'stopping'
  | 'monitoring_stopped';

/** Fraction (0–100) of setup done at each action, for a loader bar. */
export const PROGRESS: Record<ProgressAction, number> = {
  setup_started: 0,
  checking_browser: 5,
  creating_elements: 10,
  pairing_phone: 20,
  requesting_permissions: 30,
  loading_model: 60,
  setup_completed: 100,
  starting: 0,
  monitoring_started: 100,
  stopping: 0,
  monitoring_stopped: 100,
};

/** Our code → AutoProctor's, where AutoProctor has one for the same failure; otherwise ours. */
export function autoProctorErrorCode(code: number): number {
  switch (code) {
    case ErrorCode.ASSET_UNREACHABLE:
    case ErrorCode.MODEL_LOAD_FAILED:
    case ErrorCode.WORKER_FAILED:
      return ErrorCode.FILES_FAILED_TO_LOAD;
    default:
      return code;
  }
}

export interface AutoProctorErrorDetail {
  /** Ours (4001–4018, 4100+). */
  code: number;
  message: string;
  /** AutoProctor's code for the same failure (4018 for our 4100 / 4101 / 4106), else ours. */
  errorCode: number;
  errorMessage: string;
}

export const errorDetail = (e: { code: number; message: string }): AutoProctorErrorDetail => ({
  code: e.code,
  message: e.message,
  errorCode: autoProctorErrorCode(e.code),
  errorMessage: e.message,
});

/**
 * The error a rejected AutoProctor call throws: our `ProctorError` (`code`, `message`) with the same
 * `errorCode` / `errorMessage` as the `apErrorEvent` it also fires, so `catch (e) { if (e.errorCode
 * === 4018) … }`, written for AutoProctor's SDK, matches.
 */
export const withAutoProctorFields = <E extends { code: number; message: string }>(
  e: E,
): E & { errorCode: number; errorMessage: string } =>
  Object.assign(e, { errorCode: autoProctorErrorCode(e.code), errorMessage: e.message });

export interface AutoProctorSuccessDetail {
  successCode: number;
  successMessage: string;
}

export const successDetail = (successCode: number): AutoProctorSuccessDetail => ({
  successCode,
  successMessage: SUCCESS_MESSAGES[successCode] ?? '',
});

export type AutoProctorEvidenceDetail = EvidenceRecord & {
  /** AutoProctor's name for `code` (the codes are the same: 5001–5009, ours from 5100). */
  evidenceCode: number;
  /** What happened, in the candidate's language (`messages().violations`). */
  evidenceMessage: string;
  /** Epoch ms when it began (`startedAt`). */
  timestamp: number;
  /**
   * `begin`: a violation was confirmed and is still going on (no `endedAt` yet); `end`: the same
   * record (same `id`) with `endedAt` and `durationMs`; `moment`: a single observation (a photo,
   * returning to the test, multiple monitors).
   */
  phase: 'begin' | 'end' | 'moment';
};

export function evidenceDetail(record: EvidenceRecord): AutoProctorEvidenceDetail {
  const phase = !DURATIONAL_TYPES.has(record.type) ? 'moment' : record.endedAt === undefined ? 'begin' : 'end';
  return {
    ...record,
    evidenceCode: record.code,
    evidenceMessage: messages().violations[record.type] ?? record.type,
    timestamp: record.startedAt,
    phase,
  };
}
