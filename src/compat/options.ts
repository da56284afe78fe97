/**
 * AutoProctor's `setup()` options → the monitor's. Every key AutoProctor documents or its
 * integrations pass is accepted: the ones we implement are mapped, the ones we do not implement yet
 * are accepted with one console warning naming them. Keys that are neither AutoProctor's nor ours
 * (typos) and ill-typed values are rejected with INVALID_OPTION (4107), naming the key, so the
 * integrator can correct them and call `setup()` again.
 */
import { ErrorCode, ProctorError } from '../errors.js';
import { DEFAULT_TRACKING, validateTracking, type TrackingOptions } from '../monitoring/options.js';
import type { MonitorSetupOptions } from '../monitoring/session.js';
import type { UserDetails } from '../reporting/types.js';

/** AutoProctor's tracking options; those we do not implement yet are accepted with a warning. */
export interface AutoProctorTrackingOptions extends TrackingOptions {
  /** A frame of the shared screen when the candidate leaves the page (a 5003 photo, `data.source: 'screen'`). */
  captureSwitchedTab?: boolean;
  /** A photo of the candidate when monitoring starts (a 5003 photo, `data.kind: 'test_taker'`). */
  testTakerPhoto?: boolean;
  /** Refuse phones and tablets (4017). */
  forceDesktop?: boolean;
  /** Block copy, cut and paste in the test container and record each attempt (5110). */
  disableCopyPaste?: boolean;
  /** Not implemented yet: accepted with a warning. */
  recordSession?: unknown;
  idCardVerification?: unknown;
  multiSessionAttempt?: unknown;
  impersonation?: unknown;
}

/** The AutoProctor class's own keys and the monitor's, as one object. */
export interface AutoProctorSetupOptions extends Omit<MonitorSetupOptions, 'track' | 'trackingOptions' | 'trackers'> {
  trackingOptions?: AutoProctorTrackingOptions;
  track?: AutoProctorTrackingOptions | string[] | string;
  /** Id of the element to put the monitor in (AutoProctor's name). */
  testContainerId?: string;
  /** The element to put the monitor in. Default: `document.body`. */
  container?: HTMLElement;
  /** Ask the browser to confirm before the candidate leaves the page while monitoring. */
  alertBeforeUnload?: boolean;
  /** Recorded with the attempt at the results server and carried into `getReport()` / `showReport()`. */
  showHowToVideo?: boolean;
  /**
   * Who takes the test (e.g. `{name, email}`: strings, numbers, booleans; see the monitor's
   * `userDetails`); sent with the attempt to the results server and carried into `getReport()` / `showReport()`.
   */
  userDetails?: UserDetails;
  /** The test's length in minutes: random photos are spread over it. */
  testDuration?: number;
  /** Seconds between evidence deliveries to the results server (default: as soon as recorded). */
  evidencePushInterval?: number;
  /**
   * The phone page for `auxiliaryDevice` (the QR code links to it; `{code}` is replaced). Default:
   * the results server's own, `demo/phone.html` under `endpoint` (AutoProctor's SDK defaults to its
   * hosted page); with neither, `auxiliaryDevice` is 4107.
   */
  auxDevicePath?: string;
  /** Id of the element to show the phone pairing in (default: the test container). */
  auxDeviceTestContainerId?: string;
  /** AutoProctor's current name for `auxDeviceTestContainerId` (the same). */
  auxDeviceContainerId?: string;
  /** Not implemented yet: accepted with a warning. */
  lookupKey?: unknown;
  restrictConsole?: unknown;
  auxiliaryDeviceRandomPhotoPushInterval?: unknown;
}

/** AutoProctor's documented defaults: random photos on (25), camera preview off, switched-tab capture on. */
export const AUTOPROCTOR_DEFAULT_TRACKING = {
  ...DEFAULT_TRACKING,
  photosAtRandom: true,
  numPhotosAtRandom: 25,
  showCamPreview: false,
  captureSwitchedTab: true,
  testTakerPhoto: false,
  forceDesktop: false,
  disableCopyPaste: false,
};
export type AutoProctorTracking = typeof AUTOPROCTOR_DEFAULT_TRACKING;

const COMPAT_TRACKING = ['captureSwitchedTab', 'testTakerPhoto', 'forceDesktop', 'disableCopyPaste'] as const;
/** AutoProctor tracking keys we accept but do not implement yet. */
export const UNIMPLEMENTED_TRACKING = ['recordSession', 'idCardVerification', 'multiSessionAttempt', 'impersonation'];
/** AutoProctor top-level keys we accept but do not implement yet. */
export const UNIMPLEMENTED_SETUP = ['lookupKey', 'restrictConsole', 'auxiliaryDeviceRandomPhotoPushInterval'];
/** The monitor's own setup keys that pass through unchanged. */
const MONITOR_KEYS = [
  'tuning',
  'weights',
  'assetBase',
  'endpoint',
  'backend',
  'outboxName',
  'streams',
  'checks',
  'secondCamera',
  'mediaDevices',
  // carried to the results server and the report (validated by the monitor)
  'showHowToVideo',
  'userDetails',
] as const;
const COMPAT_KEYS = [
  'trackingOptions',
  'track',
  'testContainerId',
  'container',
  'alertBeforeUnload',
  'testDuration',
  'evidencePushInterval',
  'auxDevicePath',
  'auxDeviceTestContainerId',
  'auxDeviceContainerId',
];

export interface NormalizedSetup {
  tracking: AutoProctorTracking;
  monitor: MonitorSetupOptions;
  testContainerId?: string;
  container?: HTMLElement;
  alertBeforeUnload: boolean;
  showHowToVideo?: boolean;
  userDetails?: UserDetails;
  /** ms, or undefined: deliver at once. */
  evidencePushIntervalMs?: number;
  auxDevicePath?: string;
  auxDeviceTestContainerId?: string;
  /** Keys accepted but not implemented (`trackingOptions.recordSession`, `lookupKey`, …) whose value asks for the feature. */
  ignored: string[];
}

const invalid = (message: string) => new ProctorError(ErrorCode.INVALID_OPTION, message);

/**
 * Whether an option not implemented here asks for its feature: `false`, `null`, `0` and `''` ask
 * for it off (AutoProctor's documented defaults are such values), which is what we do, so only
 * other values are worth a warning.
 */
export const asksFor = (value: unknown) => value !== false && value !== null && value !== 0 && value !== '';

/** Validates and maps AutoProctor's options; throws INVALID_OPTION naming the key. */
export function normalizeSetupOptions(input: unknown): NormalizedSetup {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) throw invalid('setup() options must be an object.');
  const options = input as Record<string, unknown>;
  const ignored: string[] = [];
  const monitor: MonitorSetupOptions = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if ((MONITOR_KEYS as readonly string[]).includes(key)) (monitor as Record<string, unknown>)[key] = value;
    else if (UNIMPLEMENTED_SETUP.includes(key)) {
      if (asksFor(value)) ignored.push(key);
    } else if (!COMPAT_KEYS.includes(key))
      throw invalid(
        `"${key}" is not a setup option of AutoProctor or proctor-elements (known: ${[...COMPAT_KEYS, ...MONITOR_KEYS, ...UNIMPLEMENTED_SETUP].join(', ')}).`,
      );
  }
  if (options.trackingOptions !== undefined && options.track !== undefined)
    throw invalid('Give trackingOptions or track, not both.');
  const name = options.track !== undefined ? 'track' : 'trackingOptions';
  const tracking = normalizeTracking(options.track ?? options.trackingOptions, name, ignored);
  const bool = (key: string) => {
    const v = options[key];
    if (v !== undefined && typeof v !== 'boolean')
      throw invalid(`${key} must be true or false, got ${JSON.stringify(v)}.`);
    return v;
  };
  const string = (key: string) => {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'string' || !v))
      throw invalid(`${key} must be a non-empty string, got ${JSON.stringify(v)}.`);
    return v;
  };
  const positive = (key: string, max: number) => {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max))
      throw invalid(`${key} must be a number above 0 and at most ${max}, got ${JSON.stringify(v)}.`);
    return v;
  };
  const container = options.container;
  if (container !== undefined && !(container instanceof HTMLElement))
    throw invalid('container must be an element (HTMLElement).');
  const userDetails = options.userDetails;
  if (
    userDetails !== undefined &&
    (typeof userDetails !== 'object' || userDetails === null || Array.isArray(userDetails))
  )
    throw invalid('userDetails must be an object, e.g. {name, email}.');
  // a field the platform does not know (email: null or undefined) is left out, not refused
  const knownDetails = userDetails
    ? Object.fromEntries<UserDetails[string]>(
        Object.entries(userDetails as Record<string, UserDetails[string]>).filter(
          ([, v]) => v !== null && v !== undefined,
        ),
      )
    : undefined;
  if (knownDetails) monitor.userDetails = knownDetails;
  const testDuration = positive('testDuration', 24 * 60);
  const pushSeconds = positive('evidencePushInterval', 3600);
  if (testDuration !== undefined) {
    const tuning = monitor.tuning;
    if (tuning !== undefined && (typeof tuning !== 'object' || tuning === null))
      throw invalid(`tuning must be an object, got ${typeof tuning}.`);
    monitor.tuning = { examDurationMs: testDuration * 60_000, ...tuning };
  }
  return {
    tracking,
    monitor,
    testContainerId: string('testContainerId'),
    container: container,
    alertBeforeUnload: bool('alertBeforeUnload') ?? false,
    showHowToVideo: bool('showHowToVideo'),
    userDetails: knownDetails,
    evidencePushIntervalMs: pushSeconds === undefined ? undefined : pushSeconds * 1000,
    auxDevicePath: string('auxDevicePath'),
    auxDeviceTestContainerId: string('auxDeviceContainerId') ?? string('auxDeviceTestContainerId'),
    ignored,
  };
}

/**
 * AutoProctor's tracking options over AutoProctor's defaults. An array or comma list turns on only
 * those (as for `<ap-monitor>`).
 */
function normalizeTracking(input: unknown, name: string, ignored: string[]): AutoProctorTracking {
  const list = typeof input === 'string' ? input.split(/[\s,]+/).filter(Boolean) : input;
  if (Array.isArray(list)) {
    const compat = Object.fromEntries(COMPAT_TRACKING.map((k) => [k, list.includes(k)]));
    const rest = list.filter((k) => !(COMPAT_TRACKING as readonly unknown[]).includes(k));
    for (const k of rest) if (UNIMPLEMENTED_TRACKING.includes(k as string)) ignored.push(`${name}.${String(k)}`);
    const base = validateTracking(
      rest.filter((k) => !UNIMPLEMENTED_TRACKING.includes(k as string)),
      name,
    );
    return { ...AUTOPROCTOR_DEFAULT_TRACKING, ...base, ...compat };
  }
  if (list === undefined || list === null) return { ...AUTOPROCTOR_DEFAULT_TRACKING };
  if (typeof list !== 'object') throw invalid(`${name} must be an object, got ${typeof list}.`);
  const result: Record<string, unknown> = { ...AUTOPROCTOR_DEFAULT_TRACKING };
  const engine: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(list)) {
    if (UNIMPLEMENTED_TRACKING.includes(key)) {
      if (asksFor(value)) ignored.push(`${name}.${key}`);
    } else if ((COMPAT_TRACKING as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean')
        throw invalid(`${name}.${key} must be true or false, got ${JSON.stringify(value)}.`);
      result[key] = value;
    } else if (key === 'numPhotosAtRandom' && value === 0) {
      // AutoProctor pages write "no random photos" this way too
      engine.photosAtRandom = false;
    } else if (key in DEFAULT_TRACKING) {
      engine[key] = value;
    } else {
      throw invalid(
        `${name}.${key} is not a tracking option of AutoProctor or proctor-elements (known: ${[...Object.keys(AUTOPROCTOR_DEFAULT_TRACKING), ...UNIMPLEMENTED_TRACKING].join(', ')}).`,
      );
    }
  }
  // the engine validates its own keys (types, ranges); AutoProctor's defaults where not given
  const checked = validateTracking(
    { ...pick(AUTOPROCTOR_DEFAULT_TRACKING, Object.keys(DEFAULT_TRACKING)), ...engine },
    name,
  );
  return { ...result, ...checked } as AutoProctorTracking;
}

function pick(source: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.map((k) => [k, source[k]]));
}

/** The monitor's tracking options (the engine's keys only). */
export function engineTracking(tracking: AutoProctorTracking): TrackingOptions {
  return pick(tracking, Object.keys(DEFAULT_TRACKING));
}
