import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/define.js';
import type { ApRequirementsCheck, CheckSettings } from '../src/index.js';
import { usage } from './usage.js';

type Args = {
  checks: string;
  optional: string;
  autostart: boolean;
  'bandwidth-url': string;
  'pairing-url': string;
  settings: CheckSettings;
};

const meta: Meta<Args> = {
  title: 'Elements/ap-requirements-check',
  component: 'ap-requirements-check',
  parameters: {
    docs: {
      description: {
        component: usage(
          'ap-requirements-check',
          'bandwidth-url="/api/bandwidth/"',
          'ApRequirementsCheck',
          'bandwidthUrl="/api/bandwidth/" onChecksComplete={(e) => setPassed(e.detail.passed)}',
          '@ap-checks-complete="onComplete"',
        ),
      },
    },
  },
  args: {
    checks: 'microphone,speakers,bandwidth,webcam,screenshare',
    optional: 'bandwidth,mobile',
    autostart: false,
    'bandwidth-url': '',
    'pairing-url': '',
    settings: {},
  },
  argTypes: {
    checks: { control: 'text' },
    optional: { control: 'text' },
    autostart: { control: 'boolean' },
    'bandwidth-url': { control: 'text' },
    'pairing-url': { control: 'text', description: 'The phone page for the mobile check' },
    settings: { control: 'object' },
  },
  render: (args) =>
    html`<ap-requirements-check
      checks=${args.checks}
      optional=${args.optional}
      ?autostart=${args.autostart}
      bandwidth-url=${args['bandwidth-url']}
      pairing-url=${args['pairing-url']}
      .settings=${args.settings}
    ></ap-requirements-check>`,
};
export default meta;
type Story = StoryObj<Args>;

/** Nothing has run yet: the candidate starts the checks. */
export const NotStarted: Story = {};

/** The microphone check listens and shows the live level meter. */
export const MicrophoneListening: Story = {
  args: { checks: 'microphone', autostart: true, settings: { microphone: { listenMs: 600_000, requiredMs: 600_000 } } },
};

/** The speakers check waits for the candidate to play the code and type it. */
export const SpeakersWaiting: Story = { args: { checks: 'speakers', autostart: true } };

/** The camera check passed (face check off here: Storybook does not serve the face model). */
export const CameraPassed: Story = {
  args: { checks: 'webcam', autostart: true, settings: { webcam: { requireFace: false, durationMs: 500 } } },
};

/** A failed check, with its reason and a retry button. */
export const MicrophoneFailed: Story = {
  args: { checks: 'microphone', autostart: true, settings: { microphone: { deviceId: 'no-such-device' } } },
};

/** The screen share waits for the candidate's click (browsers require one). */
export const ScreenshareWaiting: Story = { args: { checks: 'screenshare', autostart: true } };

/** An optional check was skipped. */
export const OptionalSkipped: Story = {
  args: { checks: 'bandwidth' },
  play: ({ canvasElement }) => {
    canvasElement.querySelector<ApRequirementsCheck>('ap-requirements-check')!.skip('bandwidth');
  },
};

/** The mobile check waits for a phone: the QR code, the link and a copy button. */
export const MobileWaiting: Story = {
  args: { checks: 'mobile', autostart: true, 'pairing-url': 'https://exam.example.org/phone.html' },
};
