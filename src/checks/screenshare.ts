import { ErrorCode, ProctorError, messageOf } from '../errors.js';
import { abortReason, requireMediaDevices, stopStream } from '../media/user-media.js';
import { MULTI_MONITOR_UNKNOWN, multiMonitorSupport } from '../monitoring/trackers/screens.js';
import { failedFromError, finished } from './result.js';
import { RUN_OPTIONS, kinds, optionsFailure, type OptionKind } from './options.js';
import type { CheckOutcome, CheckRunOptions } from './types.js';

export interface ScreenshareCheckOptions extends CheckRunOptions {
  /** Fail unless the entire screen is shared (default true). */
  requireEntireScreen?: boolean;
  /** Fail when the device has more than one monitor (default true). */
  rejectMultipleMonitors?: boolean;
  /** Injected for tests; defaults to `window.screen`. */
  screen?: { isExtended?: boolean };
  /** Injected for tests; defaults to `document` (its permissions policy decides whether `isExtended` may be used). */
  document?: Document;
}

/** Maps a getDisplayMedia failure to AutoProctor's screen-share codes. */
export function displayMediaError(error: unknown): ProctorError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'InvalidStateError')
    return new ProctorError(
      ErrorCode.SCREEN_SHARE_DENIED,
      'Screen sharing was not allowed. Share your entire screen to continue.',
      { cause: error },
    );
  if (name === 'NotFoundError')
    return new ProctorError(ErrorCode.NO_SCREEN_SOURCE, 'No screen was found to share.', { cause: error });
  return new ProctorError(
    ErrorCode.SCREEN_SHARE_OS_ERROR,
    `Your system stopped the screen share (${messageOf(error)}). On macOS, allow screen recording for this browser in System Settings → Privacy & Security.`,
    { cause: error },
  );
}

/** What `runScreenshareCheck()` accepts, each option with its kind (a wrong one fails the check with 4107). */
export const SCREENSHARE_OPTIONS = {
  ...RUN_OPTIONS,
  requireEntireScreen: kinds.boolean,
  rejectMultipleMonitors: kinds.boolean,
  screen: kinds.plain,
  document: kinds.object,
} satisfies Record<keyof ScreenshareCheckOptions, OptionKind>;

/**
 * Asks for the screen; fails unless the whole screen (`displaySurface: 'monitor'`) is shared and
 * only one monitor is attached. Keeps the stream on success.
 *
 * What the browser cannot tell is "unknown", not a pass or a failure: without `displaySurface`
 * (Firefox) the check passes with a warning saying what to share; without `screen.isExtended` or the
 * window-management permission ({@link multiMonitorSupport}) it warns that monitors were not counted.
 * `metrics.displaySurface` / `metrics.multipleMonitors` are then `'unknown'`.
 */
export async function runScreenshareCheck(options: ScreenshareCheckOptions = {}): Promise<CheckOutcome> {
  const invalid = optionsFailure('screenshare', 'runScreenshareCheck', SCREENSHARE_OPTIONS, options);
  if (invalid) return { result: invalid };
  options ??= {} as ScreenshareCheckOptions;
  // an abort before the start is the caller's answer at once (as fetch's), with no device asked for
  if (options.signal?.aborted) throw abortReason(options.signal);
  const { requireEntireScreen = true, rejectMultipleMonitors = true } = options;
  const startedAt = Date.now();
  let stream: MediaStream | undefined;
  try {
    const devices = requireMediaDevices(options.mediaDevices);
    if (typeof devices.getDisplayMedia !== 'function')
      throw new ProctorError(
        ErrorCode.INCOMPATIBLE_BROWSER,
        'This browser cannot share the screen. Use a current desktop Chrome, Edge or Firefox.',
      );
    try {
      stream = await devices.getDisplayMedia({ video: { displaySurface: 'monitor' }, audio: false });
    } catch (error) {
      throw displayMediaError(error);
    }
    options.signal?.throwIfAborted();
    const track = stream.getVideoTracks()[0];
    const settings = track.getSettings();
    const surface = settings.displaySurface ?? 'unknown';
    const screen = options.screen ?? (globalThis.screen as { isExtended?: boolean } | undefined);
    const support = multiMonitorSupport(screen, options.document ?? globalThis.document);
    const isExtended = support === 'available' && screen?.isExtended === true;
    const warnings: string[] = [];
    if (surface === 'unknown')
      warnings.push(
        'This browser does not tell what was shared, so we could not verify it. Make sure you shared your entire screen, not a window or a tab.',
      );
    if (support !== 'available') warnings.push(MULTI_MONITOR_UNKNOWN[support]);
    const metrics = {
      displaySurface: surface,
      width: settings.width ?? 0,
      height: settings.height ?? 0,
      multipleMonitors: support === 'available' ? isExtended : 'unknown',
    };
    const refuse = (reason: 'not_entire_screen' | 'multiple_monitors', code: number, message: string): CheckOutcome => {
      stopStream(stream);
      return { result: finished('screenshare', startedAt, { ok: false, reason, code, message, metrics }) };
    };
    if (requireEntireScreen && surface !== 'monitor' && surface !== 'unknown')
      return refuse(
        'not_entire_screen',
        ErrorCode.NOT_ENTIRE_SCREEN,
        'You shared a window or a tab. Share your entire screen instead.',
      );
    if (rejectMultipleMonitors && isExtended)
      return refuse(
        'multiple_monitors',
        ErrorCode.MULTIPLE_MONITORS,
        'More than one monitor is connected. Disconnect the extra monitors and try again.',
      );
    return {
      result: finished('screenshare', startedAt, { ok: true, message: 'Your screen is shared.', metrics, warnings }),
      stream,
    };
  } catch (error) {
    stopStream(stream);
    if (options.signal?.aborted) throw error;
    return { result: failedFromError('screenshare', startedAt, error) };
  }
}
