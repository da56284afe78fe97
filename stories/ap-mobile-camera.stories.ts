import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/define.js';
import { usage } from './usage.js';

type Args = { 'pairing-code': string; 'signalling-url': string };

/** The phone page's element. Here it pairs over BroadcastChannel: open the Mobile story of ap-requirements-check in another tab with the same code to see both ends. */
const meta: Meta<Args> = {
  title: 'Elements/ap-mobile-camera',
  component: 'ap-mobile-camera',
  parameters: {
    docs: {
      description: {
        component: usage(
          'ap-mobile-camera',
          'pairing-code="…" signalling-url="https://results.example.org"',
          'ApMobileCamera',
          'pairingCode={code} onPairingChange={(e) => setState(e.detail.state)}',
          '@ap-pairing-change="onState"',
        ),
      },
    },
  },
  args: { 'pairing-code': 'storybookdemo', 'signalling-url': '' },
  argTypes: {
    'pairing-code': { control: 'text', description: "The code from the exam page's QR code" },
    'signalling-url': { control: 'text', description: 'The results server (empty: BroadcastChannel)' },
  },
  render: (args) =>
    html`<ap-mobile-camera
      pairing-code=${args['pairing-code']}
      signalling-url=${args['signalling-url']}
      style="max-width:24rem"
    ></ap-mobile-camera>`,
};
export default meta;

export const Phone: StoryObj<Args> = {};
export const InvalidCode: StoryObj<Args> = { args: { 'pairing-code': 'x' } };
