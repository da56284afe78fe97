// A static file server on loopback, shared by the benchmarks (bench/run.mjs) and the face
// evaluation (scripts/eval-faces.mjs).
import http from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};

/**
 * Serves the files under `root` (default: the working directory) on 127.0.0.1:`port` (default: a
 * free one). `route(url, req, res)` sees each request first and returns true when it answered it;
 * any other path is a file under `root`, or 404 (missing, a folder, or outside `root`).
 * @param {{ root?: string, port?: number, route?: (url: URL, req: http.IncomingMessage, res: http.ServerResponse) => boolean }} [options]
 * @returns {Promise<{ server: http.Server, base: string }>} `base`: `http://127.0.0.1:<port>`
 */
export async function serveStatic({ root = resolve('.'), port = 0, route } = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (route?.(url, req, res)) return;
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) return void res.writeHead(404).end();
    try {
      if (!statSync(file).isFile()) throw new Error();
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}
