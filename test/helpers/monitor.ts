import { fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/define.js';
import type { ApMonitor, EvidenceRecord, MonitorSetupOptions } from '../../src/index.js';
import { DIST_ASSETS } from './media.js';

export const MONITOR_EVENTS = [
  'ap-setup-completed',
  'ap-monitoring-started',
  'ap-monitoring-stopped',
  'ap-instance-destroyed',
  'ap-error',
  'ap-evidence',
  'ap-status-change',
] as const;

export interface MonitorHarness {
  el: ApMonitor;
  attemptId: string;
  outboxName: string;
  /** Event names in order (status changes as `ap-status-change:<status>`). */
  events: string[];
  /**
   * Evidence records, one per id in the order first seen, each in its latest version (a violation
   * is announced when confirmed and completed, same id, when it ends).
   */
  evidence: EvidenceRecord[];
  errors: { code: number; message: string }[];
  indicator(): string;
}

const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** An <ap-monitor> with its own attempt and outbox, set up (and started unless `start: false`). */
export async function monitor(options: MonitorSetupOptions & { start?: boolean } = {}): Promise<MonitorHarness> {
  const { start = true, ...setup } = options;
  const attemptId = `attempt-${unique()}`;
  const outboxName = `test-outbox-${attemptId}`;
  const el = await fixture<ApMonitor>(
    html`<ap-monitor client-id="test-client" test-attempt-id=${attemptId} hashed-test-attempt-id="aGFzaA==" preview
      ><ap-status-badge source="session"></ap-status-badge
    ></ap-monitor>`,
  );
  const h: MonitorHarness = {
    el,
    attemptId,
    outboxName,
    events: [],
    evidence: [],
    errors: [],
    indicator: () => el.shadowRoot!.querySelector('[part="indicator"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
  };
  for (const name of MONITOR_EVENTS)
    el.addEventListener(name, (e) => {
      const detail = (e as CustomEvent).detail as Record<string, unknown>;
      h.events.push(name === 'ap-status-change' ? `${name}:${String(detail.status)}` : name);
      if (name === 'ap-evidence') {
        const record = detail as unknown as EvidenceRecord;
        const at = h.evidence.findIndex((r) => r.id === record.id);
        if (at < 0) h.evidence.push(record);
        else h.evidence[at] = record;
      }
      if (name === 'ap-error') h.errors.push(detail as { code: number; message: string });
    });
  await el.setup({ assetBase: DIST_ASSETS, outboxName, ...setup });
  if (start) await el.start();
  return h;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(test: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!(await test())) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * The candidate puts another tab in front of the test page and comes back once `left()` says the
 * switch was seen, and `minMs` after that, as a person stays away until they are: not for a
 * fixed time, which a loaded machine outruns (CI run 28: 800 ms in Firefox hid the page too briefly
 * to count). `left` can be any outcome the test sees: an ap-evidence 5005, a record at the server.
 */
export async function visitOtherTab(
  left: () => boolean | Promise<boolean>,
  { minMs = 0, what = 'the tab switch recorded' }: { minMs?: number; what?: string } = {},
): Promise<void> {
  await executeServerCommand('open-other-tab');
  try {
    await until(left, 15000, what);
    // minMs from when the page knew it was left, not from the command (opening a tab on a loaded
    // machine takes a while: the page was hidden for less than minMs)
    await sleep(minMs);
  } finally {
    await executeServerCommand('close-other-tab');
  }
}
