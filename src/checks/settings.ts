/**
 * Validation of the per-check `settings` of `<ap-requirements-check>` and `RequirementsRunner`
 * ({@link CheckSettings}), with the check services' own option specs (src/checks/options.ts): the
 * same option is the same mistake, named `settings.webcam.minConfidence` here and
 * `runWebcamCheck options.minConfidence` when the service is called directly.
 */
import type { CheckSettings } from './runner.js';
import { CHECK_NAMES, type CheckName } from './types.js';
import { BANDWIDTH_OPTIONS } from './bandwidth.js';
import { MICROPHONE_OPTIONS, unreachableRequiredMs } from './microphone.js';
import { MOBILE_OPTIONS } from './mobile.js';
import { invalidOption, typeOf, validateOptions, type OptionSpec } from './options.js';
import { SCREENSHARE_OPTIONS } from './screenshare.js';
import { SPEAKERS_OPTIONS } from './speakers.js';
import { WEBCAM_OPTIONS } from './webcam.js';

/** What the runner gives each check itself: not a setting. */
const FROM_RUNNER = new Set(['signal', 'onProgress', 'video', 'onPairing']);
const settingsOf = (spec: OptionSpec): OptionSpec =>
  Object.fromEntries(
    Object.entries(spec)
      .filter(([key]) => !FROM_RUNNER.has(key))
      // a setting may be left out: the runner has its own (the element's bandwidth-url)
      .map(([key, kind]) => [key, { ...kind, required: undefined }]),
  );

/** Each check's settings: its service's options but those the runner gives it. */
const SETTINGS: Record<CheckName, OptionSpec> = {
  microphone: settingsOf(MICROPHONE_OPTIONS),
  speakers: settingsOf(SPEAKERS_OPTIONS),
  bandwidth: settingsOf(BANDWIDTH_OPTIONS),
  webcam: settingsOf(WEBCAM_OPTIONS),
  screenshare: settingsOf(SCREENSHARE_OPTIONS),
  mobile: settingsOf(MOBILE_OPTIONS),
};

/**
 * Checks `settings`: `undefined` or `null` is no settings (`{}`); else an object whose keys are
 * check names, each an object of that check's options (a key set to `undefined` is left out).
 * Returns the settings unchanged.
 * @throws ProctorError INVALID_OPTION (4107) naming the first setting that is unknown or of the
 *   wrong type or range, e.g. `settings.webcam.minConfidence must be a number from 0 to 1, got 2.`
 */
export function validateCheckSettings(input: unknown): CheckSettings {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input))
    throw invalidOption(`settings must be an object of per-check options ({ webcam: { … } }), got ${typeOf(input)}.`);
  for (const [name, options] of Object.entries(input)) {
    // own keys only: "constructor" or "__proto__" is no check
    if (!Object.prototype.hasOwnProperty.call(SETTINGS, name))
      throw invalidOption(`settings.${name} is not a check (known: ${CHECK_NAMES.join(', ')}).`);
    validateOptions(`settings.${name}`, `${name} setting`, SETTINGS[name as CheckName], options);
  }
  const unreachable = unreachableRequiredMs('settings.microphone', (input as CheckSettings).microphone ?? {});
  if (unreachable) throw unreachable;
  return input;
}
