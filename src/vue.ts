/**
 * Vue 3 template types (`import type {} from 'proctor-elements/vue'`): the tags as global
 * components, so `vue-tsc` and Volar check their props. Tell Vue's compiler they are custom
 * elements: `compilerOptions.isCustomElement = (tag) => tag.startsWith('ap-')`. Listen with the
 * events' exact names: `@ap-checks-complete="…"` (Vue does not camelCase custom element events).
 */
import type { DefineComponent } from 'vue';
import type { ApStatusBadge } from './elements/ap-status-badge/ap-status-badge.js';
import type { ApRequirementsCheck } from './elements/ap-requirements-check/ap-requirements-check.js';
import type { ApMonitor } from './elements/ap-monitor/ap-monitor.js';
import type { ApMobileCamera } from './elements/ap-mobile-camera/ap-mobile-camera.js';
import type { ApReport } from './elements/ap-report/ap-report.js';

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
/** `@ap-checks-complete` in a template is the `onApChecksComplete` prop to Volar. */
type Events<T extends keyof HTMLElementEventMap> = {
  [K in T as `on${Capitalize<Camel<K & string>>}`]?: (event: HTMLElementEventMap[K]) => void;
};
type Element<E, K extends keyof E, T extends keyof HTMLElementEventMap = never> = DefineComponent<
  Partial<Pick<E, K>> & Events<T>
>;

declare module 'vue' {
  interface GlobalComponents {
    'ap-status-badge': Element<ApStatusBadge, 'status' | 'kind' | 'source'>;
    'ap-requirements-check': Element<
      ApRequirementsCheck,
      'checks' | 'optional' | 'autostart' | 'bandwidthUrl' | 'pairingUrl' | 'signallingUrl' | 'assetBase' | 'settings',
      'ap-check-change' | 'ap-checks-complete' | 'ap-error'
    >;
    'ap-monitor': Element<
      ApMonitor,
      'clientId' | 'testAttemptId' | 'hashedTestAttemptId' | 'track' | 'endpoint' | 'assetBase' | 'preview',
      | 'ap-setup-completed'
      | 'ap-monitoring-started'
      | 'ap-monitoring-stopped'
      | 'ap-instance-destroyed'
      | 'ap-error'
      | 'ap-evidence'
      | 'ap-status-change'
    >;
    'ap-mobile-camera': Element<ApMobileCamera, 'pairingCode' | 'signallingUrl', 'ap-pairing-change' | 'ap-error'>;
    'ap-report': Element<
      ApReport,
      'data' | 'testAttemptId' | 'outboxName' | 'endpoint' | 'installSid' | 'examSid' | 'sessionSid' | 'token',
      'ap-error'
    >;
  }
}

export {};
