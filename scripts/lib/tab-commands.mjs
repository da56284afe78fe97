// Test-runner commands that hide and show the test page the way a candidate would: by opening
// another tab in front of it (`open-other-tab`) and closing it again (`close-other-tab`); and
// `worker-count`, the test page's running dedicated workers.
export function tabCommandsPlugin() {
  const others = new Map();
  return {
    name: 'tab-commands',
    async executeCommand({ command, session }) {
      // how many dedicated workers the test page has running (a detector leak shows here)
      if (command === 'worker-count') return { count: session.browser.getPage(session.id).workers().length };
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
