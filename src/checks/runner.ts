/**
 * Runs the requirements checks one at a time and keeps their results; `<ap-requirements-check>`
 * renders it. Framework-free: an EventTarget firing `change`, `progress` and `complete`.
 */
import { MINIMUM_BROWSERS, missingBrowserFeature } from '../browser-support.js';
import { ErrorCode, ProctorError } from '../errors.js';
import { abortReason, stopStream } from '../media/user-media.js';
import { handovers, isHeld } from '../media/handover.js';
import { runBandwidthCheck, type BandwidthCheckOptions } from './bandwidth.js';
import { runMicrophoneCheck, type MicrophoneCheckOptions } from './microphone.js';
import { runMobileCheck, type MobileCheckOptions } from './mobile.js';
import type { PairingTransport } from '../pairing/channel.js';
import type { SecondCameraReceiver } from '../pairing/peer.js';
import { failedFromError, finished } from './result.js';
import { runScreenshareCheck, type ScreenshareCheckOptions } from './screenshare.js';
import { SpeakerCheck, type SpeakerCheckOptions } from './speakers.js';
import { CHECK_NAMES, type CheckName, type CheckOutcome, type CheckProgress, type CheckResult } from './types.js';
import { DEFAULT_CHECKS, DEFAULT_OPTIONAL } from './common.js';
import { validateCheckSettings } from './settings.js';
import { kinds, validateOptions, type OptionKind } from './options.js';
import { runWebcamCheck, type WebcamCheckOptions } from './webcam.js';

/** Per-check settings (thresholds, devices, injected dependencies). */
export interface CheckSettings {
  microphone?: Omit<MicrophoneCheckOptions, 'signal' | 'onProgress'>;
  speakers?: Omit<SpeakerCheckOptions, 'signal' | 'onProgress'>;
  bandwidth?: Partial<Omit<BandwidthCheckOptions, 'signal' | 'onProgress'>>;
  webcam?: Omit<WebcamCheckOptions, 'signal' | 'onProgress' | 'video'>;
  screenshare?: Omit<ScreenshareCheckOptions, 'signal' | 'onProgress'>;
  mobile?: Omit<MobileCheckOptions, 'signal' | 'onProgress' | 'video' | 'onPairing'>;
}

export interface RequirementsRunnerOptions {
  checks?: readonly CheckName[];
  /** Checks that may fail or be skipped without failing the whole. Default: bandwidth, mobile. */
  optional?: readonly CheckName[];
  bandwidthUrl?: string;
  /** The phone page for the mobile check (`{code}` is replaced, else `?code=` is added). */
  pairingUrl?: string;
  /** Signalling for the mobile check; default BroadcastChannel (same browser). */
  pairing?: PairingTransport;
  assetBase?: string;
  settings?: CheckSettings;
  mediaDevices?: MediaDevices;
}

const checkNames: OptionKind = {
  type: 'object',
  is: (value) => Array.isArray(value) && value.every((name) => (CHECK_NAMES as readonly unknown[]).includes(name)),
  what: `a list of check names (${CHECK_NAMES.join(', ')})`,
};

/** What `new RequirementsRunner()` accepts; its `settings` are checked per check (src/checks/settings.ts). */
export const RUNNER_OPTIONS = {
  checks: checkNames,
  optional: checkNames,
  bandwidthUrl: kinds.url,
  pairingUrl: kinds.string,
  pairing: kinds.object,
  assetBase: kinds.url,
  // as the element's property: null (a framework's state before it is set) is no settings
  settings: { ...kinds.object, nullable: true },
  mediaDevices: kinds.mediaDevices,
} satisfies Record<keyof RequirementsRunnerOptions, OptionKind>;

export interface ChecksSummary {
  results: CheckResult[];
  /** Every non-optional check succeeded. */
  passed: boolean;
}

/** Checks that need a click from the candidate before they can start (browser user-activation rules). */
const NEEDS_GESTURE: readonly CheckName[] = ['screenshare'];

const initial = (name: CheckName): CheckResult => ({ name, status: 'not_started', message: '', metrics: {} });

export class RequirementsRunner extends EventTarget {
  readonly checks: readonly CheckName[];
  readonly optional: ReadonlySet<CheckName>;
  /** The speakers check while it runs (the UI plays and submits through it). */
  speaker?: SpeakerCheck;
  /** The check that waits for the candidate's click, if any. */
  awaitingGesture?: CheckName;
  current?: CheckName;
  progress?: CheckProgress;
  /** Where the webcam check shows the camera. */
  preview?: HTMLVideoElement;
  cameraStream?: MediaStream;
  screenStream?: MediaStream;
  /** Where the mobile check shows the phone's camera. */
  mobilePreview?: HTMLVideoElement;
  /** While the mobile check waits: the code and the link the phone opens. */
  pairing?: { code: string; url: string };
  /** After the mobile check: the live connection to the phone (kept for monitoring). */
  secondCamera?: SecondCameraReceiver;
  /** A `run()` is under way (also between two checks, and while a check waits for the candidate). */
  busy = false;
  /** The last `run()` or `skip()` completed every check (`complete` fired): the summary may be shown. */
  finished = false;
  private results = new Map<CheckName, CheckResult>();
  private skipped = new Set<CheckName>();
  private controller?: AbortController;
  private gesture?: () => void;

  /**
   * @throws ProctorError INVALID_OPTION (4107) for an unknown option or one of the wrong kind
   *   ({@link RUNNER_OPTIONS}: `RequirementsRunner options.checks must be a list of check names …`),
   *   no checks, or `settings` with an unknown check or option, or a value of the wrong type or range
   *   (named: `settings.webcam.minConfidence …`).
   */
  constructor(private readonly options: RequirementsRunnerOptions = {}) {
    super();
    validateOptions('RequirementsRunner options', 'RequirementsRunner option', RUNNER_OPTIONS, options);
    options ??= {};
    this.options = options;
    validateCheckSettings(options.settings);
    // a check named twice runs once
    this.checks = [...new Set(options.checks ?? DEFAULT_CHECKS)];
    this.optional = new Set(options.optional ?? DEFAULT_OPTIONAL);
    if (!this.checks.length)
      throw new ProctorError(ErrorCode.INVALID_OPTION, `checks: no check given; known: ${CHECK_NAMES.join(', ')}.`);
    for (const name of this.checks) this.results.set(name, initial(name));
    handovers.addEventListener('change', this.onHandover);
  }

  /**
   * A running monitor uses the camera, screen or phone these checks handed over: running, skipping
   * or resetting a check now would stop or replace them mid-exam, so those throw INVALID_STATE.
   */
  get locked(): boolean {
    return isHeld(this.cameraStream) || isHeld(this.screenStream) || isHeld(this.secondCamera);
  }

  private lockedError(what: string) {
    return new ProctorError(
      ErrorCode.INVALID_STATE,
      `${what}: the checks are locked while the exam is monitored (the monitor uses their camera, screen or phone).`,
    );
  }

  private assertUnlocked(what: string) {
    if (this.locked) throw this.lockedError(what);
  }

  /** What a monitor released was stopped by it: forget it (no dead preview, no dead phone). */
  private onHandover = () => {
    const dead = (s?: MediaStream) => !!s && !isHeld(s) && !s.getTracks().some((t) => t.readyState === 'live');
    let changed = false;
    if (dead(this.cameraStream)) {
      this.cameraStream = undefined;
      if (this.preview) this.preview.srcObject = null;
      changed = true;
    }
    if (dead(this.screenStream)) {
      this.screenStream = undefined;
      changed = true;
    }
    if (this.secondCamera && !isHeld(this.secondCamera) && this.secondCamera.state === 'closed') {
      this.secondCamera = undefined;
      if (this.mobilePreview) this.mobilePreview.srcObject = null;
      changed = true;
    }
    this.dispatchEvent(new CustomEvent('streams', { detail: { changed } }));
  };

  /** Every check's result, in order. */
  get allResults(): CheckResult[] {
    return this.checks.map((n) => this.results.get(n)!);
  }

  result(name: CheckName): CheckResult | undefined {
    return this.results.get(name);
  }

  isSkipped(name: CheckName): boolean {
    return this.skipped.has(name);
  }

  get complete(): boolean {
    return this.checks.every(
      (n) => this.skipped.has(n) || ['succeeded', 'failed'].includes(this.results.get(n)!.status),
    );
  }

  get summary(): ChecksSummary {
    return {
      results: this.allResults,
      passed: this.checks.every((n) => this.optional.has(n) || this.results.get(n)!.status === 'succeeded'),
    };
  }

  /**
   * Runs one check (a retry when it already ran), or every check that has not succeeded yet, one
   * at a time. Resolves when done; a check waiting for input keeps it pending.
   */
  run(name?: CheckName): Promise<void> {
    if (name && !this.checks.includes(name))
      return Promise.reject(
        new ProctorError(ErrorCode.INVALID_OPTION, `run(): "${name}" is not one of this element's checks.`),
      );
    if (this.locked) return Promise.reject(this.lockedError('run()'));
    this.abort();
    this.finished = false;
    const queue = name
      ? [name]
      : this.checks.filter((n) => !this.skipped.has(n) && this.results.get(n)!.status !== 'succeeded');
    const controller = (this.controller = new AbortController());
    this.busy = true;
    const running = (async () => {
      for (const check of queue) {
        if (controller.signal.aborted) return;
        this.skipped.delete(check);
        await this.runOne(check, controller.signal);
      }
      if (controller.signal.aborted) return;
      this.busy = false;
      if (this.complete) {
        this.finished = true;
        this.dispatchEvent(new CustomEvent<ChecksSummary>('complete', { detail: this.summary }));
      }
    })()
      .catch((error: unknown) => {
        if (!controller.signal.aborted) throw error;
      })
      .finally(() => {
        if (this.controller === controller && !controller.signal.aborted) this.busy = false;
      });
    return running;
  }

  /** Skips an optional check; non-optional checks throw INVALID_OPTION. */
  skip(name: CheckName): void {
    if (!this.optional.has(name))
      throw new ProctorError(ErrorCode.INVALID_OPTION, `skip(): "${name}" is not optional and cannot be skipped.`);
    this.assertUnlocked('skip()');
    if (this.current === name) this.abort();
    this.skipped.add(name);
    this.set(initial(name));
    if (this.complete && !this.current) {
      this.finished = true;
      this.dispatchEvent(new CustomEvent<ChecksSummary>('complete', { detail: this.summary }));
    }
  }

  /** The candidate clicked: start the check waiting for a user gesture. */
  proceed(): void {
    this.gesture?.();
  }

  /**
   * Stops what runs, releases streams, and returns every check to `not_started`. INVALID_STATE while
   * {@link locked} (the exam uses the streams).
   */
  reset(): void {
    this.assertUnlocked('reset()');
    this.clear();
  }

  /**
   * Releases everything (the element was removed). What a running monitor holds is only let go of,
   * never stopped: the exam page may remove the checks once the exam runs.
   */
  dispose(): void {
    handovers.removeEventListener('change', this.onHandover);
    if (isHeld(this.cameraStream)) this.cameraStream = undefined;
    if (isHeld(this.screenStream)) this.screenStream = undefined;
    if (isHeld(this.secondCamera)) this.secondCamera = undefined;
    this.clear();
  }

  private clear() {
    this.abort();
    stopStream(this.cameraStream);
    stopStream(this.screenStream);
    this.cameraStream = this.screenStream = undefined;
    this.secondCamera?.close();
    this.secondCamera = undefined;
    this.skipped.clear();
    this.finished = false;
    for (const name of this.checks) this.set(initial(name));
  }

  private abort() {
    this.controller?.abort();
    this.controller = undefined;
    this.busy = false;
    this.speaker?.close();
    this.speaker = undefined;
    this.awaitingGesture = undefined;
    this.gesture = undefined;
    if (this.current && this.results.get(this.current)?.status === 'not_completed') this.set(initial(this.current));
    this.current = undefined;
    this.progress = undefined;
    this.pairing = undefined;
  }

  private set(result: CheckResult) {
    this.results.set(result.name, result);
    this.dispatchEvent(new CustomEvent<CheckResult>('change', { detail: result }));
  }

  private async runOne(name: CheckName, signal: AbortSignal) {
    this.current = name;
    this.progress = { fraction: 0 };
    this.set({ name, status: 'not_completed', startedAt: Date.now(), message: '', metrics: {} });
    const onProgress = (progress: CheckProgress) => {
      this.progress = progress;
      this.dispatchEvent(new CustomEvent('progress', { detail: { name, ...progress } }));
    };
    if (NEEDS_GESTURE.includes(name)) {
      this.awaitingGesture = name;
      this.dispatchEvent(new CustomEvent('progress', { detail: { name, fraction: 0 } }));
      await new Promise<void>((resolve, reject) => {
        this.gesture = resolve;
        signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
      });
      this.awaitingGesture = undefined;
    }
    const outcome = await this.execute(name, signal, onProgress);
    if (signal.aborted) {
      if (outcome.stream) stopStream(outcome.stream);
      return;
    }
    if (name === 'webcam') {
      if (this.cameraStream !== outcome.stream) stopStream(this.cameraStream);
      this.cameraStream = outcome.stream;
    }
    if (name === 'screenshare') {
      stopStream(this.screenStream);
      this.screenStream = outcome.stream;
    }
    if (name === 'mobile') {
      // execute() closed the previous phone connection before pairing again
      this.secondCamera = (outcome as { receiver?: SecondCameraReceiver }).receiver;
      this.pairing = undefined;
    }
    this.current = undefined;
    this.progress = undefined;
    this.set(outcome.result);
  }

  private async execute(
    name: CheckName,
    signal: AbortSignal,
    onProgress: (p: CheckProgress) => void,
  ): Promise<CheckOutcome> {
    const { settings = {}, mediaDevices, assetBase } = this.options;
    const common = { signal, onProgress, ...(mediaDevices ? { mediaDevices } : {}) };
    // an outdated browser fails every check with 4016 and what it lacks, not with a stray TypeError
    const missing = missingBrowserFeature();
    if (missing)
      return {
        result: failedFromError(
          name,
          Date.now(),
          new ProctorError(
            ErrorCode.BROWSER_OUTDATED,
            `This browser is outdated: it lacks ${missing}. Use ${MINIMUM_BROWSERS} or newer.`,
          ),
        ),
      };
    switch (name) {
      case 'microphone':
        return runMicrophoneCheck({ ...settings.microphone, ...common });
      case 'speakers': {
        const speaker = (this.speaker = new SpeakerCheck({ assetBase, ...settings.speakers, signal, onProgress }));
        this.dispatchEvent(new CustomEvent('progress', { detail: { name, fraction: 0 } }));
        const result = await Promise.race([
          speaker.result,
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true }),
          ),
        ]);
        this.speaker = undefined;
        return { result };
      }
      case 'bandwidth': {
        const url = settings.bandwidth?.url ?? this.options.bandwidthUrl;
        if (!url)
          return {
            result: finished('bandwidth', Date.now(), {
              ok: false,
              reason: 'unreachable',
              code: ErrorCode.INVALID_OPTION,
              message: 'No bandwidth-url is configured, so the connection speed cannot be measured.',
            }),
          };
        return runBandwidthCheck({ ...settings.bandwidth, url, ...common });
      }
      case 'webcam':
        stopStream(this.cameraStream);
        this.cameraStream = undefined;
        return runWebcamCheck({ assetBase, ...settings.webcam, ...common, video: this.preview });
      case 'screenshare':
        return runScreenshareCheck({ ...settings.screenshare, ...common });
      case 'mobile':
        this.secondCamera?.close();
        this.secondCamera = undefined;
        return runMobileCheck({
          ...settings.mobile,
          ...common,
          pairingUrl: settings.mobile?.pairingUrl ?? this.options.pairingUrl,
          transport: settings.mobile?.transport ?? this.options.pairing,
          video: this.mobilePreview,
          onPairing: (pairing) => {
            this.pairing = pairing;
            this.dispatchEvent(new CustomEvent('progress', { detail: { name, fraction: 0 } }));
          },
        });
    }
  }
}
