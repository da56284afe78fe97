/**
 * Validation of `<ap-requirements-check>`'s `settings` (the per-check options, {@link CheckSettings}):
 * a misspelt key or a value of the wrong type or range is the integrator's mistake, so it is a
 * configuration error (INVALID_OPTION, 4107, naming the setting and the value given), not a check
 * that fails and tells the candidate "we cannot see your face". It lives in the element's folder so
 * that the classic script's lazy part for the element carries it (issue 13's 60 KB gzip budget for
 * autoproctor.js); `RequirementsRunner` takes its settings as given.
 */
import { ErrorCode, ProctorError } from '../../errors.js';
import type { CheckSettings } from '../../checks/runner.js';
import { CHECK_NAMES } from '../../checks/types.js';

/** What a setting must be; numbers are finite and within [min, max], `int` ones whole. */
type Kind =
  | { type: 'number'; min?: number; max?: number; int?: boolean; above?: number; what: string }
  | { type: 'string' | 'boolean' | 'function' | 'url' }
  /** An object that passes `is` (any non-null object without one), described as `what`. */
  | { type: 'object'; is?: (value: object) => boolean; what?: string };

/** The longest time a setting may give a check, ms (10 minutes): longer is a check that never ends. */
const MAX_MS = 600_000;
const ms: Kind = { type: 'number', min: 0, max: MAX_MS, what: `a duration in ms from 0 to ${MAX_MS}` };
const positiveMs: Kind = { type: 'number', above: 0, max: MAX_MS, what: `a duration in ms above 0, at most ${MAX_MS}` };
const count: Kind = { type: 'number', min: 1, int: true, what: 'a whole number, 1 or more' };
const fraction: Kind = { type: 'number', min: 0, max: 1, what: 'a number from 0 to 1' };
const luma: Kind = { type: 'number', min: 0, max: 255, what: 'a luma from 0 to 255' };
const db: Kind = { type: 'number', min: -200, max: 0, what: 'a level in dBFS, from -200 to 0' };
const mbps: Kind = { type: 'number', min: 0, what: 'a speed in Mbit/s, 0 or more' };
const bool: Kind = { type: 'boolean' };
const str: Kind = { type: 'string' };
const obj: Kind = { type: 'object' };
const plain: Kind = { type: 'object', is: (v) => !Array.isArray(v), what: 'an object' };
const stream: Kind = { type: 'object', is: (v) => v instanceof MediaStream, what: 'a MediaStream' };
const detector: Kind = {
  type: 'object',
  is: (v) => typeof (v as { detect?: unknown }).detect === 'function',
  what: 'a face detector (from createFaceDetector())',
};
const mediaDevices: Kind = {
  type: 'object',
  is: (v) => typeof (v as { getUserMedia?: unknown }).getUserMedia === 'function',
  what: 'a MediaDevices',
};
const url: Kind = { type: 'url' };

/** Every check's settings and their kinds (the option interfaces of the check services). */
const SPEC: Record<keyof CheckSettings, Record<string, Kind>> = {
  microphone: {
    deviceId: str,
    listenMs: positiveMs,
    requiredMs: ms,
    soundDb: db,
    silenceDb: db,
    hangoverMs: ms,
    sampleMs: positiveMs,
    startTimeoutMs: positiveMs,
  },
  speakers: {
    assetBase: url,
    language: str,
    sinkId: str,
    maxAttempts: count,
    generateCode: { type: 'function' },
    gapMs: ms,
    startTimeoutMs: positiveMs,
  },
  bandwidth: {
    url,
    downloadBytes: count,
    uploadBytes: count,
    minDownloadMbps: mbps,
    minUploadMbps: mbps,
    transferTimeoutMs: positiveMs,
    latencySamples: { type: 'number', min: 0, int: true, what: 'a whole number, 0 or more' },
  },
  webcam: {
    deviceId: str,
    stream,
    minWidth: count,
    minHeight: count,
    durationMs: positiveMs,
    sampleMs: positiveMs,
    blackLuma: luma,
    frozenChange: luma,
    maxBadFraction: fraction,
    requireFace: bool,
    faceFraction: fraction,
    minConfidence: fraction,
    keepConfidence: fraction,
    settleMs: ms,
    darkLuma: luma,
    minFaceWidth: fraction,
    detector,
    assetBase: url,
  },
  screenshare: { requireEntireScreen: bool, rejectMultipleMonitors: bool, screen: plain, document: obj },
  mobile: { pairingUrl: str, transport: obj, timeoutMs: positiveMs, minFrames: count, rtcConfig: plain },
};

const invalid = (message: string) => new ProctorError(ErrorCode.INVALID_OPTION, message);

/** A value as the integrator wrote it, for a message (a string quoted, NaN and functions named). */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    if (name && name !== 'Object') return `a ${name} object`;
  }
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeOf(value);
  }
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function check(path: string, kind: Kind, value: unknown): void {
  switch (kind.type) {
    case 'number': {
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (kind.min === undefined || value >= kind.min) &&
        (kind.max === undefined || value <= kind.max) &&
        (kind.above === undefined || value > kind.above) &&
        (!kind.int || Number.isInteger(value));
      if (!ok) throw invalid(`${path} must be ${kind.what}, got ${shown(value)}.`);
      return;
    }
    case 'url':
      if (!(value instanceof URL) && (typeof value !== 'string' || !value.trim()))
        throw invalid(`${path} must be a URL (a non-empty string or a URL), got ${shown(value)}.`);
      return;
    case 'object':
      if (typeof value !== 'object' || value === null || (kind.is && !kind.is(value)))
        throw invalid(`${path} must be ${kind.what ?? 'an object'}, got ${shown(value)}.`);
      return;
    default:
      if (typeof value !== kind.type) throw invalid(`${path} must be a ${kind.type}, got ${typeOf(value)}.`);
  }
}

/**
 * Checks `<ap-requirements-check>`'s `settings`: `undefined` or `null` is no settings (`{}`); else an
 * object whose keys are check names, each an object of that check's options (a key set to
 * `undefined` is left out). Returns the settings unchanged.
 * @throws ProctorError INVALID_OPTION (4107) naming the first setting that is unknown or of the
 *   wrong type or range, e.g. `settings.webcam.minConfidence must be a number from 0 to 1, got 2.`
 */
export function validateCheckSettings(input: unknown): CheckSettings {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input))
    throw invalid(`settings must be an object of per-check options ({ webcam: { … } }), got ${typeOf(input)}.`);
  for (const [name, options] of Object.entries(input)) {
    // own keys only: "constructor" or "__proto__" is no check
    const spec = Object.prototype.hasOwnProperty.call(SPEC, name) ? SPEC[name as keyof CheckSettings] : undefined;
    if (!spec) throw invalid(`settings.${name} is not a check (known: ${CHECK_NAMES.join(', ')}).`);
    if (options === undefined || options === null) continue;
    if (typeof options !== 'object' || Array.isArray(options))
      throw invalid(`settings.${name} must be an object of the ${name} check's options, got ${typeOf(options)}.`);
    for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
      if (value === undefined) continue;
      // every check runs on the element's MediaDevices, which a settings object may also carry
      const kind =
        key === 'mediaDevices' ? mediaDevices : Object.prototype.hasOwnProperty.call(spec, key) ? spec[key] : undefined;
      if (!kind)
        throw invalid(`settings.${name}.${key} is not a ${name} setting (known: ${Object.keys(spec).join(', ')}).`);
      check(`settings.${name}.${key}`, kind, value);
    }
  }
  // the microphone must hear sound for requiredMs within listenMs (defaults 1500 and 5000): more
  // can never pass, and the candidate would be told to speak up
  const { microphone } = input as CheckSettings;
  const required = microphone?.requiredMs ?? 1500;
  const listen = microphone?.listenMs ?? 5000;
  if (required > listen)
    throw invalid(
      `settings.microphone.requiredMs (${required}) must be at most listenMs (${listen}): the check could never pass.`,
    );
  return input;
}
