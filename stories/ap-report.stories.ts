import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, unsafeCSS } from 'lit';
import '../src/define.js';
import dark from '../src/themes/dark.css?inline';
import type { ReportData } from '../src/report/report-data.js';
import { usage } from './usage.js';

/** A small JPEG drawn on a canvas (a stand-in for a camera photo). */
function photo(hue: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = `hsl(${hue} 45% 55%)`;
  ctx.fillRect(0, 0, 160, 120);
  ctx.fillStyle = '#fff';
  ctx.beginPath();
  ctx.arc(80, 55, 28, 0, Math.PI * 2);
  ctx.fill();
  return canvas.toDataURL('image/jpeg', 0.8);
}

const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => t0 + minutes * 60_000;

const needsReview = (): ReportData => ({
  testAttemptId: 'attempt-42',
  clientId: 'acme',
  trustScore: 71,
  needsReview: true,
  sessionStatus: 'exam_finished',
  reviewStatus: 'unreviewed',
  startedAt: t0,
  finishedAt: at(30),
  counts: { random_photo: 2, multiple_people: 1, tab_switch: 1, returned_to_test: 1, copy_paste: 1 },
  evidence: [
    { id: '1', code: 5003, type: 'random_photo', startedAt: at(0), photo: photo(200), data: { kind: 'test_taker' } },
    { id: '2', code: 5002, type: 'multiple_people', startedAt: at(4), endedAt: at(4) + 6400, durationMs: 6400 },
    { id: '3', code: 5005, type: 'tab_switch', startedAt: at(9), endedAt: at(9) + 12_000, durationMs: 12_000 },
    { id: '4', code: 5006, type: 'returned_to_test', startedAt: at(9) + 12_000 },
    { id: '5', code: 5110, type: 'copy_paste', startedAt: at(15), data: { action: 'paste' } },
    { id: '6', code: 5003, type: 'random_photo', startedAt: at(21), photo: photo(30) },
  ],
  source: 'device',
  userDetails: { name: 'Ada Lovelace', email: 'ada@example.org' },
});

const meta: Meta<{ data: ReportData }> = {
  title: 'Elements/ap-report',
  component: 'ap-report',
  parameters: {
    docs: {
      description: {
        component: usage('ap-report', 'test-attempt-id="attempt-42"', 'ApReport', 'testAttemptId="attempt-42"', ''),
      },
    },
  },
  render: ({ data }) => html`<ap-report .data=${data}></ap-report>`,
};
export default meta;
type Story = StoryObj<{ data: ReportData }>;

export const NeedsReview: Story = { args: { data: needsReview() } };
export const AllClear: Story = {
  args: {
    data: {
      ...needsReview(),
      trustScore: 100,
      needsReview: false,
      reviewStatus: 'is_reviewed_green',
      counts: { random_photo: 1 },
      evidence: [needsReview().evidence[0]],
      source: 'server',
    },
  },
};
export const NotScoredYet: Story = {
  args: {
    data: {
      ...needsReview(),
      trustScore: null,
      needsReview: null,
      sessionStatus: 'exam_started',
      finishedAt: undefined,
      counts: { no_face: 1 },
      evidence: [{ id: '7', code: 5001, type: 'no_face', startedAt: at(2) }],
    },
  },
};
export const Dark: Story = {
  args: { data: needsReview() },
  render: ({ data }) =>
    html`<style>
        ${unsafeCSS(dark)}
      </style>
      <div class="ap-theme-dark" style="background:var(--ap-color-surface);padding:1rem">
        <ap-report .data=${data}></ap-report>
      </div>`,
};
