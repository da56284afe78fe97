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
  | { type: 'string' | 'boolean' | 'function' | 'object' | 'url' };

const ms: Kind = { type: 'number', min: 0, what: 'a duration in ms, 0 or more' };
const positiveMs: Kind = { type: 'number', above: 0, what: 'a duration in ms, above 0' };
const count: Kind = { type: 'number', min: 1, int: true, what: 'a whole number, 1 or more' };
const fraction: Kind = { type: 'number', min: 0, max: 1, what: 'a number from 0 to 1' };
const luma: Kind = { type: 'number', min: 0, max: 255, what: 'a luma from 0 to 255' };
const db: Kind = { type: 'number', min: -200, max: 0, what: 'a level in dBFS, from -200 to 0' };
const mbps: Kind = { type: 'number', min: 0, what: 'a speed in Mbit/s, 0 or more' };
const bool: Kind = { type: 'boolean' };
const str: Kind = { type: 'string' };
const obj: Kind = { type: 'object' };
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
    stream: obj,
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
    detector: obj,
    assetBase: url,
  },
  screenshare: { requireEntireScreen: bool, rejectMultipleMonitors: bool, screen: obj, document: obj },
  mobile: { pairingUrl: str, transport: obj, timeoutMs: positiveMs, minFrames: count, rtcConfig: obj },
};

const invalid = (message: string) => new ProctorError(ErrorCode.INVALID_OPTION, message);

/** A value as the integrator wrote it, for a message (a string quoted, NaN and functions named). */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
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
      if (typeof value !== 'string' && !(value instanceof URL))
        throw invalid(`${path} must be a URL (a string or a URL), got ${typeOf(value)}.`);
      return;
    case 'object':
      if (typeof value !== 'object' || value === null)
        throw invalid(`${path} must be an object, got ${typeOf(value)}.`);
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
    const spec = SPEC[name as keyof CheckSettings];
    if (!spec) throw invalid(`settings.${name} is not a check (known: ${CHECK_NAMES.join(', ')}).`);
    if (options === undefined || options === null) continue;
    if (typeof options !== 'object' || Array.isArray(options))
      throw invalid(`settings.${name} must be an object of the ${name} check's options, got ${typeOf(options)}.`);
    for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
      if (value === undefined) continue;
      // every check runs on the element's MediaDevices, which a settings object may also carry
      const kind = key === 'mediaDevices' ? obj : spec[key];
      if (!kind)
        throw invalid(`settings.${name}.${key} is not a ${name} setting (known: ${Object.keys(spec).join(', ')}).`);
      check(`settings.${name}.${key}`, kind, value);
    }
  }
  return input;
}
