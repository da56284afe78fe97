/**
 * AutoProctor-compatible API, so an integration written for AutoProctor's JavaScript SDK runs by
 * changing only the script URL: `new AutoProctor({clientId, testAttemptId, hashedTestAttemptId})`,
 * `setup(options)`, `start()`, `stop()`, `destroy()`, `getReport()`, `showReport()`, AutoProctor's
 * instance properties, and its window events with its detail fields (`errorCode`, `evidenceCode`,
 * `successCode`, `action`) beside ours.
 *
 * Events come in a task after the call's promise settles, so "listen, then call" and "await, then
 * listen" both see each lifecycle event exactly once. The promise a call returns rejects on failure
 * for callers who await it, but an un-awaited call's failure shows only as `apErrorEvent` (never as
 * an `unhandledrejection`). Calls run one after another (`setup(); start();` waits for setup).
 */
import { assertSupportedBrowser } from '../browser-support.js';
import { ApMonitor } from '../elements/ap-monitor/ap-monitor.js';
import type { ApReport } from '../elements/ap-report/ap-report.js';
import { ErrorCode, ProctorError, messageOf, type ErrorCodeValue } from '../errors.js';
import { getUserMediaTyped, stopStream } from '../media/user-media.js';
import { hold, release } from '../media/handover.js';
import type { MonitorCredentials, MonitorSetupOptions } from '../monitoring/session.js';
import type { Tracker, TrackerContext } from '../monitoring/trackers/types.js';
import type { ChecksSummary } from '../checks/runner.js';
import { loadRequirementsCheckElement } from '../checks/load-element.js';
import { HttpBackend } from '../reporting/http-backend.js';
import { LocalBackend } from '../reporting/local-backend.js';
import type { EvidenceRecord } from '../reporting/types.js';
import { fromAttemptServer, fromMonitorReport, fromOutbox, type ReportData } from '../report/report-data.js';
import { loadReportElement } from '../report/load-element.js';
import { endpointUrl } from '../url.js';
import {
  PROGRESS,
  SuccessCode,
  errorDetail,
  withAutoProctorFields,
  evidenceDetail,
  successDetail,
  type AutoProctorErrorDetail,
  type AutoProctorEvidenceDetail,
  type AutoProctorSuccessDetail,
  type ProgressAction,
} from './codes.js';
import type { MonitoringStoppedDetail } from '../events/ap-monitoring-stopped.js';
import {
  asksFor,
  engineTracking,
  normalizeSetupOptions,
  type AutoProctorSetupOptions,
  type AutoProctorTracking,
  type NormalizedSetup,
} from './options.js';
import { PacedBackend } from './paced-backend.js';
import { CopyPasteTracker, SwitchedTabCaptureTracker, TestTakerPhotoTracker, isPhoneOrTablet } from './trackers.js';

export type { AutoProctorSetupOptions, AutoProctorTrackingOptions } from './options.js';

/** Element event → AutoProctor window event. */
export const AUTOPROCTOR_EVENTS = {
  'ap-setup-completed': 'apSetupCompleted',
  'ap-monitoring-started': 'apMonitoringStarted',
  'ap-monitoring-stopped': 'apMonitoringStopped',
  'ap-instance-destroyed': 'apInstanceDestroyed',
  'ap-error': 'apErrorEvent',
  'ap-evidence': 'apEvidenceEvent',
} as const;

/** `apProgressUpdate`'s detail: the step setup or start reached and its share of the whole (0–100). */
export interface AutoProctorProgressDetail {
  action: ProgressAction;
  progress: number;
}

declare global {
  /** The AutoProctor drop-in's window events, typed for `addEventListener` (AutoProctor's names). */
  interface WindowEventMap {
    apSetupCompleted: CustomEvent<{ testAttemptId: string }>;
    apSetupComplete: CustomEvent<{ testAttemptId: string }>;
    apMonitoringStarted: CustomEvent<{ testAttemptId: string; resumed: boolean }>;
    apMonitoringStopped: CustomEvent<MonitoringStoppedDetail>;
    apInstanceDestroyed: CustomEvent<{ testAttemptId: string }>;
    apErrorEvent: CustomEvent<AutoProctorErrorDetail>;
    apEvidenceEvent: CustomEvent<AutoProctorEvidenceDetail>;
    apSuccessEvent: CustomEvent<AutoProctorSuccessDetail>;
    apProgressUpdate: CustomEvent<AutoProctorProgressDetail>;
    /** The classic script (`dist/cdn/autoproctor.js`) is ready: `window.AutoProctor` exists. */
    apLibReady: CustomEvent<{ assetBase: string }>;
    /** The classic script cannot run here: 4016 outdated browser, 4018 files failed to load. */
    apLibLoadingFailed: CustomEvent<{
      statusDetails: { errorCode: number; errorMessage: string };
      errorCode: number;
      errorMessage: string;
    }>;
  }
}

/** `getReport()`'s answer: AutoProctor's `attemptDetails` plus the evidence and our report data. */
export interface AutoProctorReport {
  attemptDetails: {
    testAttemptId: string;
    clientId: string;
    /** 0–100; null until the attempt is stopped and scored (poll until it is a number). */
    trustScore: number | null;
    /** `not_started`, `started`, or `completed` (stopped and scored). */
    testAttemptStatus: 'not_started' | 'started' | 'completed';
    needsReview: boolean | null;
    /** Epoch ms. */
    startedAt: number | null;
    finishedAt: number | null;
    userDetails?: Record<string, unknown>;
    showHowToVideo?: boolean;
  };
  counts: ReportData['counts'];
  evidence: AutoProctorEvidenceDetail[];
  /** The same, as `<ap-report>` shows it. */
  report: ReportData;
}

/** AutoProctor's `reportOptions` keys, and ours (`containerId`, `testContainerId`, `container`). */
const REPORT_KEYS = [
  'showProctoringSummary',
  'proctoringSummaryDOMId',
  'showSessionRecording',
  'sessionRecordingDOMId',
  'groupReportsIntoTabs',
  'tabContainerDOMId',
  'insertTestReportTab',
  'testReportDOMId',
  'userDetails',
  'containerId',
  'testContainerId',
  'container',
];

/**
 * The constructor's argument: AutoProctor's credentials, plus (ours) `endpoint`, the results server,
 * which `setup()` then delivers to unless its own options name another, and from which
 * `getReport()` / `showReport()` read an attempt this device's outbox does not hold (a teacher's
 * page). An absolute http(s) URL, or a path starting with `/`, `./` or `../` (4107 otherwise).
 */
export interface AutoProctorCredentials extends MonitorCredentials {
  endpoint?: string;
}

const define = (name: string, ctor: CustomElementConstructor) => {
  if (!customElements.get(name)) customElements.define(name, ctor);
};

export class AutoProctor {
  /** AutoProctor's instance properties. */
  readonly clientId: string;
  readonly testAttemptId: string;
  readonly hashedTestAttemptId: string;
  /** True while monitoring runs (after `start()` resolved, until `stop()` or `destroy()`). */
  isApTestStarted = false;

  private element?: ApMonitor;
  private host?: HTMLElement;
  private settings?: NormalizedSetup;
  private streams: MediaStream[] = [];
  private paced?: PacedBackend;
  private stoppedOnce = false;
  private stopped?: { trustScore: number };
  private destroyed = false;
  private chain: Promise<unknown> = Promise.resolve();
  /** The running step's events, held until it settles (see `step`); undefined between steps. */
  private buffered?: Event[];
  private warned = new Set<string>();

  /** The results server given to the constructor (ours; AutoProctor's SDK always uses its own). */
  readonly endpoint?: string;

  /** The credentials as given, `testAttemptId` as a string. */
  readonly credentials: AutoProctorCredentials;

  /**
   * @throws ProctorError 4107 (`errorCode` 4107 too) for a missing or ill-typed credential or
   *   endpoint. A whole-number `testAttemptId` (an LMS's numeric id) is taken as its decimal string.
   */
  constructor(credentials: AutoProctorCredentials) {
    const bad = (message: string) =>
      withAutoProctorFields(new ProctorError(ErrorCode.INVALID_OPTION, `AutoProctor: ${message}`));
    const given = credentials?.testAttemptId as unknown;
    credentials = {
      ...credentials,
      testAttemptId: Number.isSafeInteger(given) ? String(given) : (given as string),
    };
    for (const key of ['clientId', 'testAttemptId', 'hashedTestAttemptId'] as const)
      if (typeof credentials[key] !== 'string' || !credentials[key])
        throw bad(`${key} is required (a non-empty string), got ${JSON.stringify(credentials[key]) ?? 'nothing'}.`);
    this.credentials = credentials;
    this.clientId = credentials.clientId;
    this.testAttemptId = credentials.testAttemptId;
    this.hashedTestAttemptId = credentials.hashedTestAttemptId;
    if (credentials.endpoint !== undefined) {
      try {
        endpointUrl(credentials.endpoint);
      } catch (error) {
        throw bad(messageOf(error));
      }
      this.endpoint = credentials.endpoint;
    }
  }

  /** The `<ap-monitor>` this instance created (after `setup()`). */
  get monitor(): ApMonitor | undefined {
    return this.element;
  }

  /** The Trust Score after `stop()` (0–100). */
  get trustScore(): number | undefined {
    return this.element?.trustScore;
  }

  /**
   * Validates the options (AutoProctor's keys and ours), creates the monitor in the test container,
   * asks for the camera and microphone, loads the face model. Fires `apProgressUpdate` and
   * `apSuccessEvent` 2001–2003 as it goes, then 2100, `apSetupCompleted` and `apSetupComplete`.
   * Can be called again after any failure.
   */
  setup(options?: AutoProctorSetupOptions): Promise<void> {
    // AutoProctor's loader actions (its own Moodle plugin hides its overlay on "hide"), around setup
    return this.step(async () => {
      this.loader('show');
      try {
        await this.runSetup(options);
      } finally {
        this.loader('hide');
      }
    });
  }

  /** Creates (or resumes) the attempt and starts monitoring; then `apMonitoringStarted`. */
  start(): Promise<void> {
    return this.step(async () => {
      if (this.destroyed)
        throw new ProctorError(ErrorCode.INVALID_STATE, 'start() after destroy(): create a new AutoProctor.');
      if (this.stoppedOnce)
        throw new ProctorError(
          ErrorCode.INVALID_STATE,
          `start() again after stop() for testAttemptId "${this.testAttemptId}".`,
        );
      if (!this.element) throw new ProctorError(ErrorCode.INVALID_STATE, 'start() before setup().');
      this.progress('starting');
      await this.element.start();
      this.isApTestStarted = true;
      this.progress('monitoring_started');
    });
  }

  /** Stops, delivers the final evidence, computes the Trust Score; then `apMonitoringStopped`. */
  stop(): Promise<{ trustScore: number }> {
    return this.step(async () => {
      if (!this.element) throw new ProctorError(ErrorCode.INVALID_STATE, 'stop() before setup().');
      // a double-clicked Submit: the same result again, no error for the candidate to see
      if (this.stopped) return this.stopped;
      this.progress('stopping');
      this.paced?.hurry();
      const result = await this.element.stop();
      this.stopped = result;
      this.stoppedOnce = true;
      this.isApTestStarted = false;
      this.progress('monitoring_stopped');
      return result;
    });
  }

  /** Stops everything, releases every device and removes the monitor; then `apInstanceDestroyed`. */
  destroy(): Promise<void> {
    return this.step(async () => {
      removeEventListener('beforeunload', this.onBeforeUnload);
      this.destroyed = true;
      this.isApTestStarted = false;
      this.releaseStreams();
      const element = this.element;
      if (element) {
        await element.destroy();
        element.remove();
      }
      release(this);
    });
  }

  /**
   * The attempt's report: `attemptDetails.trustScore` is null until the attempt is stopped and scored
   * (poll until it is a number). A call made while `setup()`, `start()` or `stop()` is under way
   * answers once that call has settled. Works on a new page too (no `setup()` needed). From the running
   * monitor, else this device's outbox; when the outbox holds no finished attempt (another device:
   * a teacher's page, Moodle's `loadreport.php`) and an `endpoint` is known (constructor or
   * `setup()`), from the results server with the attempt's credentials (the server's Trust Score and
   * evidence, photos included). Rejects with 4118 `REPORT_NOT_FOUND` when neither has the attempt;
   * with 4111 / 4116 when only the server could have it and it cannot be read, 4107 when `endpoint`
   * has no results server route (a wrong path).
   */
  getReport(): Promise<AutoProctorReport> {
    return this.quiet(() => this.reportOf());
  }

  /** `getReport()`'s answer, unreported (`showReport()` reports its own failure, once). */
  private async reportOf(): Promise<AutoProctorReport> {
    // `stop(); showReport()` in one click handler: the report of the stopped attempt, scored
    await this.chain;
    const data = await this.readReport();
    const report: ReportData = {
      ...data,
      ...(this.settings?.userDetails ? { userDetails: this.settings.userDetails } : {}),
      ...(this.settings?.showHowToVideo !== undefined ? { showHowToVideo: this.settings.showHowToVideo } : {}),
    };
    return {
      attemptDetails: {
        testAttemptId: report.testAttemptId,
        clientId: this.clientId,
        trustScore: report.trustScore,
        testAttemptStatus: report.finishedAt ? 'completed' : report.startedAt ? 'started' : 'not_started',
        needsReview: report.needsReview,
        startedAt: report.startedAt ?? null,
        finishedAt: report.finishedAt ?? null,
        userDetails: report.userDetails,
        showHowToVideo: report.showHowToVideo,
      },
      counts: report.counts,
      evidence: report.evidence.map((e) =>
        evidenceDetail({
          ...e,
          attemptId: report.testAttemptId,
          seq: 0,
          type: e.type as EvidenceRecord['type'],
        } as EvidenceRecord),
      ),
      report,
    };
  }

  /**
   * Renders the report into the page as an `<ap-report>` and resolves with it. `reportOptions`:
   * AutoProctor's `proctoringSummaryDOMId`, or `containerId` / `testContainerId` (an element id), or
   * `container` (an element); default: AutoProctor's `ap-report__proctor` when the page has it, else
   * the test container, else the body. `userDetails` is shown with the report. Other keys that ask
   * for a feature (`showSessionRecording: true`: no recordings are made; `groupReportsIntoTabs: true`)
   * are accepted with one console warning each; `false` / `null` values and the `…DOMId` of a part
   * are accepted silently. The element comes from
   * `loadReportElement()` (the classic script fetches it from the asset base: 4100, AutoProctor's
   * `errorCode` 4018, when it cannot).
   */
  showReport(reportOptions: Record<string, unknown> = {}): Promise<ApReport> {
    return this.quiet(async () => {
      if (typeof reportOptions !== 'object' || reportOptions === null)
        throw new ProctorError(ErrorCode.INVALID_OPTION, 'showReport() options must be an object.');
      // the summary is what the report is (showProctoringSummary); a part's DOM id (…DOMId) is only
      // read when its feature is asked for, which carries the warning; a key AutoProctor does not
      // have (a typo) is refused, as setup() refuses one
      for (const [key, value] of Object.entries(reportOptions)) {
        if (!REPORT_KEYS.includes(key))
          throw new ProctorError(
            ErrorCode.INVALID_OPTION,
            `"${key}" is not a showReport() option of AutoProctor or proctor-elements (known: ${REPORT_KEYS.join(', ')}).`,
          );
        if (
          asksFor(value) &&
          !/DOMId$|^(containerId|testContainerId|container|userDetails|showProctoringSummary)$/.test(key)
        )
          this.warn(`showReport: ${key}`);
      }
      // AutoProctor's own key for where the summary goes comes first
      const id = (reportOptions.proctoringSummaryDOMId ??
        reportOptions.containerId ??
        reportOptions.testContainerId) as string | undefined;
      const host =
        (reportOptions.container as HTMLElement | undefined) ??
        (id
          ? document.getElementById(id)
          : // AutoProctor's default proctoringSummaryDOMId, where the page has it
            (document.getElementById('ap-report__proctor') ?? this.host ?? document.body));
      if (!(host instanceof HTMLElement))
        throw new ProctorError(ErrorCode.INVALID_OPTION, `showReport: no element with id "${String(id)}".`);
      await loadReportElement();
      const { report } = await this.reportOf();
      const shownDetails = reportOptions.userDetails;
      if (shownDetails && typeof shownDetails === 'object' && !Array.isArray(shownDetails))
        report.userDetails = { ...report.userDetails, ...(shownDetails as Record<string, unknown>) };
      const element = host.querySelector<ApReport>(':scope > ap-report') ?? document.createElement('ap-report');
      element.data = report;
      if (!element.isConnected) host.append(element);
      await element.updateComplete;
      return element;
    });
  }

  /** The report's source, in the order `getReport()` documents. */
  private async readReport(): Promise<ReportData> {
    if (this.element?.isConnected) return fromMonitorReport(await this.element.report());
    const local = await fromOutbox(this.testAttemptId, { outboxName: this.settings?.monitor.outboxName });
    if (local.finishedAt !== undefined) return local;
    const held = local.startedAt !== undefined || local.evidence.length > 0;
    const endpoint = this.settings?.monitor.endpoint ?? this.endpoint;
    if (endpoint) {
      try {
        const remote = await fromAttemptServer({
          endpoint,
          clientId: this.clientId,
          testAttemptId: this.testAttemptId,
          hashedTestAttemptId: this.hashedTestAttemptId,
        });
        if (remote && (remote.finishedAt !== undefined || !held)) return remote;
      } catch (error) {
        // this device's copy is still a report; the server's failure is only fatal when it is all there is
        if (!held) throw error;
      }
    }
    if (held) return local;
    throw new ProctorError(
      ErrorCode.REPORT_NOT_FOUND,
      endpoint
        ? `No report for testAttemptId "${this.testAttemptId}": this device's outbox does not hold it, and the results server (${endpoint}) has no such attempt for client "${this.clientId}".`
        : `No report for testAttemptId "${this.testAttemptId}" on this device, and no endpoint to ask: pass the results server as endpoint to new AutoProctor({…, endpoint}) to read attempts taken on another device.`,
    );
  }

  /** Runs a lifecycle call after the previous ones; its events are dispatched after it settles. */
  private step<T>(run: () => Promise<T>): Promise<T> {
    const task = async () => {
      // this call's own events: dispatched once its promise has settled (serial calls: one at a time)
      const events: Event[] = (this.buffered = []);
      try {
        return await run();
      } catch (error) {
        const typed =
          error instanceof ProctorError ? error : new ProctorError(ErrorCode.HARDWARE_ERROR, messageOf(error));
        // the monitor reports its own step failures (ap-error); add ours (they never reached it)
        const already = events.some(
          (e) =>
            e.type === 'apErrorEvent' &&
            (e as CustomEvent<{ code: number; message: string }>).detail.message === typed.message,
        );
        if (!already) this.emit('apErrorEvent', errorDetail(typed));
        throw withAutoProctorFields(typed);
      } finally {
        this.buffered = undefined;
        // after the promise settles (await-then-listen works), and not held for a call that
        // follows at once (`await setup(); await start()`: setup's events must not wait for start)
        setTimeout(() => events.forEach((e) => dispatchEvent(e)), 0);
      }
    };
    const result = this.chain.then(task, task);
    this.chain = result.catch(() => undefined);
    return this.quietly(result);
  }

  /** A call that fires no lifecycle event; its failure rejects (for awaiting callers) and is reported. */
  private quiet<T>(run: () => Promise<T>): Promise<T> {
    const result = run().catch((error: unknown) => {
      const typed =
        error instanceof ProctorError ? error : new ProctorError(ErrorCode.HARDWARE_ERROR, messageOf(error));
      setTimeout(() => this.emit('apErrorEvent', errorDetail(typed)), 0);
      throw withAutoProctorFields(typed);
    });
    return this.quietly(result);
  }

  /** The promise still rejects for whoever awaits it, but no `unhandledrejection` when nobody does. */
  private quietly<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => undefined);
    return promise;
  }

  private emit(type: string, detail: unknown) {
    const event = new CustomEvent(type, { detail });
    if (this.buffered) this.buffered.push(event);
    else dispatchEvent(event);
  }

  /** AutoProctor's `apProgressUpdate` loader actions: `show` when setup begins, `hide` when it ends. */
  private loader(action: 'show' | 'hide') {
    dispatchEvent(new CustomEvent('apProgressUpdate', { detail: { action, progress: action === 'hide' ? 100 : 0 } }));
  }

  private progress(action: ProgressAction) {
    // live: a setup loader follows it while the call runs
    dispatchEvent(new CustomEvent('apProgressUpdate', { detail: { action, progress: PROGRESS[action] } }));
  }

  private success(code: number) {
    dispatchEvent(new CustomEvent('apSuccessEvent', { detail: successDetail(code) }));
  }

  private warn(key: string, message = `"${key}" is accepted but not implemented yet; it has no effect.`) {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    console.warn(`AutoProctor (proctor-elements): ${message}`);
  }

  private async runSetup(options: AutoProctorSetupOptions | undefined) {
    if (this.destroyed)
      throw new ProctorError(ErrorCode.INVALID_STATE, 'setup() after destroy(): create a new AutoProctor.');
    this.progress('setup_started');
    const settings = normalizeSetupOptions(options);
    if (settings.monitor.endpoint === undefined && !settings.monitor.backend && this.endpoint)
      settings.monitor.endpoint = this.endpoint;
    for (const key of settings.ignored) this.warn(key);
    // legal (a page that only reads this device's report), but an integration that only changed
    // the script URL would lose every record to the candidate's device without a word
    if (!settings.monitor.endpoint && !settings.monitor.backend)
      this.warn(
        'endpoint',
        'no endpoint: the evidence stays on this device. Pass the results server as endpoint to new AutoProctor() or setup().',
      );
    const tracking = settings.tracking;
    this.progress('checking_browser');
    assertSupportedBrowser();
    if (tracking.forceDesktop && isPhoneOrTablet())
      throw new ProctorError(
        ErrorCode.BROWSER_NOT_ALLOWED,
        'This test must be taken on a desktop or laptop computer, not on a phone or tablet (forceDesktop).',
      );
    const host =
      settings.container ??
      (settings.testContainerId ? document.getElementById(settings.testContainerId) : document.body);
    if (!host)
      throw new ProctorError(
        ErrorCode.INVALID_OPTION,
        `testContainerId: no element with id "${settings.testContainerId}".`,
      );
    this.progress('creating_elements');
    define('ap-monitor', ApMonitor);
    let element = this.element;
    if (!element || element.state === 'destroyed') {
      element = this.element = document.createElement('ap-monitor');
      element.clientId = this.clientId;
      element.testAttemptId = this.testAttemptId;
      element.hashedTestAttemptId = this.hashedTestAttemptId;
      this.forward(element);
    }
    if (!['idle', 'ready', 'error'].includes(element.state))
      throw new ProctorError(ErrorCode.INVALID_STATE, `setup() while ${element.state}.`);
    this.host = host;
    if (element.parentElement !== host) host.append(element);
    this.success(SuccessCode.ELEMENTS_CREATED);
    const monitor: MonitorSetupOptions = { ...settings.monitor, trackingOptions: engineTracking(tracking) };
    if (tracking.auxiliaryDevice && !monitor.secondCamera) {
      this.progress('pairing_phone');
      monitor.secondCamera = await this.pairPhone(settings);
    }
    this.progress('requesting_permissions');
    monitor.streams = await this.permissions(tracking, settings);
    try {
      await this.finishSetup(element, monitor, settings);
    } catch (error) {
      this.releaseStreams();
      throw error;
    }
  }

  private async finishSetup(element: ApMonitor, monitor: MonitorSetupOptions, settings: NormalizedSetup) {
    const tracking = settings.tracking;
    this.success(SuccessCode.PERMISSIONS_GRANTED);
    if (settings.evidencePushIntervalMs !== undefined) {
      const inner =
        monitor.backend ??
        (monitor.endpoint ? new HttpBackend(monitor.endpoint, this.credentials) : new LocalBackend());
      monitor.backend = this.paced = new PacedBackend(inner, settings.evidencePushIntervalMs);
    } else this.paced = undefined;
    monitor.trackers = (ctx) => this.trackers(ctx, tracking, monitor);
    this.progress('loading_model');
    await element.setup(monitor);
    this.settings = settings;
    this.success(SuccessCode.VIDEO_AND_MODEL_LOADED);
    if (settings.alertBeforeUnload) addEventListener('beforeunload', this.onBeforeUnload);
    else removeEventListener('beforeunload', this.onBeforeUnload);
    this.progress('setup_completed');
  }

  /** Asks for the camera and microphone now (AutoProctor's setup does); start() reuses them. */
  private async permissions(tracking: AutoProctorTracking, settings: NormalizedSetup) {
    const given = settings.monitor.streams ?? {};
    const devices = settings.monitor.mediaDevices;
    const needCamera =
      tracking.numHumans || tracking.photosAtRandom || tracking.showCamPreview || tracking.testTakerPhoto;
    const live = (s?: MediaStream) => !!s && s.getTracks().some((t) => t.readyState === 'live');
    this.releaseStreams();
    const streams = { ...given };
    try {
      if (needCamera && !live(given.camera))
        this.streams.push(
          (streams.camera = await getUserMediaTyped(
            { video: { width: { ideal: 640 }, height: { ideal: 480 } } },
            devices,
          )),
        );
      if (tracking.audio && !live(given.microphone))
        this.streams.push(
          (streams.microphone = await getUserMediaTyped(
            { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } },
            devices,
          )),
        );
    } catch (error) {
      this.releaseStreams();
      throw error;
    }
    return streams;
  }

  /** The trackers behind AutoProctor's own tracking options. */
  private trackers(ctx: TrackerContext, tracking: AutoProctorTracking, monitor: MonitorSetupOptions): Tracker[] {
    const list: Tracker[] = [];
    if (tracking.testTakerPhoto) list.push(new TestTakerPhotoTracker(ctx));
    if (tracking.captureSwitchedTab)
      list.push(new SwitchedTabCaptureTracker(ctx, () => monitor.streams?.screen, monitor.mediaDevices));
    if (tracking.disableCopyPaste) list.push(new CopyPasteTracker(ctx, () => this.host ?? document.body));
    return list;
  }

  /**
   * `auxiliaryDevice` without a paired phone: runs the mobile check in the pairing container (the
   * QR code and link to `auxDevicePath`) and keeps the phone as the second camera. Without
   * `auxDevicePath` the phone page is the results server's own (`demo/phone.html` under `endpoint`,
   * served in production too), as AutoProctor's SDK defaults to its hosted page; only with neither
   * (no server to host the page or carry the pairing) is it 4107.
   */
  private async pairPhone(settings: NormalizedSetup) {
    const endpoint = settings.monitor.endpoint;
    // the phone is another device: only the results server can carry the pairing to it
    if (!endpoint)
      throw new ProctorError(
        ErrorCode.INVALID_OPTION,
        'auxiliaryDevice needs endpoint: the results server carries the pairing (and hosts a phone page, demo/phone.html, unless auxDevicePath names another); or give secondCamera from <ap-requirements-check>.',
      );
    const phonePage = settings.auxDevicePath ?? new URL('demo/phone.html', endpointUrl(endpoint)).href;
    const host =
      (settings.auxDeviceTestContainerId && document.getElementById(settings.auxDeviceTestContainerId)) ||
      this.host ||
      document.body;
    const check = new (await loadRequirementsCheckElement())();
    check.checks = 'mobile';
    check.optional = '';
    check.pairingUrl = phonePage;
    check.signallingUrl = endpoint;
    const done = new Promise<ChecksSummary>((resolve) =>
      check.addEventListener('ap-checks-complete', (e) => resolve(e.detail), { once: true }),
    );
    check.autostart = true;
    host.append(check);
    try {
      const summary = await done;
      const receiver = check.secondCamera;
      if (!summary.passed || !receiver) {
        const failed = summary.results.find((r) => r.status === 'failed');
        throw new ProctorError(
          (failed?.code as ErrorCodeValue | undefined) ?? ErrorCode.PAIRING_FAILED,
          failed?.message ?? 'The phone could not be paired.',
        );
      }
      // the phone is the monitor's now: removing the pairing UI must not end it
      hold(this, [receiver]);
      return receiver;
    } finally {
      check.remove();
    }
  }

  private forward(element: ApMonitor) {
    element.addEventListener('ap-error', (e) => this.emit('apErrorEvent', errorDetail(e.detail)));
    element.addEventListener('ap-evidence', (e) => this.emit('apEvidenceEvent', evidenceDetail(e.detail)));
    element.addEventListener('ap-setup-completed', (e) => {
      this.emit('apSuccessEvent', successDetail(SuccessCode.SETUP_DONE));
      this.emit('apSetupCompleted', e.detail);
      this.emit('apSetupComplete', e.detail); // AutoProctor's older name
    });
    element.addEventListener('ap-monitoring-started', (e) => this.emit('apMonitoringStarted', e.detail));
    element.addEventListener('ap-monitoring-stopped', (e) => this.emit('apMonitoringStopped', e.detail));
    element.addEventListener('ap-instance-destroyed', (e) => {
      this.isApTestStarted = false;
      this.releaseStreams();
      this.emit('apInstanceDestroyed', e.detail);
    });
  }

  /** Stops the streams setup() asked for (start() hands them to the monitor, which stops them itself). */
  private releaseStreams() {
    for (const s of this.streams) stopStream(s);
    this.streams = [];
  }

  private onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (this.element?.state === 'monitoring') event.preventDefault();
  };
}
