// Test-runner commands that hide and show the test page the way a candidate would: by opening
// another tab in front of it (`open-other-tab`) and closing it again (`close-other-tab`);
// `worker-count`, the test page's running dedicated workers.
// `answer-dialogs` {afterMs}: from now on the page's alert()/confirm()/prompt() are answered (OK)
// after afterMs, as a candidate would (headless Chromium would otherwise keep them open for ever).
export function tabCommandsPlugin() {
  const others = new Map();
  return {
    name: 'tab-commands',
    async executeCommand({ command, session, payload }) {
      // how many dedicated workers the test page has running (a detector leak shows here)
      if (command === 'worker-count') return { count: session.browser.getPage(session.id).workers().length };
      if (command === 'answer-dialogs') {
        const page = session.browser.getPage(session.id);
        page.removeAllListeners('dialog');
        page.on('dialog', (dialog) =>
          setTimeout(() => void dialog.accept().catch(() => undefined), payload?.afterMs ?? 500),
        );
        return true;
      }
      if (command !== 'open-other-tab' && command !== 'close-other-tab') return undefined;
      const page = session.browser.getPage(session.id);
      if (command === 'open-other-tab') {
        const other = await page.browser().newPage();
        await other.bringToFront();
        others.set(session.id, other);
      } else {
        await others.get(session.id)?.close();
        others.delete(session.id);
        await page.bringToFront();
      }
      return true;
    },
  };
}
