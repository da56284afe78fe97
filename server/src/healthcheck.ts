/**
 * The container's health check (the Dockerfile's HEALTHCHECK runs `node dist/healthcheck.js`):
 * `GET /healthz` of the server on this machine, `127.0.0.1:$PORT` (default 8080), over HTTPS when
 * `TLS_CERT_FILE` is set, as the server then serves nothing else. The certificate is not checked:
 * the server is reached by its loopback address, not the name its certificate is for. Exits 0 when
 * the answer is 200 within 4 s, else 1 (a plain `fetch('http://…')` failed every check of a server
 * serving HTTPS itself).
 */
import { get as httpGet, type ClientRequest, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';

const port = process.env.PORT || '8080';
const onAnswer = (res: IncomingMessage) => {
  res.resume();
  process.exitCode = res.statusCode === 200 ? 0 : 1;
};
const request: ClientRequest = process.env.TLS_CERT_FILE
  ? httpsGet(`https://127.0.0.1:${port}/healthz`, { rejectUnauthorized: false, timeout: 4000 }, onAnswer)
  : httpGet(`http://127.0.0.1:${port}/healthz`, { timeout: 4000 }, onAnswer);
request.on('timeout', () => request.destroy(new Error('no answer within 4 s')));
request.on('error', () => {
  process.exitCode = 1;
});
