/**
 * One proctored attempt: setup → start → stop → destroy. Framework-free (an EventTarget); the
 * `<ap-monitor>` element and the `AutoProctor` class are thin layers over it.
 */
import { endpointUrl } from '../url.js';
import { assertSupportedBrowser } from '../browser-support.js';
import { createFaceDetector } from '../detection/face-detector.js';
import type { FaceDetectorHandle } from '../detection/types.js';
import { ErrorCode, ProctorError, withTimeout } from '../errors.js';
import { FrameSampler } from '../media/frame-stats.js';
import { getUserMediaTyped, requireMediaDevices, stopStream } from '../media/user-media.js';
import { hold, release } from '../media/handover.js';
import { Delivery, type DeliveryProgress } from '../reporting/delivery.js';
import { HttpBackend } from '../reporting/http-backend.js';
import { LocalBackend } from '../reporting/local-backend.js';
import { DEFAULT_OUTBOX_NAME, Outbox, type StoredAttempt } from '../reporting/outbox.js';
import type { AttemptChecks, EvidenceRecord, EvidenceType, ResultsBackend, UserDetails } from '../reporting/types.js';
import { EvidenceCode } from '../reporting/types.js';
import { isCheckStatus, type SessionStatus } from '../statuses.js';
import type { ChecksSummary } from '../checks/runner.js';
import { CHECK_NAMES, type CheckResult } from '../checks/types.js';
import { runScreenshareCheck } from '../checks/screenshare.js';
import { validateTracking, validateTuning, type MonitorTuning, type TrackingOptions } from './options.js';
import { AudioTracker } from './trackers/audio.js';
import { DeviceWatcher } from './trackers/devices.js';
import { FaceTracker } from './trackers/faces.js';
import { FullscreenTracker } from './trackers/fullscreen.js';
import { RandomPhotoTracker, type PhotoProgress } from './trackers/random-photos.js';
import { SecondCameraTracker } from './trackers/second-camera.js';
import { SecondCameraReceiver } from '../pairing/peer.js';
import { ScreensTracker } from './trackers/screens.js';
import { TabSwitchTracker } from './trackers/tab-switch.js';
import type { EvidenceDraft, Tracker, TrackerContext } from './trackers/types.js';
import { computeTrustScore, type TrustScoreResult, type TrustWeights } from './trust-score.js';
import type { MonitorState } from './types.js';

export interface MonitorCredentials {
  clientId: string;
  testAttemptId: string;
  hashedTestAttemptId: string;
}

export interface MonitorSetupOptions {
  /** AutoProctor's tracking options (its own integrations use this name). */
  trackingOptions?: TrackingOptions;
  /** The same, as the seed names it; an array or comma list turns on only those. */
  track?: TrackingOptions | string[] | string;
  tuning?: Partial<MonitorTuning>;
  weights?: Partial<TrustWeights>;
  assetBase?: string;
  /** The results server; without one, evidence stays on the device (LocalBackend). */
  endpoint?: string;
  backend?: ResultsBackend;
  /** IndexedDB name of the outbox. */
  outboxName?: string;
  /** Streams handed over by `<ap-requirements-check>` (reused instead of asking again). */
  streams?: { camera?: MediaStream; microphone?: MediaStream; screen?: MediaStream };
  mediaDevices?: MediaDevices;
  /** The phone paired by the mobile check (`<ap-requirements-check>.secondCamera`), for auxiliaryDevice. */
  secondCamera?: SecondCameraReceiver;
  /**
   * The `<ap-requirements-check>` summary (`ap-checks-complete`'s detail): sent with the attempt,
   * so the results server records each check's status and when the checks ended.
   */
  checks?: ChecksSummary;
  /**
   * Who the candidate is, as the exam platform knows them (AutoProctor's `userDetails`, e.g.
   * `{name: 'Ada Lovelace', email: 'ada@example.org'}`): a flat object of at most 20 keys (1–64
   * characters) whose values are strings (≤ 500 characters), finite numbers or booleans. Sent with
   * the attempt, so the results server and the reviewer's report show it; INVALID_OPTION otherwise.
   */
  userDetails?: UserDetails;
  /** AutoProctor's `showHowToVideo`, recorded with the attempt (proctor-elements plays no video itself). */
  showHowToVideo?: boolean;
  /**
   * More trackers, built with the session's context when monitoring starts (after the camera and
   * microphone are acquired) and stopped with the others; the AutoProctor class adds its own here.
   */
  trackers?: (ctx: TrackerContext) => Tracker[];
}

const SETUP_KEYS = new Set<string>([
  'trackingOptions',
  'track',
  'tuning',
  'weights',
  'assetBase',
  'endpoint',
  'backend',
  'outboxName',
  'streams',
  'checks',
  'userDetails',
  'showHowToVideo',
  'secondCamera',
  'mediaDevices',
  'trackers',
]);

export interface MonitorReport {
  attempt: { testAttemptId: string; clientId: string; startedAt?: number; finishedAt?: number };
  evidence: (EvidenceRecord & { delivered: boolean })[];
  score: TrustScoreResult;
  /** Where delivery to the backend stands (while this monitor has started). */
  delivery?: DeliveryProgress;
}

/**
 * What `stop()` resolves with: the Trust Score computed on the device (the results server computes
 * the score of record from what it stored) and where delivery stood when `stop()` returned. When
 * `delivery.done` is false, evidence is still on this device and delivery goes on while the page is
 * open (the `delivery` event reports progress), and on the next visit otherwise.
 */
export interface StopResult extends TrustScoreResult {
  delivery: DeliveryProgress;
}

/** Control characters and unpaired surrogates: no results server (nor PostgreSQL text) stores them. */
// A lone low surrogate is one at the start or after anything but a high one: no lookbehind, which
// Safari before 16.4 cannot compile (the whole bundle would fail to load there instead of saying 4016).
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const UNSTORABLE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;

/** Most keys in `userDetails`, as the results server takes it. */
const MAX_USER_DETAILS = 20;

/** Longest clientId, testAttemptId and hashedTestAttemptId (characters), as the results server takes them. */
export const MAX_ID_LENGTH = 200;

const invalidState = (message: string) => new ProctorError(ErrorCode.INVALID_STATE, message);
const live = (stream?: MediaStream) =>
  !!stream && stream.getTracks().length > 0 && stream.getTracks().every((t) => t.readyState === 'live');

export class MonitorSession extends EventTarget {
  state: MonitorState = 'idle';
  sessionStatus?: SessionStatus;
  /** The violations going on now (for the live indicator). */
  readonly active = new Set<EvidenceType>();
  /**
   * Set while face detection fails during monitoring (raised once as an `error` event; the monitor
   * shows it instead of "all clear"); cleared when a detection works again.
   */
  detectionError?: ProctorError;
  tracking?: Required<TrackingOptions>;
  tuning?: MonitorTuning;
  cameraStream?: MediaStream;
  microphoneStream?: MediaStream;
  screenStream?: MediaStream;
  trustScore?: number;
  /** True when start() resumed an attempt begun before (e.g. the page was reloaded). */
  resumed = false;
  private options: MonitorSetupOptions = {};
  private checks?: AttemptChecks;
  private userDetails?: UserDetails;
  private photoProgress?: PhotoProgress;
  private showHowToVideo?: boolean;
  private detector?: FaceDetectorHandle;
  private outbox?: Outbox;
  private delivery?: Delivery;
  private attempt?: StoredAttempt;
  private backend?: ResultsBackend;
  private video?: HTMLVideoElement;
  private trackers: Tracker[] = [];
  private fullscreen?: FullscreenTracker;
  private screenWatcher?: DeviceWatcher;
  private work = new Set<Promise<unknown>>();
  /** Releases this tab's hold on the attempt (Web Locks); false while another tab holds it. */
  private releaseLock?: (() => void) | false;
  /**
   * While start() runs: the `evidence` events of records stored meanwhile (a resumed attempt's
   * closing records, the trackers' first records), announced only after the `started` event, so a
   * listener never sees a violation end before monitoring has started (found by a new user, issue 16).
   */
  private unannounced?: (() => void)[];

  constructor(readonly credentials: MonitorCredentials) {
    super();
    for (const key of ['clientId', 'testAttemptId', 'hashedTestAttemptId'] as const) {
      if (typeof credentials[key] !== 'string' || !credentials[key])
        throw new ProctorError(ErrorCode.INVALID_OPTION, `${key} is required (a non-empty string).`);
      // the results server's limits, checked here so an attempt cannot be started that could never be delivered
      if (credentials[key].length > MAX_ID_LENGTH)
        throw new ProctorError(
          ErrorCode.INVALID_OPTION,
          `${key} is ${credentials[key].length} characters long; at most ${MAX_ID_LENGTH} are allowed.`,
        );
      if (UNSTORABLE.test(credentials[key]))
        throw new ProctorError(
          ErrorCode.INVALID_OPTION,
          `${key} holds a control character or an unpaired surrogate, which no results server can store.`,
        );
    }
  }

  /** Validates the options and loads what the chosen trackers need. Nothing is started. */
  async setup(options: MonitorSetupOptions = {}): Promise<void> {
    if (this.state === 'destroyed') throw invalidState('setup() after destroy(): create a new monitor.');
    if (!['idle', 'ready', 'error'].includes(this.state)) throw invalidState(`setup() while ${this.state}.`);
    try {
      assertSupportedBrowser();
    } catch (error) {
      this.setState('error');
      throw error;
    }
    options ??= {}; // setup(null): no options, as setup()
    if (typeof options !== 'object' || Array.isArray(options))
      throw new ProctorError(ErrorCode.INVALID_OPTION, 'setup() options must be an object.');
    for (const key of Object.keys(options))
      if (!SETUP_KEYS.has(key))
        throw new ProctorError(
          ErrorCode.INVALID_OPTION,
          `"${key}" is not a setup option (known: ${[...SETUP_KEYS].join(', ')}).`,
        );
    const track = typeof options.track === 'string' ? options.track.split(/[\s,]+/).filter(Boolean) : options.track;
    // null is not given (a framework's unset value)
    if (options.trackingOptions != null && track != null)
      throw new ProctorError(ErrorCode.INVALID_OPTION, 'Give trackingOptions or track, not both.');
    const tracking = validateTracking(
      options.trackingOptions ?? track,
      options.trackingOptions ? 'trackingOptions' : 'track',
    );
    const tuning = validateTuning(options.tuning);
    if (options.endpoint !== undefined && (typeof options.endpoint !== 'string' || !options.endpoint))
      throw new ProctorError(ErrorCode.INVALID_OPTION, 'endpoint must be the results server URL (a non-empty string).');
    if (options.endpoint !== undefined) {
      try {
        endpointUrl(options.endpoint);
      } catch (error) {
        throw new ProctorError(ErrorCode.INVALID_OPTION, (error as Error).message);
      }
    }
    this.checks = checksOf(options.checks); // sent with the attempt in start()
    this.userDetails = userDetailsOf(options.userDetails);
    if (options.showHowToVideo !== undefined && typeof options.showHowToVideo !== 'boolean')
      throw new ProctorError(ErrorCode.INVALID_OPTION, 'showHowToVideo must be true or false.');
    this.showHowToVideo = options.showHowToVideo;
    if (tracking.auxiliaryDevice && !options.secondCamera)
      throw new ProctorError(
        ErrorCode.INVALID_OPTION,
        'auxiliaryDevice needs the paired phone: pass setup({secondCamera}) from <ap-requirements-check>.secondCamera after its mobile check.',
      );
    if (options.trackers !== undefined && typeof options.trackers !== 'function')
      throw new ProctorError(ErrorCode.INVALID_OPTION, 'trackers must be a function (ctx) => Tracker[].');
    if (options.secondCamera && !(options.secondCamera instanceof SecondCameraReceiver))
      throw new ProctorError(
        ErrorCode.INVALID_OPTION,
        'secondCamera must be the SecondCameraReceiver of a mobile check.',
      );
    const streams = options.streams ?? {};
    for (const [key, stream] of Object.entries(streams))
      if (stream != null && !(stream instanceof MediaStream))
        throw new ProctorError(ErrorCode.INVALID_OPTION, `streams.${key} must be a MediaStream.`);
    this.setState('setting_up');
    this.setStatus('in_setup');
    try {
      this.detector?.close();
      this.detector = undefined;
      const detector = tracking.numHumans
        ? await createFaceDetector({ assetBase: options.assetBase, minConfidence: tuning.keepConfidence })
        : undefined;
      // destroyed while the model loaded: this detector has no one to close it later
      if ((this.state as MonitorState) === 'destroyed') {
        detector?.close();
        throw invalidState('The monitor was destroyed during setup().');
      }
      this.detector = detector;
      this.options = options;
      this.tracking = tracking;
      this.tuning = tuning;
      // what was handed in is this monitor's from now on: the checks that made it may be removed
      // (a single-page app moving on) without stopping it, and cannot replace it
      hold(this, [streams.camera, streams.microphone, streams.screen, options.secondCamera]);
    } catch (error) {
      // any failure leaves a monitor that setup() can be called on again, never 'setting_up'
      if ((this.state as MonitorState) !== 'destroyed') this.setState('error');
      throw error;
    }
    this.setState('ready');
  }

  /** Creates (or resumes) the attempt, asks for devices, starts the trackers. */
  async start(): Promise<void> {
    if (this.state === 'destroyed') throw invalidState('start() after destroy(): create a new monitor.');
    if (this.state === 'idle' || this.state === 'setting_up')
      throw invalidState('start() before setup() has completed.');
    if (this.state !== 'ready') throw invalidState(`start() while ${this.state}.`);
    const tracking = this.tracking!;
    const tuning = this.tuning!;
    const options = this.options;
    this.setState('starting');
    this.unannounced = [];
    try {
      // storage that fails (full, missing, blocked) is reported, never fatal: memory takes over
      const outbox = (this.outbox ??= await Outbox.open(options.outboxName ?? DEFAULT_OUTBOX_NAME));
      outbox.onStorageError = (error) => this.fail(error);
      if (outbox.storageError) this.fail(outbox.storageError);
      const { testAttemptId, clientId } = this.credentials;
      const previous = await outbox.getAttempt(testAttemptId);
      this.backend =
        options.backend ??
        (options.endpoint ? new HttpBackend(options.endpoint, this.credentials) : new LocalBackend());
      // the server is never awaited here: proctoring runs while it is down, and the attempt is
      // created (then everything queued delivered) as soon as it answers
      this.delivery?.stop();
      this.delivery = new Delivery(outbox, this.backend, testAttemptId, {
        attempt: {
          ...this.credentials,
          startedAt: previous?.startedAt ?? Date.now(),
          trackingOptions: tracking,
          ...(this.checks ? { checks: this.checks } : {}),
          ...(this.userDetails ? { userDetails: this.userDetails } : {}),
          ...(this.showHowToVideo !== undefined ? { showHowToVideo: this.showHowToVideo } : {}),
        },
        onError: (error) => this.fail(error),
        onChange: (progress) => this.dispatchEvent(new CustomEvent<DeliveryProgress>('delivery', { detail: progress })),
      });
      if (previous?.finished) {
        // what the finished attempt still owes the server goes on being delivered
        this.delivery.kick();
        throw invalidState(`The attempt "${testAttemptId}" has already been stopped; start() cannot run it again.`);
      }
      // one live monitor per attempt in this browser: a second tab would write its own seqs, and
      // whichever finished first would leave the other's evidence undeliverable
      this.releaseLock ??= await holdAttemptLock(`proctor-elements:${clientId}:${testAttemptId}`);
      if (this.releaseLock === false) {
        this.releaseLock = undefined;
        throw invalidState(
          `The attempt "${testAttemptId}" is already being proctored in another tab or window of this browser: continue there, or close it first.`,
        );
      }
      this.resumed = !!previous;
      this.attempt = previous ?? { attemptId: testAttemptId, clientId, startedAt: Date.now(), seq: 0 };
      if (this.userDetails) this.attempt.userDetails = this.userDetails;
      if (this.showHowToVideo !== undefined) this.attempt.showHowToVideo = this.showHowToVideo;
      await outbox.putAttempt(this.attempt);
      if (previous) {
        // a tab switch open when the page went away, with the page hidden still: the candidate has
        // not come back, and the tab-switch tracker carries that switch on
        this.closeOngoing(tracking.tabSwitch && document.visibilityState === 'hidden' ? ['tab_switch'] : []);
        await outbox.flushed();
      }
      // a resumed attempt owes only the random photos not taken yet, over the time left
      this.photoProgress = {
        elapsedMs: Date.now() - this.attempt.startedAt,
        taken: previous
          ? (await outbox.all(testAttemptId)).filter((r) => r.type === 'random_photo' && r.data === undefined).length
          : 0,
      };
      await this.acquire(tracking, tuning);
      this.throwIfDestroyed();
      // what the checks handed over is this monitor's now: they lock until it is released
      hold(this, [this.cameraStream, this.microphoneStream, this.screenStream, options.secondCamera]);
      const trackers = (this.trackers = this.buildTrackers(tracking, tuning));
      this.held = [];
      for (const t of trackers) {
        await t.start();
        // destroy() while a tracker was starting (audio waits for the AudioContext) stopped the
        // ones before it: none after it may start
        this.throwIfDestroyed();
      }
      const held = this.held;
      this.held = undefined;
      for (const { draft, options } of held) this.record(draft, options);
      // what no tracker carried on is closed as the page came back
      for (const r of this.carried.values()) this.closeOnResume(r, Date.now());
      this.carried.clear();
      this.listenForLeaving(true);
      this.delivery.kick();
      this.setState('monitoring');
      this.setStatus('exam_started');
      // first that monitoring runs (<ap-monitor>'s ap-monitoring-started), then what start() recorded
      this.dispatchEvent(new Event('started'));
      this.announceHeld();
    } catch (error) {
      // the records on the device are announced all the same
      this.announceHeld();
      this.stopTrackers();
      // the trackers' records of a start that failed are dropped, late ones too (a violation's
      // begin waits for its photo): held stays a sink until a start() succeeds
      this.held = [];
      this.releaseStreams();
      if (this.isDestroyed()) throw invalidState('destroy() was called while start() was running.');
      this.setState('ready');
      throw error;
    }
  }

  /** destroy() has been called (its state is set when it has finished). */
  private destroying = false;

  /**
   * The trackers' records while start() runs (recorded once it succeeds) and after a start() that
   * failed (dropped); undefined while a started monitor records directly.
   */
  private held?: { draft: EvidenceDraft; options: { id: string; ongoing?: boolean } }[];

  private isDestroyed(): boolean {
    return this.destroying || this.state === 'destroyed';
  }

  private throwIfDestroyed() {
    if (this.isDestroyed()) throw invalidState('destroy() was called while start() was running.');
  }

  /** Where delivery to the backend stands (undefined before `start()`). */
  get deliveryProgress(): DeliveryProgress | undefined {
    return this.delivery?.progress();
  }

  /**
   * Violations still open when the page went away (reload, close) are closed now: the time away
   * counts as part of them (`data.closedOnResume`). A violation still going on is begun again by
   * its tracker. A tab switch open then gets its return (5006, `data.closedOnResume`): the candidate
   * is back on the exam page, which is what "returned to the test" records (if this page starts
   * hidden, the tab-switch tracker begins a new switch at once).
   */
  private closeOngoing(carry: EvidenceType[]) {
    const now = Date.now();
    for (const r of this.outbox!.ongoing(this.credentials.testAttemptId))
      if (carry.includes(r.type)) this.carried.set(r.type, r);
      else this.closeOnResume(r, now);
  }

  /** Violations open at the reload that a tracker carries on ({@link TrackerContext.carriedOver}). */
  private readonly carried = new Map<EvidenceType, EvidenceRecord>();

  private closeOnResume(r: EvidenceRecord, now: number) {
    this.record(
      {
        code: r.code,
        type: r.type,
        startedAt: r.startedAt,
        endedAt: now,
        durationMs: Math.max(0, now - r.startedAt),
        data: { ...r.data, closedOnResume: true },
      },
      { id: r.id },
    );
    if (r.type === 'tab_switch')
      this.record({
        code: EvidenceCode.returned_to_test,
        type: 'returned_to_test',
        startedAt: now,
        data: { closedOnResume: true },
      });
  }

  /**
   * Stops the trackers, computes the Trust Score, queues the finish after the last evidence, and
   * waits up to `tuning.deliveryTimeoutMs` for delivery. Never hangs and never rejects for a
   * delivery or storage problem: the result says what was delivered and what is still pending.
   */
  async stop(): Promise<StopResult> {
    if (this.state !== 'monitoring') throw invalidState(`stop() while ${this.state}: only a running monitor can stop.`);
    this.setState('stopping');
    this.stopTrackers();
    await this.settle();
    const id = this.credentials.testAttemptId;
    const evidence = await this.outbox!.all(id);
    const finishedAt = Date.now();
    const score = computeTrustScore(evidence, this.options.weights, {
      startedAt: this.attempt?.startedAt,
      finishedAt,
    });
    const summary = { finishedAt, trustScore: score.trustScore, counts: score.counts };
    await this.outbox!.updateAttempt(id, { finished: summary });
    this.attempt = { ...this.attempt!, finished: summary };
    this.trustScore = score.trustScore;
    this.releaseStreams();
    // a stopped monitor never detects again: its worker and model go now, not at destroy()
    this.detector?.close();
    this.detector = undefined;
    this.endSecondCamera();
    this.setStatus('exam_finished');
    this.delivery!.kick();
    const delivery = await this.delivery!.settle(this.tuning!.deliveryTimeoutMs);
    // the beacons at hide and at pagehide stay on while anything is still pending
    if (delivery.done) this.listenForLeaving(false);
    this.setState('stopped');
    return { ...score, delivery };
  }

  /** Stops everything at any point and releases every camera, microphone and screen track. */
  async destroy(): Promise<void> {
    if (this.state === 'destroyed') return;
    this.destroying = true;
    const wasMonitoring = this.state === 'monitoring';
    this.stopTrackers();
    await this.settle().catch(() => undefined);
    if (wasMonitoring) await this.delivery?.flush().catch(() => false);
    this.delivery?.stop();
    this.detector?.close();
    this.detector = undefined;
    this.releaseStreams();
    this.endSecondCamera();
    this.listenForLeaving(false);
    this.outbox?.close();
    this.outbox = undefined;
    if (this.releaseLock) this.releaseLock();
    this.releaseLock = undefined;
    if (this.sessionStatus === 'in_setup') this.setStatus('exam_not_started');
    this.setState('destroyed');
  }

  /** The attempt, its evidence (with delivery state) and its Trust Score. */
  async report(): Promise<MonitorReport> {
    const outbox = this.outbox ?? (await Outbox.open(this.options.outboxName ?? DEFAULT_OUTBOX_NAME));
    const attempt = this.attempt ?? (await outbox.getAttempt(this.credentials.testAttemptId));
    // the photos are kept beside their records: the report shows them with their records
    const evidence = (await outbox.all(this.credentials.testAttemptId)).map((r) => {
      const photo = outbox.photo(r.attemptId, r.id)?.dataUrl;
      return photo ? { ...r, photo } : r;
    });
    if (!this.outbox) outbox.close();
    const delivery = this.delivery?.progress();
    return {
      ...(delivery ? { delivery } : {}),
      attempt: {
        testAttemptId: this.credentials.testAttemptId,
        clientId: this.credentials.clientId,
        startedAt: attempt?.startedAt,
        finishedAt: attempt?.finished?.finishedAt,
      },
      evidence,
      score: computeTrustScore(evidence, this.options.weights, {
        startedAt: attempt?.startedAt,
        finishedAt: attempt?.finished?.finishedAt,
      }),
    };
  }

  /** Asks for full screen again (call from a click). */
  enterFullscreen(): Promise<boolean> {
    return this.fullscreen?.enter() ?? Promise.resolve(false);
  }

  /**
   * Asks the candidate to share the entire screen again after sharing stopped (call from a click):
   * the same checks as the screen-share check (a window or tab is refused with 4014); on success the
   * screen_share_lost violation ends. Resolves with the check's result.
   */
  async shareScreenAgain(): Promise<CheckResult> {
    const { result, stream } = await runScreenshareCheck({
      mediaDevices: this.options.mediaDevices,
      rejectMultipleMonitors: false, // the multiple-monitors tracker records that; sharing must still be possible
    });
    if (stream) this.restoreScreen(stream);
    return result;
  }

  /** Hands in a new screen share after the old one was lost (ask from a click). */
  restoreScreen(stream: MediaStream): void {
    stopStream(this.screenStream);
    this.screenStream = stream;
    this.screenWatcher?.restore(stream);
  }

  private async acquire(tracking: Required<TrackingOptions>, tuning: MonitorTuning) {
    const { mediaDevices } = this.options;
    const streams = this.options.streams ?? {};
    const needCamera = tracking.numHumans || tracking.photosAtRandom || tracking.showCamPreview;
    if (needCamera || tracking.audio) requireMediaDevices(mediaDevices);
    if (needCamera) {
      this.cameraStream = live(streams.camera)
        ? streams.camera
        : await getUserMediaTyped(
            { video: { width: { ideal: 640 }, height: { ideal: 480 } } },
            mediaDevices,
            tuning.mediaTimeoutMs,
          );
      this.video = document.createElement('video');
      this.video.muted = true;
      this.video.playsInline = true;
      this.video.srcObject = this.cameraStream ?? null;
      // play() can stay pending (a camera that sends no frame): a time limit, and monitoring goes on
      await withTimeout(
        this.video.play(),
        tuning.mediaTimeoutMs,
        ErrorCode.MEDIA_TIMEOUT,
        'camera video did not play',
      ).catch(() => undefined);
    }
    if (tracking.audio)
      this.microphoneStream = live(streams.microphone)
        ? streams.microphone
        : await getUserMediaTyped(
            { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } },
            mediaDevices,
            tuning.mediaTimeoutMs,
          );
    if (live(streams.screen)) this.screenStream = streams.screen;
  }

  private buildTrackers(tracking: Required<TrackingOptions>, tuning: MonitorTuning): Tracker[] {
    const ctx = this.context(tuning);
    const trackers: Tracker[] = [];
    if (tracking.numHumans) trackers.push(new FaceTracker(ctx));
    if (tracking.audio) trackers.push(new AudioTracker(ctx));
    if (tracking.tabSwitch) trackers.push(new TabSwitchTracker(ctx));
    if (tracking.detectMultipleScreens) trackers.push(new ScreensTracker(ctx));
    if (tracking.forceFullScreen) trackers.push((this.fullscreen = new FullscreenTracker(ctx)));
    const { mediaDevices } = this.options;
    const onLost = (error: ProctorError) => this.fail(error);
    const second =
      tracking.auxiliaryDevice && this.options.secondCamera
        ? new SecondCameraTracker(ctx, this.options.secondCamera, onLost)
        : undefined;
    if (second) trackers.push(second);
    if (tracking.photosAtRandom)
      trackers.push(
        new RandomPhotoTracker(
          ctx,
          tracking.numPhotosAtRandom,
          Math.random,
          second && (() => second.photo()),
          this.photoProgress,
        ),
      );
    if (this.cameraStream)
      trackers.push(
        new DeviceWatcher(ctx, {
          kind: 'camera',
          stream: this.cameraStream,
          onLost,
          // a request the browser never answers times out (4121) and is asked again, never waited on for ever
          reacquire: () =>
            getUserMediaTyped(
              { video: { width: { ideal: 640 }, height: { ideal: 480 } } },
              mediaDevices,
              tuning.mediaTimeoutMs,
            ),
          onRestored: (stream) => {
            this.cameraStream = stream;
            this.video!.srcObject = stream;
            void this.video!.play().catch(() => undefined);
            this.dispatchEvent(new Event('streams'));
          },
        }),
      );
    if (this.microphoneStream) {
      const audio = trackers.find((t) => t instanceof AudioTracker);
      trackers.push(
        new DeviceWatcher(ctx, {
          kind: 'microphone',
          stream: this.microphoneStream,
          onLost,
          reacquire: () =>
            getUserMediaTyped(
              { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } },
              mediaDevices,
              tuning.mediaTimeoutMs,
            ),
          onRestored: (stream) => {
            this.microphoneStream = stream;
            if (audio) {
              audio.stop();
              const replacement = new AudioTracker({ ...ctx, microphone: stream });
              trackers[trackers.indexOf(audio)] = replacement;
              void replacement.start();
            }
          },
        }),
      );
    }
    if (this.options.trackers) trackers.push(...this.options.trackers(ctx));
    if (this.screenStream)
      trackers.push(
        (this.screenWatcher = new DeviceWatcher(ctx, { kind: 'screen', stream: this.screenStream, onLost })),
      );
    return trackers;
  }

  private context(tuning: MonitorTuning): TrackerContext {
    // getters: the camera and microphone change when a lost device comes back
    const streams = { video: () => this.video, microphone: () => this.microphoneStream };
    return {
      tuning,
      assetBase: this.options.assetBase,
      now: () => Date.now(),
      record: (draft, options) => {
        // while start() runs, trackers already see frames (a no-face begins before audio has
        // started): held until start() succeeds, dropped if it fails, so an attempt that never
        // started has no evidence (issue 13 F17)
        if (!this.held) return this.record(draft, options);
        const id = options?.id ?? crypto.randomUUID();
        this.held.push({ draft, options: { ...options, id } });
        return id;
      },
      track: (work) => {
        this.work.add(work);
        void work.finally(() => this.work.delete(work));
      },
      photo: () => this.photo(),
      carriedOver: (type) => {
        const r = this.carried.get(type);
        this.carried.delete(type);
        return r;
      },
      setActive: (type, active) => {
        if (active) this.active.add(type);
        else this.active.delete(type);
        this.dispatchEvent(new Event('active'));
      },
      get video() {
        return streams.video();
      },
      get microphone() {
        return streams.microphone();
      },
      detector: this.detector,
      detectionFailed: (error) => {
        if (!!error === !!this.detectionError) return;
        this.detectionError = error;
        if (error) this.fail(error);
        this.dispatchEvent(new Event('active'));
      },
    };
  }

  private photo(): Promise<string | undefined> {
    return this.video ? FrameSampler.photo(this.video, this.tuning?.photoMaxBytes) : Promise.resolve(undefined);
  }

  /**
   * Writes a record to the outbox (memory at once, storage in the background) and announces it.
   * With `options.id`, the record is written again under its first seq (a violation's end).
   */
  private record(draft: EvidenceDraft, options: { id?: string; ongoing?: boolean } = {}): string | undefined {
    const attempt = this.attempt;
    const outbox = this.outbox;
    if (!attempt || !outbox) return undefined;
    const previous = options.id ? outbox.record(attempt.attemptId, options.id) : undefined;
    const id = options.id ?? crypto.randomUUID();
    if (!previous) attempt.seq += 1;
    const { photo, ...fields } = draft;
    const record: EvidenceRecord = { id, attemptId: attempt.attemptId, seq: previous?.seq ?? attempt.seq, ...fields };
    const stored = outbox.add(
      { ...attempt },
      [{ ...record, ...(options.ongoing ? { ongoing: true } : {}) }],
      photo ? [{ id, attemptId: attempt.attemptId, dataUrl: photo, delivered: false }] : [],
    );
    this.delivery?.kick();
    // announced once it is on the device for good (or storage has failed over to memory, which
    // was reported): a record announced just before the page goes away is never one that is lost
    const shown = photo ?? outbox.photo(attempt.attemptId, id)?.dataUrl;
    void stored.then(() => {
      const announce = () =>
        this.dispatchEvent(
          new CustomEvent<EvidenceRecord>('evidence', { detail: shown ? { ...record, photo: shown } : record }),
        );
      if (this.unannounced) this.unannounced.push(announce);
      else announce();
    });
    return id;
  }

  /** Announces, in the order they were stored, the records held back while start() ran. */
  private announceHeld() {
    const held = this.unannounced ?? [];
    this.unannounced = undefined;
    for (const announce of held) announce();
  }

  /** Waits for photos and records in flight, then for their storage writes. */
  private async settle() {
    while (this.work.size) await Promise.allSettled([...this.work]);
    await this.outbox?.flushed();
  }

  private stopTrackers() {
    for (const t of this.trackers) t.stop();
    this.trackers = [];
    this.detectionError = undefined;
    this.fullscreen = undefined;
    this.screenWatcher = undefined;
    this.active.clear();
  }

  /** Stops every track this monitor uses, handed-over streams included (privacy: nothing stays on). */
  private releaseStreams() {
    for (const s of [this.cameraStream, this.microphoneStream, this.screenStream]) stopStream(s);
    if (this.video) this.video.srcObject = null;
    this.video = undefined;
    this.cameraStream = this.microphoneStream = this.screenStream = undefined;
    release(this);
    this.dispatchEvent(new Event('streams'));
  }

  /**
   * The exam is over: the paired phone is told so (it stops its camera and says the exam ended) and
   * its connection closed. Also when the phone was handed in but monitoring never started.
   */
  private endSecondCamera() {
    this.options.secondCamera?.close();
    release(this);
  }

  private onPageHide = () => this.delivery?.beacon();

  /**
   * The page turning hidden also hands a beacon what no beacon has carried yet (`Delivery.beacon`'s
   * `onlyNew`: all again while deliveries fail): the page may be
   * going away. Firefox (153 ESR, measured) drops a beacon sent from `pagehide` when its tab or window
   * closes, yet delivers one sent at the `visibilitychange` to hidden that comes just before; the
   * Page Lifecycle guidance names that change as the last moment a page can count on. The server
   * takes a record it already has as a duplicate, so one also delivered by the normal path costs
   * only its bytes.
   */
  private onVisibilityChange = () => {
    if (document.visibilityState === 'hidden') this.delivery?.beacon({ onlyNew: true });
  };

  /** Listens (or stops listening) for the page going away: hidden, then pagehide. */
  private listenForLeaving(on: boolean) {
    if (on) {
      addEventListener('pagehide', this.onPageHide);
      document.addEventListener('visibilitychange', this.onVisibilityChange);
    } else {
      removeEventListener('pagehide', this.onPageHide);
      document.removeEventListener('visibilitychange', this.onVisibilityChange);
    }
  }

  private fail(error: ProctorError) {
    this.dispatchEvent(new CustomEvent<ProctorError>('error', { detail: error }));
  }

  private setState(state: MonitorState) {
    this.state = state;
    this.dispatchEvent(new CustomEvent<MonitorState>('state', { detail: state }));
  }

  private setStatus(status: SessionStatus) {
    this.sessionStatus = status;
    this.dispatchEvent(new CustomEvent<SessionStatus>('status', { detail: status }));
    // delivered in order with the rest (after the attempt is created), latest status wins
    if (this.attempt && this.outbox) {
      void this.outbox.updateAttempt(this.credentials.testAttemptId, { status, statusDelivered: false });
      this.delivery?.kick();
    }
  }
}

/** `userDetails` checked as the results server takes it (see MonitorSetupOptions); INVALID_OPTION otherwise. */
function userDetailsOf(details: unknown): UserDetails | undefined {
  if (details === undefined) return undefined;
  const invalid = (why: string) =>
    new ProctorError(ErrorCode.INVALID_OPTION, `userDetails${why.startsWith('.') ? '' : ' '}${why}`);
  if (typeof details !== 'object' || details === null || Array.isArray(details))
    throw invalid('must be an object, e.g. {name, email}.');
  const entries = Object.entries(details);
  if (entries.length > MAX_USER_DETAILS) throw invalid(`holds ${entries.length} keys; at most ${MAX_USER_DETAILS}.`);
  for (const [key, value] of entries) {
    if (!key || key.length > 64 || UNSTORABLE.test(key))
      throw invalid(`key ${JSON.stringify(key.slice(0, 80))} must be 1–64 printable characters.`);
    const ok =
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.length <= 500 && !UNSTORABLE.test(value));
    if (!ok)
      throw invalid(
        `.${key} must be a string of at most 500 printable characters, a finite number or a boolean, got ${typeof value === 'string' ? `a string of ${value.length} characters` : (JSON.stringify(value)?.slice(0, 80) ?? typeof value)}.`,
      );
  }
  return { ...(details as UserDetails) };
}

/** The checks summary as the results server stores it; INVALID_OPTION when it is not one. */
function checksOf(summary: ChecksSummary | undefined): AttemptChecks | undefined {
  if (summary === undefined) return undefined;
  if (typeof summary !== 'object' || summary === null || !Array.isArray(summary.results))
    throw new ProctorError(
      ErrorCode.INVALID_OPTION,
      'checks must be the detail of ap-checks-complete ({results, passed}).',
    );
  const statuses: AttemptChecks['statuses'] = {};
  let completedAt = 0;
  for (const r of summary.results) {
    if (!r || !(CHECK_NAMES as readonly string[]).includes(r.name) || !isCheckStatus(r.status))
      throw new ProctorError(ErrorCode.INVALID_OPTION, `checks.results holds an invalid result: ${JSON.stringify(r)}.`);
    statuses[r.name] = r.status;
    completedAt = Math.max(completedAt, r.finishedAt ?? 0);
  }
  return { passed: summary.passed === true, statuses, completedAt: completedAt || Date.now() };
}

/**
 * Holds an exclusive Web Lock named `name` until the returned function is called; false when
 * another tab or window of this origin holds it. Browsers without Web Locks: a no-op release.
 */
function holdAttemptLock(name: string): Promise<(() => void) | false> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return Promise.resolve(() => undefined);
  return new Promise((resolve) => {
    void locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) return resolve(false);
        // the lock is held until this promise settles
        return new Promise<void>((release) => resolve(release));
      })
      .catch(() => resolve(() => undefined));
  });
}
