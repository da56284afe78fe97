import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, unsafeCSS } from 'lit';
import '../src/define.js';
import light from '../src/themes/light.css?inline';
import dark from '../src/themes/dark.css?inline';

/**
 * The light and dark themes (`proctor-elements/themes/light.css`, `…/dark.css`): shared `--ap-color-*`
 * tokens every element reads; each element also has its own `--ap-<element>-*` properties and CSS parts.
 */
const meta: Meta = {
  title: 'Theming/Light and dark',
  // no component, so no args table: stories only
  tags: ['!autodocs'],
  parameters: {
    docs: {
      description: {
        component:
          'Link `proctor-elements/themes/dark.css` and put `class="ap-theme-dark"` on the page or any ancestor. ' +
          'Single tokens can be overridden anywhere: `--ap-color-accent`, `--ap-color-success-bg`, … or per element: ' +
          '`ap-status-badge { --ap-status-badge-radius: 4px }`.',
      },
    },
  },
};
export default meta;

const sample = (theme: 'light' | 'dark') => html`
  <section
    class="ap-theme-${theme}"
    style="padding:1rem;display:grid;gap:.75rem;background:var(--ap-color-surface);color:var(--ap-color-text);font-family:system-ui"
  >
    <h3 style="margin:0">${theme === 'light' ? 'Light' : 'Dark'} theme</h3>
    <p style="margin:0;display:flex;gap:.5rem;flex-wrap:wrap">
      <ap-status-badge status="registered"></ap-status-badge>
      <ap-status-badge status="exam_started"></ap-status-badge>
      <ap-status-badge status="succeeded"></ap-status-badge>
      <ap-status-badge status="is_reviewed_yellow"></ap-status-badge>
      <ap-status-badge status="failed"></ap-status-badge>
    </p>
    <ap-requirements-check checks="bandwidth,webcam"></ap-requirements-check>
  </section>
`;

export const LightAndDark: StoryObj = {
  render: () => html`
    <style>
      ${unsafeCSS(light)} ${unsafeCSS(dark)}
    </style>
    <div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem">
      ${sample('light')} ${sample('dark')}
    </div>
  `,
};

export const CustomTokens: StoryObj = {
  render: () => html`
    <div style="--ap-color-accent:#6d28d9;--ap-status-badge-radius:4px;font-family:system-ui;padding:1rem">
      <ap-status-badge status="exam_started"></ap-status-badge>
      <ap-requirements-check checks="bandwidth"></ap-requirements-check>
    </div>
  `,
};
