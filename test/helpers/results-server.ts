/**
 * Tests against the reference results server (web-test-runner.config.mjs, `resultsServerPlugin`):
 * an attempt's credentials, a link of a test's own to cut or stall, what the server stored, and an
 * `<ap-monitor>` with the credentials set as an integrator sets them.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { EvidenceRecord } from '../../src/index.js';
import { sleep } from './monitor.js';

/** What an integrator's backend hands the exam page. */
export interface Credentials {
  endpoint: string;
  clientId: string;
  testAttemptId: string;
  hashedTestAttemptId: string;
}

/** What the server stored for an attempt (`results-session`). */
export interface Stored {
  session?: { status: string; review_status: string; trust_score: number; counts: Record<string, number> };
  evidence: {
    id: string;
    seq: number;
    code: number;
    type: string;
    duration_ms: number | null;
    photo_pending: boolean;
  }[];
  photos: { id: string; bytes: number; content_type: string }[];
}

/** A new attempt on the shared server. */
export const newAttempt = () => executeServerCommand<Credentials, undefined>('results-server');

/** What the server stored for `testAttemptId`. */
export const stored = (testAttemptId: string) =>
  executeServerCommand<Stored, { testAttemptId: string }>('results-session', { testAttemptId });

/**
 * Sets the state of the test's own link to the server (`key`: the attempt's id): `up`, `down`
 * (connections reset) or `stalled` (nothing answers); resolves with the link's endpoint. A link of
 * its own keeps a test's outage from the tests of other groups using the same server.
 */
export const setLink = (key: string, state: 'up' | 'down' | 'stalled') =>
  executeServerCommand<{ endpoint: string }, { key: string; state: string }>('results-link', { key, state });

/** A new attempt whose `endpoint` is a link of its own ({@link setLink} with its id cuts it). */
export async function privateServer(): Promise<Credentials> {
  const creds = await newAttempt();
  const { endpoint } = await setLink(creds.testAttemptId, 'up');
  return { ...creds, endpoint };
}

/** Polls the server until `check` holds (generous: this must pass on a loaded machine). */
export async function serverUntil(
  testAttemptId: string,
  check: (s: Stored) => boolean,
  what: string,
  ms = 60000,
): Promise<Stored> {
  const deadline = performance.now() + ms;
  let last = await stored(testAttemptId);
  while (!check(last)) {
    if (performance.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}: server has ${last.evidence.length} records, ${last.photos.length} photos`,
      );
    await sleep(250);
    last = await stored(testAttemptId);
  }
  return last;
}

/**
 * An `<ap-monitor>` in the page with `creds`' ids set as properties (`hashedTestAttemptId` may be
 * overridden: a forged hash), collecting what it emits: `emitted` (the last version of each record
 * by id, in the order first seen), `errors`, and `text()`, its status line as a candidate reads it.
 */
export function monitorFor(creds: Credentials, overrides: { hashedTestAttemptId?: string } = {}) {
  const el = document.createElement('ap-monitor');
  Object.assign(el, {
    clientId: creds.clientId,
    testAttemptId: creds.testAttemptId,
    hashedTestAttemptId: overrides.hashedTestAttemptId ?? creds.hashedTestAttemptId,
  });
  document.body.append(el);
  const emitted = new Map<string, EvidenceRecord>();
  const errors: { code: number; message: string }[] = [];
  el.addEventListener('ap-evidence', (e) => emitted.set(e.detail.id, e.detail));
  el.addEventListener('ap-error', (e) => errors.push(e.detail));
  const text = () => el.shadowRoot!.querySelector('[role="status"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  return { el, emitted, errors, text };
}
