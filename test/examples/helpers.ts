import { expect } from '@open-wc/testing';
import { until } from '../helpers/monitor.js';

/**
 * Drives an example's exam-setup step as a candidate would: clicks "Start the checks" inside the
 * requirements check, waits for "Ready.", and checks the badge followed the check.
 */
export async function runExampleSetup(root: ParentNode) {
  const checks = await waitFor(() => root.querySelector('ap-requirements-check'));
  const start = await waitFor(() => checks.shadowRoot?.querySelector<HTMLButtonElement>('button[part="start"]'));
  start.click();
  const status = root.querySelector('[role="status"]')!;
  await until(() => status.textContent === 'Ready.', 10000, '"Ready."');
  const badge = root.querySelector('ap-status-badge')!;
  expect(badge.getAttribute('status')).to.equal('succeeded');
  await until(() => !!badge.shadowRoot?.textContent?.includes('Passed'), 3000, 'the badge text');
  return { checks, badge };
}

async function waitFor<T>(get: () => T | null | undefined, ms = 5000): Promise<T> {
  let value: T | null | undefined;
  await until(() => !!(value = get()), ms, 'the element');
  return value!;
}
