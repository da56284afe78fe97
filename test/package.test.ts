import { expect } from '@open-wc/testing';

// Imported by URL so the type-check does not depend on a build having run.
const dist = (file: string) =>
  import(/* @vite-ignore */ new URL(`/dist/${file}`, location.href).href) as Promise<Record<string, unknown>>;

describe('package entry points', () => {
  it('defines no tag when the root entry is imported', async () => {
    const before = customElements.get('ap-status-badge');
    const mod = await dist('index.js');
    expect(mod.ApStatusBadge).to.be.a('function');
    expect(before).to.equal(undefined);
    expect(customElements.get('ap-status-badge')).to.equal(undefined);
  });

  it('defines every tag through define.js', async () => {
    await dist('define.js');
    expect(customElements.get('ap-status-badge')).to.be.a('function');
  });
});
