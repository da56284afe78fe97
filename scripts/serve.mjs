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

const server = http.createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
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
