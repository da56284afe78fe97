/**
 * What of the setup checks is small and synchronous: the default check lists, parsing a list of
 * check names, and the helpers the element and integrators call without running a check. The classic
 * script (`dist/cdn/autoproctor.js`) keeps these in its one file; the check services themselves
 * (`RequirementsRunner`, `SpeakerCheck`, `runWebcamCheck()`, …) come with `<ap-requirements-check>`'s
 * lazy part there (src/checks/load-element.ts).
 */
import { ErrorCode, ProctorError } from '../errors.js';
import { CHECK_NAMES, type CheckName } from './types.js';

export const DEFAULT_CHECKS: readonly CheckName[] = ['microphone', 'speakers', 'bandwidth', 'webcam', 'screenshare'];
export const DEFAULT_OPTIONAL: readonly CheckName[] = ['bandwidth', 'mobile'];

/**
 * Parses `"microphone, webcam"` into known check names; unknown names throw INVALID_OPTION, and so
 * does an empty list of `checks` (nothing to run is a configuration error, not "all passed").
 */
export function parseCheckNames(value: string, what = 'checks'): CheckName[] {
  const names = value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length && what === 'checks')
    throw new ProctorError(ErrorCode.INVALID_OPTION, `checks: no check given; known: ${CHECK_NAMES.join(', ')}.`);
  const unknown = names.filter((n) => !(CHECK_NAMES as readonly string[]).includes(n));
  if (unknown.length)
    throw new ProctorError(
      ErrorCode.INVALID_OPTION,
      `${what}: unknown check ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${CHECK_NAMES.join(', ')}.`,
    );
  return [...new Set(names)] as CheckName[];
}

/**
 * True where an AudioContext can be routed to a chosen output device (`AudioContext.setSinkId`:
 * Chromium 110+; not Firefox or Safari, which play to the default device).
 */
export const canChooseAudioOutput = (): boolean =>
  typeof AudioContext !== 'undefined' && 'setSinkId' in AudioContext.prototype;

/** Camera labels of known virtual cameras (screen or video injection). */
export const VIRTUAL_CAMERA_PATTERN =
  /\b(obs|manycam|snap camera|xsplit|virtual|droidcam|splitcam|e2esoft|vcam|camtwist|mmhmm|chromacam|youcam|iriun|epoccam|nvidia broadcast)\b/i;

/** The phone page's address for `code`. */
export function pairingLink(pairingUrl: string, code: string): string {
  if (pairingUrl.includes('{code}')) return pairingUrl.replaceAll('{code}', encodeURIComponent(code));
  const url = new URL(pairingUrl, globalThis.location?.href);
  url.searchParams.set('code', code);
  return url.href;
}
