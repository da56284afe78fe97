/** proctor-elements: classes, types and services. Importing this module defines no tags. */
export * from './statuses.js';
export * from './messages.js';
export * from './context/session-context.js';
export * from './checks/types.js';
export * from './monitoring/types.js';
export { ApStatusBadge, type StatusBadgeSource } from './elements/ap-status-badge/ap-status-badge.js';
