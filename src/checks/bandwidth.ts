import { ErrorCode, messageOf } from '../errors.js';
import { baseUrl } from '../url.js';
import { abortReason } from '../media/user-media.js';
import { failedFromError, finished } from './result.js';
import { RUN_OPTIONS, kinds, optionsFailure, type OptionKind } from './options.js';
import type { CheckOutcome, CheckRunOptions } from './types.js';

export interface BandwidthCheckOptions extends Omit<CheckRunOptions, 'mediaDevices'> {
  /** Base URL serving `GET download?bytes=N` and `POST upload`. */
  url: string | URL;
  downloadBytes?: number;
  uploadBytes?: number;
  /** Needed download speed (Mbit/s). Default 3. */
  minDownloadMbps?: number;
  /** Needed upload speed (Mbit/s). Default 1. */
  minUploadMbps?: number;
  /** Longest time for each transfer (ms); a slower link is measured on what arrived. Default 15000. */
  transferTimeoutMs?: number;
  latencySamples?: number;
}

class Unreachable extends Error {
  /**
   * What the server answered when it answered, but not with the speed test: `HTTP 404`, or a body
   * of the wrong size (a static host's catch-all page, served with 200 for every path).
   */
  notSpeedTest?: string;
}

/**
 * Throws when a download that finished is not the speed test's: `download?bytes=N` answers N bytes,
 * and a static host's catch-all page (200, the same HTML for every path) would otherwise be timed as
 * a slow link and blamed on the candidate.
 */
function notSpeedTest(response: Response, received: number, asked: number) {
  if (received === asked) return;
  const error = new Unreachable(); // (its message is never shown: the one below is)
  error.notSpeedTest = `${received} bytes of ${response.headers.get('content-type') ?? 'unknown type'} for ${asked} asked`;
  throw error;
}

// at least 1 ms: a transfer no longer than the latency (a fast link, a latency sample slower than the
// transfer's own round trip) or timed by a coarse clock (Firefox rounds performance.now() to 1 ms, to
// 100 ms when resisting fingerprinting) must not give Infinity or a negative speed
const mbps = (bytes: number, ms: number) => (bytes * 8) / (Math.max(ms, 1) / 1000) / 1e6;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** What `runBandwidthCheck()` accepts, each option with its kind (a wrong one fails the check with 4107). */
export const BANDWIDTH_OPTIONS = {
  ...RUN_OPTIONS,
  url: {
    ...kinds.url,
    required: 'the speed-test endpoint (the results server serves one, README "The bandwidth check")',
  },
  downloadBytes: kinds.count,
  uploadBytes: kinds.count,
  minDownloadMbps: kinds.mbps,
  minUploadMbps: kinds.mbps,
  transferTimeoutMs: kinds.positiveMs,
  latencySamples: { type: 'number', min: 0, int: true, what: 'a whole number, 0 or more' },
} satisfies Record<keyof BandwidthCheckOptions | 'mediaDevices', OptionKind>;

/**
 * Measures latency, download and upload speed against `url`. Unreachable → failed with
 * `BANDWIDTH_UNREACHABLE`; reachable but slow → failed with the measured figures.
 *
 * Latency is the median of `latencySamples` empty requests (ms, at least one). Download and upload
 * speed (Mbit/s, 10^6 bits) are the body's bytes over the transfer's time less the shortest of those
 * round trips: the time from the request to the body's last byte (download) or to the server's
 * answer (upload) includes one round trip and the server's wait before answering, which speed tests
 * leave out; the shortest, not the median, so that a first request paying for the connection, or a
 * latency spike, is not taken off a slow transfer. Timed from the request, not from the answer's
 * arrival: a proxy that holds the whole body before passing it on (as HTTPS-inspecting proxies do)
 * would make a slow link read as fast. Not corrected: TCP's slow start, which over a far link (600 ms
 * round trips) keeps a 2 MB transfer under the link's speed.
 */
export async function runBandwidthCheck(options: BandwidthCheckOptions): Promise<CheckOutcome> {
  const invalid = optionsFailure('bandwidth', 'runBandwidthCheck', BANDWIDTH_OPTIONS, options);
  if (invalid) return { result: invalid };
  options ??= {} as BandwidthCheckOptions;
  // an abort before the start is the caller's answer at once (as fetch's), with no device asked for
  if (options.signal?.aborted) throw abortReason(options.signal);
  const {
    downloadBytes = 2_000_000,
    uploadBytes = 1_000_000,
    minDownloadMbps = 3,
    minUploadMbps = 1,
    transferTimeoutMs = 15_000,
    latencySamples = 3,
    signal,
    onProgress,
  } = options;
  const startedAt = Date.now();
  let base: URL;
  try {
    base = new URL(baseUrl(String(options.url)));
  } catch {
    return {
      result: finished('bandwidth', startedAt, {
        ok: false,
        reason: 'error',
        code: ErrorCode.INVALID_OPTION,
        message: `The bandwidth-url "${String(options.url)}" is not a valid URL.`,
      }),
    };
  }
  const endpoint = (path: string) => new URL(path, base).href;
  const request = async (url: string, init: RequestInit, timeout: AbortSignal) => {
    try {
      const response = await fetch(url, {
        ...init,
        cache: 'no-store',
        signal: AbortSignal.any([timeout, ...(signal ? [signal] : [])]),
      });
      if (!response.ok) {
        const error = new Unreachable(`${url} answered HTTP ${response.status}`);
        if (response.status === 404 || response.status === 405) error.notSpeedTest = `HTTP ${response.status}`;
        throw error;
      }
      return response;
    } catch (error) {
      if (signal?.aborted) throw error;
      if (error instanceof Unreachable) throw error;
      if (timeout.aborted) throw new Unreachable(`${url} did not answer within ${transferTimeoutMs / 1000} s`);
      throw new Unreachable(`${url} could not be reached (${messageOf(error)})`);
    }
  };

  try {
    // latency: empty requests; the median is the latency shown, the shortest is taken off each transfer
    const rtts: number[] = [];
    // at least one (the speeds are timed less the latency), also for 0 or NaN
    for (let i = 0; i < latencySamples || !i; i++) {
      const t0 = performance.now();
      const response = await request(endpoint(`download?bytes=0&r=${i}`), {}, AbortSignal.timeout(transferTimeoutMs));
      notSpeedTest(response, (await response.arrayBuffer()).byteLength, 0);
      rtts.push(performance.now() - t0);
    }
    rtts.sort((a, b) => a - b);
    const latencyMs = rtts[Math.floor(rtts.length / 2)];
    const roundTrip = rtts[0];
    onProgress?.({ fraction: 0.1, message: 'download' });

    // download: stream the body, count what arrives before the timeout
    let received = 0;
    const downloadTimeout = AbortSignal.timeout(transferTimeoutMs);
    const t0 = performance.now();
    try {
      const response = await request(endpoint(`download?bytes=${downloadBytes}`), {}, downloadTimeout);
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        onProgress?.({ fraction: 0.1 + 0.45 * (received / downloadBytes), message: 'download' });
      }
      notSpeedTest(response, received, downloadBytes);
    } catch (error) {
      if (!downloadTimeout.aborted || received === 0)
        throw error instanceof Unreachable ? error : new Unreachable(messageOf(error));
    }
    const downloadMbps = mbps(received, performance.now() - t0 - roundTrip);
    onProgress?.({ fraction: 0.55, message: 'upload' });

    // upload: random bytes (incompressible), timed until the server's answer
    const body = new Uint8Array(uploadBytes);
    for (let i = 0; i < body.length; i += 65536) crypto.getRandomValues(body.subarray(i, i + 65536));
    const t1 = performance.now();
    let uploadMbps: number;
    const uploadTimeout = AbortSignal.timeout(transferTimeoutMs);
    try {
      await (
        await request(
          endpoint('upload'),
          { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } },
          uploadTimeout,
        )
      ).arrayBuffer();
      uploadMbps = mbps(uploadBytes, performance.now() - t1 - roundTrip);
    } catch (error) {
      if (!uploadTimeout.aborted) throw error;
      uploadMbps = mbps(uploadBytes, transferTimeoutMs) / 2; // did not finish: at most half of "all in the limit"
    }
    onProgress?.({ fraction: 1 });

    const metrics = {
      downloadMbps: round(downloadMbps),
      uploadMbps: round(uploadMbps),
      latencyMs: Math.round(latencyMs),
      minDownloadMbps,
      minUploadMbps,
    };
    const slow = [
      downloadMbps < minDownloadMbps ? `${metrics.downloadMbps} Mbit/s down (${minDownloadMbps} needed)` : '',
      uploadMbps < minUploadMbps ? `${metrics.uploadMbps} Mbit/s up (${minUploadMbps} needed)` : '',
    ].filter(Boolean);
    if (slow.length)
      return {
        result: finished('bandwidth', startedAt, {
          ok: false,
          reason: 'slow',
          message: `Your connection is slower than the exam needs: ${slow.join(', ')}. Move closer to your router or use a wired connection.`,
          metrics,
        }),
      };
    return {
      result: finished('bandwidth', startedAt, {
        ok: true,
        message: `Your connection is fast enough: ${metrics.downloadMbps} Mbit/s down, ${metrics.uploadMbps} Mbit/s up, ${metrics.latencyMs} ms latency.`,
        metrics,
      }),
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    // the server answered, but serves no speed test there (404, 405): the page's setup, not the network
    if (error instanceof Unreachable && error.notSpeedTest)
      return {
        result: finished('bandwidth', startedAt, {
          ok: false,
          reason: 'unreachable',
          code: ErrorCode.BANDWIDTH_UNREACHABLE,
          message: `No speed test is served at ${base.href} (${error.notSpeedTest}): this exam page's bandwidth-url is wrong or its server has no speed-test endpoint. This is not a problem of your connection; tell the exam's organiser.`,
        }),
      };
    if (error instanceof Unreachable)
      return {
        result: finished('bandwidth', startedAt, {
          ok: false,
          reason: 'unreachable',
          code: ErrorCode.BANDWIDTH_UNREACHABLE,
          message: `The speed test server could not be reached: ${error.message}. Check your internet connection.`,
        }),
      };
    return { result: failedFromError('bandwidth', startedAt, error) };
  }
}
