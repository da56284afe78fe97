/** Opens one of the integration pages in test/compat/pages/ in an iframe, as its own document. */
export interface IntegrationPage {
  frame: HTMLIFrameElement;
  win: Window & typeof globalThis & { __rejections: string[] } & Record<string, unknown>;
  doc: Document;
  /** Text content of an element of the page, whitespace collapsed. */
  text(selector: string): string;
  /** Waits until `test` is true (polling), failing with what the page shows. */
  until(test: () => unknown, what: string, ms?: number): Promise<void>;
  close(): void;
}

export const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export async function openPage(page: string, params: Record<string, string> = {}): Promise<IntegrationPage> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:900px;height:700px';
  frame.allow = 'camera; microphone; display-capture; fullscreen';
  frame.src = `/test/compat/pages/${page}?${new URLSearchParams(params).toString()}`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow as IntegrationPage['win'];
  const doc = frame.contentDocument!;
  const text = (selector: string) => doc.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  return {
    frame,
    win,
    doc,
    text,
    async until(test, what, ms = 30000) {
      const end = performance.now() + ms;
      while (!test()) {
        if (performance.now() > end)
          throw new Error(`timed out waiting for ${what}; the page shows: ${doc.body.innerText.slice(0, 600)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => frame.remove(),
  };
}

export const credentials = (prefix = 'compat') => ({
  clientId: 'acme',
  testAttemptId: unique(prefix),
  hashedTestAttemptId: 'aGFzaA==',
});
