import { createServer, request } from 'node:http';

/**
 * A reverse proxy that mounts the results server under a path prefix, as integrators do behind
 * nginx (`location /proctor/ { proxy_pass http://server/; }`): `/proctor/x` is forwarded as `/x`,
 * anything outside the prefix is the proxy's own 404. Streams both ways (the pairing long-polls).
 */
export async function prefixProxy(targetPort, prefix = '/proctor/') {
  const server = createServer((req, res) => {
    if (!req.url.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not under the proxy prefix');
      return;
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: `/${req.url.slice(prefix.length)}`,
        headers: { ...req.headers, 'x-forwarded-prefix': prefix.replace(/\/$/, '') },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    endpoint: `http://127.0.0.1:${server.address().port}${prefix}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
