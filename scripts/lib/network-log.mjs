// Test-runner plugin: records every network request made by a test page and by the workers it
// starts, through the Chrome DevTools Protocol (puppeteer sessions of @web/test-runner-chrome).
// Commands: `network-log-start` (begin a fresh log for the calling page), `network-log` (read it).
export function networkLogPlugin() {
  const logs = new Map(); // test session id -> [{url, method, source}]
  return {
    name: 'network-log',
    async executeCommand({ command, session }) {
      if (command === 'network-log') return logs.get(session.id) ?? [];
      if (command !== 'network-log-start') return undefined;
      const page = session.browser.getPage(session.id);
      logs.set(session.id, []);
      const watch = async (client, source) => {
        client.on('Network.requestWillBeSent', (e) =>
          logs.get(session.id).push({
            url: e.request.url,
            method: e.request.method,
            source,
            // the script that made the request, so a failure says which code sent it
            initiator: e.initiator?.stack?.callFrames?.[0]?.url ?? e.initiator?.url ?? '',
          }),
        );
        await client.send('Network.enable');
      };
      if (!page.__apNetworkWatched) {
        page.__apNetworkWatched = true;
        await watch(await page.createCDPSession(), 'page');
        page.on('workercreated', (worker) => void watch(worker.client, `worker ${worker.url()}`).catch(() => {}));
        for (const worker of page.workers()) await watch(worker.client, `worker ${worker.url()}`);
      }
      return true;
    },
  };
}
