// Type tests (tsc, no runtime): Vue's GlobalComponents know the tags.
import type { GlobalComponents } from 'vue';
import type {} from '../../src/vue.js';

type Props<T> = T extends new (...args: never[]) => { $props: infer P } ? P : never;
export const badge: Props<GlobalComponents['ap-status-badge']> = { status: 'open', kind: 'exam' };
export const checks: Props<GlobalComponents['ap-requirements-check']> = {
  checks: 'webcam',
  onApChecksComplete: (e) => e.detail.passed,
};
// @ts-expect-error: kind is a fixed vocabulary
export const wrong: Props<GlobalComponents['ap-status-badge']> = { kind: 'planet' };
