import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import { ContextProvider } from '@lit/context';
import '../../src/define.js';
import { sessionContext } from '../../src/context/session-context.js';
import type { ApStatusBadge } from '../../src/elements/ap-status-badge/ap-status-badge.js';

const text = (el: ApStatusBadge) => el.shadowRoot!.querySelector('[part="label"]')?.textContent.trim() ?? '';

// Its own page: the ContextRoot re-dispatches pending requests once per provider appearance.
describe('session context with late providers', () => {
  it('gets the session from a provider that is upgraded after it (the CDN / parser order)', async () => {
    const host = await fixture(
      html`<late-session-host><ap-status-badge source="session"></ap-status-badge></late-session-host>`,
    );
    const badge = host.querySelector('ap-status-badge')!;
    await badge.updateComplete;
    expect(text(badge)).to.equal(''); // no status yet: nothing shown
    customElements.define(
      'late-session-host',
      class extends LitElement {
        provider = new ContextProvider(this, {
          context: sessionContext,
          initialValue: { sessionStatus: 'exam_started', checks: {} },
        });
      },
    );
    await waitUntil(() => text(badge) === 'Exam started', 'the late provider answered');
  });
});
