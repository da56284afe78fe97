/**
 * One validator for the options of the check services (`runWebcamCheck()`, `SpeakerCheck`, …) and
 * of `<ap-requirements-check>`'s / `RequirementsRunner`'s `settings`. A misspelt key or a value of
 * the wrong type or range is the integrator's mistake: a configuration error (INVALID_OPTION, 4107)
 * naming the option and the value given, never a check that fails and tells the candidate "your
 * camera is frozen" or "we cannot see your face". Each check declares its options beside their
 * interface (`WEBCAM_OPTIONS`, …) as an {@link OptionSpec}.
 */
import { ErrorCode, ProctorError } from '../errors.js';
import { failedFromError } from './result.js';
import type { CheckName, CheckResult } from './types.js';

/**
 * What an option must be. Numbers are finite and within [min, max] (and above `above`), `int` ones
 * whole; `what` describes the range in the message. An object must pass `is` (any non-null object
 * without one). `url`: a non-empty string or a URL.
 */
export type OptionKind = (
  | { type: 'number'; min?: number; max?: number; int?: boolean; above?: number; what: string }
  | { type: 'string' | 'boolean' | 'function' | 'url' }
  | { type: 'object'; is?: (value: object) => boolean; what?: string }
) & {
  /** The option must be given (`undefined` is not given); the text says what it is for. */
  required?: string;
  /** `null` is as good as leaving the option out (an options object a framework sets to null). */
  nullable?: boolean;
};

/** The options of a check: each key and its kind. */
export type OptionSpec = Readonly<Record<string, OptionKind>>;

/** The longest time an option may give a check, ms (10 minutes): longer is a check that never ends. */
const MAX_MS = 600_000;
const number = (what: string, range: { min?: number; max?: number; int?: boolean; above?: number }): OptionKind => ({
  type: 'number',
  what,
  ...range,
});
const object = (what: string, is: (value: object) => boolean): OptionKind => ({ type: 'object', is, what });
const has = (key: string) => (value: object) => typeof (value as Record<string, unknown>)[key] === 'function';

/** The kinds the checks' options are made of (units in each message). */
export const kinds = {
  ms: number(`a duration in ms from 0 to ${MAX_MS}`, { min: 0, max: MAX_MS }),
  positiveMs: number(`a duration in ms above 0, at most ${MAX_MS}`, { above: 0, max: MAX_MS }),
  count: number('a whole number, 1 or more', { min: 1, int: true }),
  fraction: number('a number from 0 to 1', { min: 0, max: 1 }),
  luma: number('a luma from 0 to 255', { min: 0, max: 255 }),
  db: number('a level in dBFS, from -200 to 0', { min: -200, max: 0 }),
  mbps: number('a speed in Mbit/s, 0 or more', { min: 0 }),
  boolean: { type: 'boolean' },
  string: { type: 'string' },
  function: { type: 'function' },
  url: { type: 'url' },
  object: { type: 'object' },
  plain: object('an object', (v) => !Array.isArray(v)),
  // by their methods, not instanceof: a stream or element from another frame's realm is as good
  stream: object('a MediaStream', has('getVideoTracks')),
  video: object('an HTMLVideoElement', (v) => 'srcObject' in v && has('play')(v)),
  signal: object('an AbortSignal', (v) => 'aborted' in v && has('addEventListener')(v)),
  // any object: one without getUserMedia is a browser that cannot capture, which the check reports (4001)
  mediaDevices: { type: 'object', what: 'a MediaDevices' },
  detector: object('a face detector (from createFaceDetector())', has('detect')),
} satisfies Record<string, OptionKind>;

/** What every check service accepts ({@link CheckRunOptions}). */
export const RUN_OPTIONS = {
  signal: kinds.signal,
  onProgress: kinds.function,
  mediaDevices: kinds.mediaDevices,
} satisfies OptionSpec;

export const invalidOption = (message: string) => new ProctorError(ErrorCode.INVALID_OPTION, message);

/** A value as the integrator wrote it, for a message (a string quoted, NaN and functions named). */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    // "an" before a vowel sound: an Array, an HTMLDivElement (but a URL, a Uint8Array)
    if (name && name !== 'Object') return `${/^([AEIO]|[FHLMNRSX][A-Z])/.test(name) ? 'an' : 'a'} ${name} object`;
  }
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeOf(value);
  }
}

/** What `kind` asks for, for a message. */
const describe = (kind: OptionKind): string =>
  kind.type === 'number' || kind.type === 'object'
    ? (kind.what ?? 'an object')
    : kind.type === 'url'
      ? 'a URL (a non-empty string or a URL)'
      : `a ${kind.type}`;

/** A value's type for a message: `null`, `an array`, or its `typeof`. */
export const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

function check(path: string, kind: OptionKind, value: unknown): void {
  const wrong = (got: string) => invalidOption(`${path} must be ${describe(kind)}, got ${got}.`);
  // `deviceId: select.value || null`: a null is not "not set" (the defaults are for undefined)
  if (value === null) {
    if (kind.nullable) return;
    throw wrong('null (leave it out, or undefined, for the default)');
  }
  switch (kind.type) {
    case 'number': {
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        !(value < kind.min!) &&
        !(value > kind.max!) &&
        !(value <= kind.above!) &&
        (!kind.int || Number.isInteger(value));
      if (!ok) throw wrong(shown(value));
      return;
    }
    case 'url':
      if (!(value instanceof URL) && (typeof value !== 'string' || !value.trim())) throw wrong(shown(value));
      return;
    case 'object':
      if (typeof value !== 'object' || (kind.is && !kind.is(value))) throw wrong(shown(value));
      return;
    default:
      if (typeof value !== kind.type) throw wrong(typeOf(value));
  }
}

/**
 * Checks `options` against `spec`: `undefined` or `null` is no options; else an object whose own
 * keys are all in `spec` (a key set to `undefined` is left out; `null` only where the kind is
 * `nullable`) with values of their kinds. Either way, every `required` key must be there.
 * Messages name each option as `<path>.<key>` (`runWebcamCheck options.minConfidence`,
 * `settings.webcam.minConfidence`); `label` names what a key must be (`webcam setting`).
 * @throws ProctorError INVALID_OPTION (4107) naming the first option that is unknown or of the
 *   wrong type or range, e.g. `settings.webcam.minConfidence must be a number from 0 to 1, got 2.`
 */
export function validateOptions(path: string, label: string, spec: OptionSpec, options: unknown): void {
  // no options at all are none given (a required one is still missing)
  const given: unknown = options ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw invalidOption(`${path} must be an object of ${label}s, got ${typeOf(given)}.`);
  for (const [key, kind] of Object.entries(spec))
    if (kind.required && (given as Record<string, unknown>)[key] === undefined)
      throw invalidOption(`${path}.${key} is required: ${kind.required}.`);
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    // own keys only: "constructor" or "__proto__" is no option
    if (!Object.prototype.hasOwnProperty.call(spec, key))
      throw invalidOption(`${path}.${key} is not a ${label} (known: ${Object.keys(spec).join(', ')}).`);
    check(`${path}.${key}`, spec[key], value);
  }
}

/**
 * For a check service: `undefined` when `options` are valid for `spec`, else the check's failed
 * result (`reason: 'error'`, `code: 4107`, the message naming the option as `<fn> options.<key>`),
 * which the service returns before it opens any device.
 */
export function optionsFailure(
  name: CheckName,
  fn: string,
  spec: OptionSpec,
  options: unknown,
): CheckResult | undefined {
  try {
    validateOptions(`${fn} options`, `${fn} option`, spec, options);
    return undefined;
  } catch (error) {
    return failedFromError(name, Date.now(), error);
  }
}
