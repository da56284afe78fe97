/**
 * Every user-facing string of the library, in one place so integrators can translate or reword.
 * `setMessages()` merges a partial set over the English defaults; elements read `messages()` at
 * render time, so a change shows on their next render.
 */
import type { CheckFailureReason, CheckName } from './checks/types.js';
import type { EvidenceType } from './reporting/types.js';
import type { AnyStatus, StatusKind } from './statuses.js';

export interface Messages {
  unknownStatus: string;
  /** Badge labels keyed `kind:value`, e.g. `check:failed`. Missing keys fall back to English. */
  statusLabels: Partial<Record<`${StatusKind}:${AnyStatus}`, string>>;
  /** Status descriptions keyed like `statusLabels`. */
  statusDescriptions: Partial<Record<`${StatusKind}:${AnyStatus}`, string>>;
  /** Names of the requirements checks. */
  checkNames: Record<CheckName, string>;
  /** What each check asks of the candidate while it runs. */
  checkInstructions: Record<CheckName, string>;
  /** Replaces a failed check's English message, by reason (empty: keep the check's own message). */
  checkFailures: Partial<Record<CheckFailureReason, string>>;
  requirementsHeading: string;
  overallProgress: string;
  startChecks: string;
  retry: string;
  /**
   * In place of "Try again" under a check that failed because of the browser itself
   * (INCOMPATIBLE_BROWSER 4001, BROWSER_OUTDATED 4016): a retry there fails the same way.
   */
  retryWontHelp: string;
  run: string;
  skip: string;
  skipped: string;
  optional: string;
  microphoneLevel: string;
  microphoneDevice: string;
  speakerDevice: string;
  playCode: string;
  replayCode: string;
  codeLabel: string;
  submitCode: string;
  wrongCode: (attemptsLeft: number) => string;
  invalidCode: string;
  shareScreen: string;
  cameraPreview: string;
  /** The mobile check. */
  mobileScan: string;
  mobileQr: string;
  copyLink: string;
  linkCopied: string;
  phoneWaiting: string;
  phoneConnecting: string;
  phoneReceiving: string;
  phonePreview: string;
  /** The phone page (<ap-mobile-camera>). */
  phoneHeading: string;
  phoneStates: Record<'waiting' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed', string>;
  phoneCameraDenied: string;
  phoneStop: string;
  phoneStopped: string;
  allPassed: string;
  /** Under the checks while a running exam uses their camera, screen or phone. */
  checksLocked: string;
  /** The phone page after the exam page ended the pairing (the exam is over, or paired again). */
  phoneEnded: string;
  someFailed: string;
  /** The monitor's live indicator. */
  monitorIdle: string;
  /** While setup() runs (camera, microphone, detector). */
  monitorSettingUp: string;
  monitorReady: string;
  /** While start() runs. */
  monitorStarting: string;
  monitorActive: string;
  /** Shown instead of "all clear" while face detection fails (code and developer message in `ap-error`). */
  monitorDetectionFailed: (code: number) => string;
  /** Setup or start failed (the code and developer message are in `ap-error`). */
  monitorFailed: (code: number) => string;
  /** While stop() runs: it waits (up to `tuning.deliveryTimeoutMs`) for the evidence to reach the results server. */
  monitorStopping: string;
  monitorStopped: string;
  /** After stop(): everything reached the results server. */
  monitorDelivered: string;
  /** Evidence not (yet) at the results server: `pending` records or photos kept on this device (the exam's end, once stop() asked for it, counts as one). */
  monitorPending: (pending: number) => string;
  /** Evidence kept on this device because the results server refused the exam's credentials. */
  monitorForbidden: (pending: number) => string;
  /** Evidence the results server refused (kept on this device). */
  monitorRejected: (rejected: number) => string;
  violations: Record<EvidenceType, string>;
  returnToFullscreen: string;
  /** The "share again" button of <ap-monitor> after screen sharing stopped. */
  shareScreenAgain: string;
  monitorLabel: string;
  /**
   * `<ap-report>`: only what replaces its English (which the element holds, so the classic script
   * does not carry it); the element reads them merged, `reportMessages()` in its folder.
   */
  report: ReportOverrides;
}

/** Some of the report's messages, evidence labels included. */
export type ReportOverrides = Partial<Omit<ReportMessages, 'evidenceLabels' | 'photoKinds'>> & {
  evidenceLabels?: Partial<ReportMessages['evidenceLabels']>;
  photoKinds?: Partial<ReportMessages['photoKinds']>;
};

export interface ReportMessages {
  heading: string;
  attempt: string;
  candidate: string;
  trustScore: string;
  notScored: string;
  needsReview: string;
  noReviewNeeded: string;
  counts: string;
  type: string;
  count: string;
  timeline: string;
  noEvidence: string;
  showPhoto: string;
  /** The photo's name (its image's alt, its disclosure's accessible name). */
  photoAlt: (label: string, time: string) => string;
  /** A 5003 photo's kind (`data.kind`): at the start, the screen after a tab switch, or random. */
  photoKinds: Record<'test_taker' | 'switched_tab' | 'random', string>;
  photoUnavailable: string;
  photoPending: string;
  loading: string;
  /** A photo being fetched (reviewer mode: fetched when its disclosure opens). */
  photoLoading: string;
  /** `test-attempt-id` names an attempt this device's outbox does not hold (4118). */
  notFound: (attemptId: string) => string;
  ongoing: string;
  seconds: (seconds: number) => string;
  sourceDevice: string;
  sourceServer: string;
  /** Reviewer-facing names of the evidence types. */
  evidenceLabels: Record<EvidenceType, string>;
}

const DEFAULTS: Messages = {
  unknownStatus: 'Unknown status',
  statusLabels: {},
  statusDescriptions: {},
  checkNames: {
    microphone: 'Microphone',
    speakers: 'Speakers',
    bandwidth: 'Connection speed',
    webcam: 'Camera',
    mobile: 'Mobile camera',
    screenshare: 'Screen sharing',
  },
  checkInstructions: {
    microphone: 'Say a few words so we can hear your microphone.',
    speakers: 'Play the code, listen, and type the four digits you hear.',
    bandwidth: 'Measuring your connection speed…',
    webcam: 'Look at the camera; make sure your face is well lit and you are alone.',
    mobile: 'Pair your phone as a second camera: scan the code with it and allow its camera.',
    screenshare: 'Share your entire screen (not a window or a tab).',
  },
  checkFailures: {},
  requirementsHeading: 'System check',
  overallProgress: 'Checks completed',
  startChecks: 'Start the checks',
  retry: 'Try again',
  retryWontHelp:
    'Trying again will not help in this browser. Open this page in another browser, such as a current Chrome, Edge or Firefox.',
  run: 'Run',
  skip: 'Skip',
  skipped: 'Skipped',
  optional: 'optional',
  microphoneLevel: 'Microphone level',
  microphoneDevice: 'Microphone',
  speakerDevice: 'Speakers',
  playCode: 'Play the code',
  replayCode: 'Play again',
  codeLabel: 'Code you heard',
  submitCode: 'Check code',
  wrongCode: (n) => `That is not the code. ${n} ${n === 1 ? 'try' : 'tries'} left.`,
  invalidCode: 'Enter the four digits you heard.',
  shareScreen: 'Share my screen',
  cameraPreview: 'Camera preview',
  mobileScan: 'Scan this code with your phone, or open this link on it:',
  mobileQr: 'QR code of the link for your phone',
  copyLink: 'Copy link',
  linkCopied: 'Link copied.',
  phoneWaiting: 'Waiting for your phone…',
  phoneConnecting: 'Connecting to your phone…',
  phoneReceiving: 'Receiving video from your phone…',
  phonePreview: 'Phone camera',
  phoneHeading: 'Second camera',
  phoneStates: {
    waiting: 'Opening the camera…',
    connecting: 'Connecting to the exam…',
    connected: 'Connected: the exam sees this camera.',
    disconnected: 'Connection lost: reconnecting…',
    failed: 'The connection failed: retrying…',
    closed: 'Stopped.',
  },
  phoneCameraDenied: 'The camera could not be opened. Allow camera access for this page and reload it.',
  phoneStop: 'Stop sharing',
  phoneStopped: 'Camera sharing stopped. You can close this page.',
  allPassed: 'All required checks passed.',
  checksLocked: 'The exam is running: the checks are locked until it ends.',
  phoneEnded: 'The exam no longer uses this camera (the exam is over). The camera is off; you can close this page.',
  someFailed: 'Some required checks did not pass. Fix them and try again.',
  monitorIdle: 'Proctoring is not set up yet.',
  monitorSettingUp: 'Proctoring is being set up…',
  monitorReady: 'Proctoring is ready to start.',
  monitorStarting: 'Proctoring is starting…',
  monitorActive: 'Proctoring is on. All clear.',
  monitorFailed: (code) => `Proctoring could not start (error ${code}). Tell your exam provider.`,
  monitorDetectionFailed: (code) =>
    `Proctoring is on, but face detection does not work in this browser (error ${code}): who is in front of the camera is not checked. Use an up-to-date Chrome, Edge or Firefox.`,
  monitorStopping: 'Proctoring is ending: sending the evidence…',
  monitorStopped: 'Proctoring has ended.',
  monitorDelivered: 'All evidence has been sent.',
  monitorPending: (n) =>
    `${n} evidence item${n === 1 ? ' is' : 's are'} saved on this device and not sent yet: keep this page open or come back online, and ${n === 1 ? 'it' : 'they'} will be sent.`,
  monitorForbidden: (n) =>
    `${n} evidence item${n === 1 ? ' is' : 's are'} saved on this device but cannot be sent: the results server refused this exam's credentials. Tell your exam provider.`,
  monitorRejected: (n) =>
    `${n} evidence item${n === 1 ? ' was' : 's were'} refused by the results server and ${n === 1 ? 'is' : 'are'} kept on this device.`,
  violations: {
    no_face: 'Your face is not visible.',
    multiple_people: 'More than one person is visible.',
    random_photo: 'A photo was taken.',
    audio_above_background: 'It is noisy around you.',
    tab_switch: 'You left the exam page.',
    returned_to_test: 'You returned to the exam.',
    multiple_monitors: 'More than one monitor is connected.',
    multiple_monitors_suspected: 'More than one monitor may be connected.',
    fullscreen_exit: 'You are not in full screen.',
    camera_lost: 'Your camera stopped.',
    microphone_lost: 'Your microphone stopped.',
    screen_share_lost: 'Screen sharing stopped.',
    copy_paste: 'Copy and paste are turned off for this exam.',
    second_camera_lost: 'The second camera stopped.',
    camera_frozen: 'Your camera picture is frozen.',
    detection_limited: 'Part of the proctoring cannot run in this browser.',
    talking: 'Someone is talking.',
  },
  returnToFullscreen: 'Return to full screen',
  shareScreenAgain: 'Share your screen again',
  monitorLabel: 'Proctoring',
  // the report's English is in its own lazy part (src/elements/ap-report/ap-report.messages.ts)
  report: {},
};

let current: Messages = DEFAULTS;

/** The messages in force. */
export function messages(): Messages {
  return current;
}

/** Overrides some messages (merged over the English defaults); `setMessages()` restores them. */
export function setMessages(partial: Partial<Messages> = {}): void {
  current = {
    ...DEFAULTS,
    ...partial,
    statusLabels: { ...DEFAULTS.statusLabels, ...partial.statusLabels },
    statusDescriptions: { ...DEFAULTS.statusDescriptions, ...partial.statusDescriptions },
    checkNames: { ...DEFAULTS.checkNames, ...partial.checkNames },
    checkInstructions: { ...DEFAULTS.checkInstructions, ...partial.checkInstructions },
    checkFailures: { ...DEFAULTS.checkFailures, ...partial.checkFailures },
    violations: { ...DEFAULTS.violations, ...partial.violations },
    phoneStates: { ...DEFAULTS.phoneStates, ...partial.phoneStates },
    report: partial.report ?? {},
  };
}
