import { createApp } from 'vue';
import 'proctor-elements/define.js';

/**
 * The exam-setup step of a Vue 3 app, with an in-DOM template: Vue binds `:settings` as a
 * property (Vue sets properties on custom elements when they exist) and listens with the events'
 * exact names.
 */
export function mount(root, { bandwidthUrl = '/api/bandwidth/', settings = {} } = {}) {
  const app = createApp({
    data: () => ({ status: 'not_started', result: '', bandwidthUrl, settings }),
    methods: {
      onChange(event) {
        this.status = event.detail.status;
      },
      onComplete(event) {
        this.result = event.detail.passed ? 'Ready.' : 'Not ready.';
      },
    },
    template: `
      <main>
        <h1>Exam setup</h1>
        <p>Connection: <ap-status-badge kind="check" :status="status"></ap-status-badge></p>
        <ap-requirements-check
          checks="bandwidth"
          :bandwidth-url="bandwidthUrl"
          :settings="settings"
          @ap-check-change="onChange"
          @ap-checks-complete="onComplete"
        ></ap-requirements-check>
        <p role="status">{{ result }}</p>
      </main>`,
  });
  // the tags are custom elements, not Vue components
  app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('ap-');
  app.mount(root);
  return () => app.unmount();
}
