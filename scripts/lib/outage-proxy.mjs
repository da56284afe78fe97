import { createServer, connect } from 'node:net';

/**
 * A TCP proxy in front of the results server that can go down like a real network: while down,
 * every connection (open or new) is reset, so the browser's fetch fails as it does offline. While
 * stalled it is a black hole, like a frozen link or a hung server: open connections are cut, new
 * ones are accepted and then hear nothing (what is sent is swallowed) until the link comes back.
 */
export async function outageProxy(targetPort) {
  const sockets = new Set();
  let down = false;
  let stalled = false;
  const held = new Set();
  const server = createServer((client) => {
    if (down) return client.destroy();
    if (stalled) {
      held.add(client);
      client.on('error', () => undefined);
      client.on('data', () => undefined);
      client.on('close', () => held.delete(client));
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = [client, upstream];
    for (const s of pair) {
      sockets.add(s);
      s.on('error', () => pair.forEach((x) => x.destroy()));
      s.on('close', () => {
        sockets.delete(s);
        pair.forEach((x) => x.destroy());
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    setDown(value) {
      down = value;
      if (down) for (const s of sockets) s.destroy();
    },
    /** Stalls the link (true) or brings it back (false: held connections are then reset). */
    setStalled(value) {
      stalled = value;
      if (stalled) for (const s of sockets) s.destroy();
      else for (const s of held) s.destroy();
    },
    close: () => {
      for (const s of [...sockets, ...held]) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
