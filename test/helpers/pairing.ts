import { fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { ApMobileCamera, ApRequirementsCheck, CheckResult } from '../../src/index.js';
import { until } from './monitor.js';

/** The phone page, as an element of this page (BroadcastChannel reaches it like another tab). */
export function phone(code: string, attrs: Partial<ApMobileCamera> = {}): ApMobileCamera {
  const el = document.createElement('ap-mobile-camera');
  Object.assign(el, { pairingCode: code, ...attrs });
  document.body.append(el);
  return el;
}

export async function checkWithPairing(extra = '') {
  const el = await fixture<ApRequirementsCheck>(
    html`<ap-requirements-check
      checks="mobile"
      pairing-url="/phone.html"
      .settings=${{ mobile: { timeoutMs: 20000 } }}
      ${extra}
    ></ap-requirements-check>`,
  );
  const changes: CheckResult[] = [];
  el.addEventListener('ap-check-change', (e) => changes.push(e.detail));
  void el.run();
  await until(() => !!el.shadowRoot!.querySelector('a[part="pairing-link"]'), 5000, 'the pairing link');
  const link = el.shadowRoot!.querySelector<HTMLAnchorElement>('a[part="pairing-link"]')!;
  const code = new URL(link.href).searchParams.get('code')!;
  return { el, changes, code, link };
}
