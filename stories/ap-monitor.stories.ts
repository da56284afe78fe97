import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/define.js';
import type { ApMonitor, MonitorSetupOptions } from '../src/index.js';
import { usage } from './usage.js';

type Args = { track: string; preview: boolean; steps: ('setup' | 'start' | 'stop')[] };

// A fresh attempt per render: a stopped attempt cannot be started again.
const attemptId = () => `story-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

/** Runs lifecycle steps after render so each story shows one state. */
async function drive(el: ApMonitor, steps: Args['steps'], options: MonitorSetupOptions) {
  if (steps.includes('setup')) await el.setup(options);
  if (steps.includes('start')) await el.start();
  if (steps.includes('stop')) await el.stop();
}

const meta: Meta<Args> = {
  title: 'Elements/ap-monitor',
  component: 'ap-monitor',
  parameters: {
    docs: {
      description: {
        component: usage(
          'ap-monitor',
          'client-id="…" test-attempt-id="…" hashed-test-attempt-id="…" endpoint="https://results.example.org"',
          'ApMonitor',
          'clientId={id} testAttemptId={attempt} hashedTestAttemptId={hash} onMonitoringStopped={(e) => save(e.detail)}',
          '@ap-monitoring-stopped="onStopped"',
        ),
      },
    },
  },
  args: { track: 'tabSwitch', preview: false, steps: [] },
  argTypes: {
    track: { control: 'text', description: 'Tracking options to turn on, comma-separated' },
    preview: { control: 'boolean' },
    steps: { control: false },
  },
  render: ({ track, preview, steps }) => {
    const el = document.createElement('ap-monitor');
    el.clientId = 'storybook';
    el.testAttemptId = attemptId();
    el.hashedTestAttemptId = 'c3Rvcnlib29r';
    el.track = track;
    el.preview = preview;
    void drive(el, steps, { outboxName: 'proctor-elements-storybook' });
    return html`${el}`;
  },
};
export default meta;
type Story = StoryObj<Args>;

/** Created, not set up. */
export const Idle: Story = {};
/** Set up: options validated, ready to start. */
export const Ready: Story = { args: { steps: ['setup'] } };
/** Monitoring tab switches (no camera). */
export const Monitoring: Story = { args: { steps: ['setup', 'start'] } };
/** Monitoring with the camera preview (the face engine is off here: Storybook does not serve its assets). */
export const MonitoringWithPreview: Story = {
  args: { track: 'showCamPreview,tabSwitch', preview: true, steps: ['setup', 'start'] },
};
/** Monitoring ended; the Trust Score is computed. */
export const Stopped: Story = { args: { steps: ['setup', 'start', 'stop'] } };
