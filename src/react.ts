/**
 * React wrappers (`proctor-elements/react`), made with @lit/react: typed props for every property
 * and `on…` props for every event. Importing this module registers the tags.
 *
 * ```tsx
 * import { ApMonitor } from 'proctor-elements/react';
 * <ApMonitor clientId={id} onMonitoringStarted={() => …} onError={(e) => console.log(e.detail.code)} />
 * ```
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import './define.js';
import { ApStatusBadge as ApStatusBadgeElement } from './elements/ap-status-badge/ap-status-badge.js';
import { ApRequirementsCheck as ApRequirementsCheckElement } from './elements/ap-requirements-check/ap-requirements-check.js';
import { ApMonitor as ApMonitorElement } from './elements/ap-monitor/ap-monitor.js';
import { ApMobileCamera as ApMobileCameraElement } from './elements/ap-mobile-camera/ap-mobile-camera.js';
import { ApReport as ApReportElement } from './elements/ap-report/ap-report.js';
import type { ApCheckChangeEvent } from './events/ap-check-change.js';
import type { ApChecksCompleteEvent } from './events/ap-checks-complete.js';
import type { ApErrorEvent } from './events/ap-error.js';
import type { ApEvidenceEvent } from './events/ap-evidence.js';
import type { ApInstanceDestroyedEvent } from './events/ap-instance-destroyed.js';
import type { ApMonitoringStartedEvent } from './events/ap-monitoring-started.js';
import type { ApMonitoringStoppedEvent } from './events/ap-monitoring-stopped.js';
import type { ApPairingChangeEvent } from './events/ap-pairing-change.js';
import type { ApSetupCompletedEvent } from './events/ap-setup-completed.js';
import type { ApStatusChangeEvent } from './events/ap-status-change.js';

/** `<ap-status-badge>`. */
export const ApStatusBadge = createComponent({
  tagName: 'ap-status-badge',
  elementClass: ApStatusBadgeElement,
  react: React,
  displayName: 'ApStatusBadge',
});

/** `<ap-requirements-check>`: `onCheckChange`, `onChecksComplete`, `onError`. */
export const ApRequirementsCheck = createComponent({
  tagName: 'ap-requirements-check',
  elementClass: ApRequirementsCheckElement,
  react: React,
  displayName: 'ApRequirementsCheck',
  events: {
    onCheckChange: 'ap-check-change' as EventName<ApCheckChangeEvent>,
    onChecksComplete: 'ap-checks-complete' as EventName<ApChecksCompleteEvent>,
    onError: 'ap-error' as EventName<ApErrorEvent>,
  },
});

/**
 * `<ap-monitor>`: `onSetupCompleted`, `onMonitoringStarted`, `onMonitoringStopped`,
 * `onInstanceDestroyed`, `onError`, `onEvidence`, `onStatusChange`.
 */
export const ApMonitor = createComponent({
  tagName: 'ap-monitor',
  elementClass: ApMonitorElement,
  react: React,
  displayName: 'ApMonitor',
  events: {
    onSetupCompleted: 'ap-setup-completed' as EventName<ApSetupCompletedEvent>,
    onMonitoringStarted: 'ap-monitoring-started' as EventName<ApMonitoringStartedEvent>,
    onMonitoringStopped: 'ap-monitoring-stopped' as EventName<ApMonitoringStoppedEvent>,
    onInstanceDestroyed: 'ap-instance-destroyed' as EventName<ApInstanceDestroyedEvent>,
    onError: 'ap-error' as EventName<ApErrorEvent>,
    onEvidence: 'ap-evidence' as EventName<ApEvidenceEvent>,
    onStatusChange: 'ap-status-change' as EventName<ApStatusChangeEvent>,
  },
});

/** `<ap-mobile-camera>` (the phone page): `onPairingChange`, `onError`. */
export const ApMobileCamera = createComponent({
  tagName: 'ap-mobile-camera',
  elementClass: ApMobileCameraElement,
  react: React,
  displayName: 'ApMobileCamera',
  events: {
    onPairingChange: 'ap-pairing-change' as EventName<ApPairingChangeEvent>,
    onError: 'ap-error' as EventName<ApErrorEvent>,
  },
});

/** `<ap-report>`: `data`, or `testAttemptId` (this device), or the reviewer's server props; `onError`. */
export const ApReport = createComponent({
  tagName: 'ap-report',
  elementClass: ApReportElement,
  react: React,
  displayName: 'ApReport',
  events: {
    onError: 'ap-error' as EventName<ApErrorEvent>,
  },
});
