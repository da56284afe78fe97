// npm start (until the reference server takes over): serves the demo exam page and the built
// package on localhost. PORT sets the port (default 8080); HOST the interface (default 127.0.0.1).
import http from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};
// Only these folders are public; `/` is the demo page.
const MOUNTS = { '/dist/': 'dist', '/demo/': 'demo' };

/** Speed-test endpoints for the bandwidth check (the reference server will take them over). */
function bandwidth(req, res, path) {
  if (path === '/api/bandwidth/download' && req.method === 'GET') {
    const bytes = Math.min(Number(new URL(req.url, 'http://x').searchParams.get('bytes')) || 0, 50_000_000);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': bytes,
      'cache-control': 'no-store',
    });
    res.end(Buffer.alloc(bytes));
    return true;
  }
  if (path === '/api/bandwidth/upload' && req.method === 'POST') {
    let received = 0;
    req.on('data', (chunk) => (received += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received })));
    return true;
  }
  return false;
}

const server = http.createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (bandwidth(req, res, path)) return;
  const url = path === '/' ? '/demo/index.html' : path;
  const mount = Object.keys(MOUNTS).find((m) => url.startsWith(m));
  const file = mount && normalize(join(root, MOUNTS[mount], url.slice(mount.length)));
  if (!file || !file.startsWith(join(root, MOUNTS[mount]))) return void res.writeHead(404).end('Not found');
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': st.size,
    });
    createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }
});
server.listen(port, host, () => console.log(`demo: http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`));
