/**
 * JSX types for the raw tags in React 19 (`import type {} from 'proctor-elements/jsx'`), for
 * apps that use `<ap-monitor>` directly instead of the wrappers. React 19 sets properties on
 * custom elements and listens to their events as `onap-…` props; these types list them.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { ApStatusBadge } from './elements/ap-status-badge/ap-status-badge.js';
import type { ApRequirementsCheck } from './elements/ap-requirements-check/ap-requirements-check.js';
import type { ApMonitor } from './elements/ap-monitor/ap-monitor.js';
import type { ApMobileCamera } from './elements/ap-mobile-camera/ap-mobile-camera.js';
import type { ApReport } from './elements/ap-report/ap-report.js';

type Props<E extends HTMLElement, K extends keyof E, Events = object> = DetailedHTMLProps<HTMLAttributes<E>, E> &
  Partial<Pick<E, K>> &
  Events;
type On<T extends keyof HTMLElementEventMap> = { [K in `on${T}`]?: (event: HTMLElementEventMap[T]) => void };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'ap-status-badge': Props<ApStatusBadge, 'status' | 'kind' | 'source'>;
      'ap-requirements-check': Props<
        ApRequirementsCheck,
        'checks' | 'optional' | 'autostart' | 'bandwidthUrl' | 'pairingUrl' | 'signallingUrl' | 'assetBase' | 'settings'
      > &
        On<'ap-check-change'> &
        On<'ap-checks-complete'> &
        On<'ap-error'> & {
          'bandwidth-url'?: string;
          'pairing-url'?: string;
          'signalling-url'?: string;
          'asset-base'?: string;
        };
      'ap-monitor': Props<
        ApMonitor,
        'clientId' | 'testAttemptId' | 'hashedTestAttemptId' | 'track' | 'endpoint' | 'preview'
      > &
        On<'ap-setup-completed'> &
        On<'ap-monitoring-started'> &
        On<'ap-monitoring-stopped'> &
        On<'ap-instance-destroyed'> &
        On<'ap-error'> &
        On<'ap-evidence'> &
        On<'ap-status-change'> & {
          'client-id'?: string;
          'test-attempt-id'?: string;
          'hashed-test-attempt-id'?: string;
          'asset-base'?: string;
        };
      'ap-mobile-camera': Props<ApMobileCamera, 'pairingCode' | 'signallingUrl'> &
        On<'ap-pairing-change'> &
        On<'ap-error'> & { 'pairing-code'?: string; 'signalling-url'?: string };
      'ap-report': Props<
        ApReport,
        'data' | 'testAttemptId' | 'outboxName' | 'endpoint' | 'installSid' | 'examSid' | 'sessionSid' | 'token'
      > &
        On<'ap-error'> & {
          'test-attempt-id'?: string;
          'outbox-name'?: string;
          'install-sid'?: string;
          'exam-sid'?: string;
          'session-sid'?: string;
        };
    }
  }
}

export {};
