import { expect, waitUntil } from '@open-wc/testing';

// The CDN file must work alone in a plain page: no import map, no bare specifiers, every tag defined.
describe('CDN build (dist/cdn/proctor-elements.js)', () => {
  const url = new URL('/dist/cdn/proctor-elements.js', location.href).href;

  it('has no bare module specifiers left', async () => {
    const source = await (await fetch(url)).text();
    expect(source.length).to.be.greaterThan(1000);
    expect(source).not.to.match(/\bfrom\s*["'](?![./]|https?:)/);
    expect(source).not.to.match(/\bimport\s*\(\s*["'](?![./]|https?:)/);
  });

  it('defines the tags in a plain page with one script tag', async () => {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><script type="module" src="${url}"></script>
      <ap-status-badge status="exam_finished"></ap-status-badge>`;
    document.body.append(frame);
    try {
      const win = () => frame.contentWindow as (Window & typeof globalThis) | null;
      await waitUntil(() => win()?.customElements.get('ap-status-badge'), 'tag not defined', { timeout: 5000 });
      const badge = frame.contentDocument!.querySelector('ap-status-badge')!;
      await waitUntil(() => badge.shadowRoot?.textContent?.includes('Exam finished'), 'badge did not render');
      expect(badge.getAttribute('tone')).to.equal('success');
    } finally {
      frame.remove();
    }
  });

  it('exports the same API as the package root', async () => {
    const cdn = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
    const root = (await import('../src/index.js')) as Record<string, unknown>;
    expect(Object.keys(cdn).sort()).to.deep.equal(Object.keys(root).sort());
  });
});
