/** proctor-elements: classes, types and services. Importing this module defines no tags. */
export * from './statuses.js';
export * from './messages.js';
export * from './context/session-context.js';
export * from './checks/types.js';
export * from './monitoring/types.js';
export { ApStatusBadge, type StatusBadgeSource } from './elements/ap-status-badge/ap-status-badge.js';
export * from './errors.js';
export * from './detection/types.js';
export { createFaceDetector, frameSize, DEFAULT_MIN_CONFIDENCE } from './detection/face-detector.js';
export { getAssetBase, setAssetBase, ASSET_PATHS } from './detection/assets.js';
