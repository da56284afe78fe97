import { messageOf } from '../errors.js';

/**
 * Why a request to the results server at `url` failed without an answer the page could read (a
 * network `TypeError`), in words for the error's message. A plain `no-cors` GET (no headers, no
 * credentials, at most `timeoutMs` ms, default 5000) that gets an answer shows the host answered,
 * but without the CORS headers a results server sends: a wrong path (a reverse proxy's prefix left
 * out of `endpoint`), a server that does not allow this page's origin, or a proxy's error page
 * while the server behind it is down. An opaque answer hides its status, so which of these cannot
 * be told: the callers keep 4111 (retryable: an outage must not read as a wrong setting) and the
 * message names all three. Otherwise (offline, DNS, connection refused) it is the browser's message.
 * The probe goes only to `url`, the endpoint the integrator configured.
 */
export async function unreachableReason(
  url: string | URL,
  error: unknown,
  fetcher: typeof fetch,
  timeoutMs = 5000,
): Promise<string> {
  try {
    await fetcher(url, { mode: 'no-cors', credentials: 'omit', signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return messageOf(error);
  }
  return `${new URL(url).host} answered without the CORS headers of a results server: check the path of endpoint (a reverse proxy's prefix such as /proctor/), that the server allows this page's origin, and that the server behind a proxy is up`;
}
