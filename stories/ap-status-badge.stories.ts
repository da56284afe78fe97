import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/define.js';
import { STATUS_KINDS, allStatuses, type StatusKind } from '../src/statuses.js';
import { usage } from './usage.js';

type Args = { status: string; kind: StatusKind | ''; source: string };

const meta: Meta<Args> = {
  title: 'Elements/ap-status-badge',
  component: 'ap-status-badge',
  parameters: {
    docs: {
      description: {
        component: usage('ap-status-badge', 'status="exam_started"', 'ApStatusBadge', 'status="exam_started"', ''),
      },
    },
  },
  args: { status: 'exam_started', kind: '', source: '' },
  argTypes: {
    status: { control: 'select', options: allStatuses().map((s) => s.value) },
    kind: { control: 'select', options: ['', ...STATUS_KINDS] },
    source: { control: 'text' },
  },
  render: ({ status, kind, source }) =>
    html`<ap-status-badge status=${status} kind=${kind} source=${source}></ap-status-badge>`,
};
export default meta;
type Story = StoryObj<Args>;

const grid = (kind: StatusKind, dark = false) => html`
  <div
    style="display:grid;grid-template-columns:max-content max-content;gap:.5rem 1rem;align-items:center;padding:1rem;
      font-family:system-ui;${dark ? 'background:#15181e;color:#e8eaee' : 'background:#fff;color:#1b1f27'}"
  >
    ${allStatuses()
      .filter((s) => s.kind === kind)
      .map(
        (s) =>
          html`<code>${s.value}${s.code ? ` (${s.code})` : ''}</code
            ><ap-status-badge status=${s.value} kind=${kind}></ap-status-badge>`,
      )}
  </div>
`;

export const Playground: Story = {};
export const SessionStatuses: Story = { render: () => grid('session') };
export const ExamStatuses: Story = { render: () => grid('exam') };
export const CheckStatuses: Story = { render: () => grid('check') };
export const ReviewStatuses: Story = { render: () => grid('review') };
export const SessionStatusesDark: Story = { render: () => grid('session', true) };
export const ExamStatusesDark: Story = { render: () => grid('exam', true) };
export const CheckStatusesDark: Story = { render: () => grid('check', true) };
export const ReviewStatusesDark: Story = { render: () => grid('review', true) };
export const UnknownStatus: Story = { args: { status: 'not_a_status' } };
