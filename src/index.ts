/** proctor-elements: classes, types and services. Importing this module defines no tags. */
export * from './statuses.js';
export * from './messages.js';
export * from './context/session-context.js';
export * from './checks/types.js';
export * from './monitoring/types.js';
export { ApStatusBadge, type StatusBadgeSource } from './elements/ap-status-badge/ap-status-badge.js';
export * from './errors.js';
export { missingBrowserFeature, assertSupportedBrowser, MINIMUM_BROWSERS } from './browser-support.js';
export * from './detection/types.js';
export { FLAT_SPREAD, type FrameStats, type FrameStatsRequest } from './media/frame-stats.js';
export { createFaceDetector, frameSize, DEFAULT_MIN_CONFIDENCE } from './detection/face-detector.js';
export { getAssetBase, setAssetBase, ASSET_PATHS, ASSET_LOAD_TIMEOUT_MS } from './detection/assets.js';
export {
  FacePresence,
  FaceTracks,
  iou,
  mergeFaces,
  type FaceTrack,
  type PresenceEvent,
  type PresenceOptions,
  type TrackingOptions as FaceTrackingOptions,
} from './detection/tracking.js';
export * from './events/index.js';
export * from './checks/runner.js';
export { runMicrophoneCheck, type MicrophoneCheckOptions } from './checks/microphone.js';
export {
  DEFAULT_CHECKS,
  DEFAULT_OPTIONAL,
  parseCheckNames,
  canChooseAudioOutput,
  VIRTUAL_CAMERA_PATTERN,
  pairingLink,
} from './checks/common.js';
export { SpeakerCheck, type SpeakerCheckOptions, type SpeakerEntryResult } from './checks/speakers.js';
export { runBandwidthCheck, type BandwidthCheckOptions } from './checks/bandwidth.js';
export { runWebcamCheck, type WebcamCheckOptions } from './checks/webcam.js';
export { runScreenshareCheck, displayMediaError, type ScreenshareCheckOptions } from './checks/screenshare.js';
export { userMediaError, getUserMediaTyped } from './media/user-media.js';
export { ApRequirementsCheck } from './elements/ap-requirements-check/ap-requirements-check.js';
export { loadRequirementsCheckElement } from './checks/load-element.js';
export * from './reporting/types.js';
export { Outbox, DEFAULT_OUTBOX_NAME, type StoredAttempt } from './reporting/outbox.js';
export { LocalBackend } from './reporting/local-backend.js';
export {
  HttpBackend,
  REQUEST_TIMEOUT_MS,
  type HttpBackendCredentials,
  type HttpBackendOptions,
} from './reporting/http-backend.js';
export { Delivery, dataUrlToBlob, type DeliveryOptions, type DeliveryProgress } from './reporting/delivery.js';
export { BEACON_BYTES, DeliveryError, type DeliveryFailure } from './reporting/http-backend.js';
export type { OutboxRecord, OutboxPhoto, OutboxCounts } from './reporting/outbox.js';
export * from './monitoring/options.js';
export * from './monitoring/trust-score.js';
export {
  MonitorSession,
  type MonitorCredentials,
  type MonitorSetupOptions,
  type MonitorReport,
  type StopResult,
} from './monitoring/session.js';
export { ApMonitor } from './elements/ap-monitor/ap-monitor.js';
// the phone side comes with the phone page's element: in the classic script, a part loaded with it
export {
  ApMobileCamera,
  SecondCameraSender,
  openPhoneCamera,
  openPhoneSender,
  type PhoneCameraOptions,
  type SenderOptions,
} from './elements/ap-mobile-camera/ap-mobile-camera.js';
export { loadMobileCameraElement } from './pairing/load-element.js';
export * from './pairing/channel.js';
export { SecondCameraReceiver, type PeerState } from './pairing/peer.js';
export { pairingTransport } from './pairing/phone.js';
export { runMobileCheck, type MobileCheckOptions, type MobileCheckOutcome } from './checks/mobile.js';
export {
  AutoProctor,
  AUTOPROCTOR_EVENTS,
  type AutoProctorProgressDetail,
  type AutoProctorReport,
  type AutoProctorSetupOptions,
  type AutoProctorTrackingOptions,
} from './compat/autoproctor.js';
export { AUTOPROCTOR_DEFAULT_TRACKING, UNIMPLEMENTED_SETUP, UNIMPLEMENTED_TRACKING } from './compat/options.js';
export {
  SuccessCode,
  autoProctorErrorCode,
  type AutoProctorErrorDetail,
  type AutoProctorEvidenceDetail,
  type AutoProctorSuccessDetail,
  type ProgressAction,
} from './compat/codes.js';
export { ApReport } from './elements/ap-report/ap-report.js';
export { loadReportElement } from './report/load-element.js';
export * from './report/report-data.js';
export type { Tracker, TrackerContext, EvidenceDraft } from './monitoring/trackers/types.js';
