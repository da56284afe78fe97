import { expect } from '@open-wc/testing';

// Built by scripts/pack-check.mjs from the packed tarball, installed in a throw-away project.
interface Packed {
  ApStatusBadge: CustomElementConstructor;
  STATUS_KINDS: readonly string[];
  describeStatus: (value: string) => { label: string } | undefined;
}

describe('the package as published (npm pack → a fresh project → a bundle)', () => {
  it('imports by name, registers the tags and renders an element', async () => {
    const packed = (await import(new URL('/test/fixtures/generated/packed/app.js', location.href).href)) as Packed;
    expect(packed.STATUS_KINDS).to.include('review');
    expect(customElements.get('ap-status-badge')).to.equal(packed.ApStatusBadge);
    const badge = document.createElement('ap-status-badge');
    badge.setAttribute('status', 'is_reviewed_green');
    document.body.append(badge);
    await (badge as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(badge.shadowRoot!.querySelector('[part="label"]')!.textContent.trim()).to.equal(
      packed.describeStatus('is_reviewed_green')!.label,
    );
    expect(badge.shadowRoot!.querySelector('[role="status"]')).to.exist;
    badge.remove();
  });
});
