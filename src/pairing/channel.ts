/**
 * Signalling for pairing a phone as a second camera: the exam page and the phone page exchange
 * an offer, an answer and ICE candidates under a short-lived pairing code. `PairingTransport` is
 * the replaceable part: `BroadcastPairingTransport` (same origin, same browser: the demo's
 * simulated phone and tests) and `HttpPairingTransport` (the reference server), or an
 * integrator's own.
 */
import { backoffDelay } from '../backoff.js';
import { delay } from '../media/user-media.js';
import { ErrorCode, ProctorError } from '../errors.js';
import { baseUrl } from '../url.js';

export type PairingRole = 'exam' | 'phone';

interface Settle {
  resolve(): void;
  reject(error: unknown): void;
}

export type SignalMessage =
  /** The phone starts (or restarts, after a reload) a connection: `session` names it. */
  | { type: 'offer'; session: string; sdp: string }
  | { type: 'answer'; session: string; sdp: string }
  | { type: 'candidate'; session: string; candidate: RTCIceCandidateInit }
  /** The phone could not open its camera. */
  | { type: 'camera-error'; name: string; message: string }
  /** One side is leaving on purpose. */
  | { type: 'bye' };

export interface PairingChannel {
  readonly code: string;
  send(message: SignalMessage): Promise<void>;
  /** Calls `listener` with every message from the other side; returns the unsubscribe function. */
  subscribe(listener: (message: SignalMessage) => void): () => void;
  close(): void;
}

export interface PairingTransport {
  /** A new pairing code (the exam side, before showing the QR code). */
  create(): Promise<string>;
  /** Joins `code` as `role`. */
  join(code: string, role: PairingRole): PairingChannel;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i
/** A random pairing code: 10 characters, ~49 bits (a code lives minutes, not days). */
export function randomPairingCode(length = 10): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}
export const PAIRING_CODE_PATTERN = /^[a-z0-9]{6,32}$/;

export function checkCode(code: unknown): string {
  if (typeof code !== 'string' || !PAIRING_CODE_PATTERN.test(code))
    throw new ProctorError(
      ErrorCode.INVALID_OPTION,
      `pairing code must be 6–32 lowercase letters or digits, got ${JSON.stringify(code)}.`,
    );
  return code;
}

/**
 * A pairing request that did not succeed in a way the channel acts on: `closed`, the other side
 * said bye (HTTP 410 `pairing_closed`); `unreachable`, no answer in time, or the server could not
 * take it now (5xx, 408, 429): worth sending again. Both are 4113 `PAIRING_FAILED` to callers.
 */
class PairingTrouble extends ProctorError {
  constructor(
    readonly kind: 'closed' | 'unreachable',
    message: string,
  ) {
    super(ErrorCode.PAIRING_FAILED, message);
  }
}

/** How long one message's POST may go unanswered (ms) before it is sent again. */
const SEND_TIMEOUT_MS = 8000;
/** How long a long poll may go unanswered (ms): the server answers within ~20 s. */
const POLL_TIMEOUT_MS = 35_000;
/** How long a message is sent again (ms) before `send()` gives up with 4113. */
const SEND_GIVE_UP_MS = 60_000;
/** How long making a code is tried again (ms) before `create()` gives up with 4113: a candidate waits on it. */
const CREATE_GIVE_UP_MS = 20_000;
/** Back-off between tries of one request (ms): 250, 500, 1000 … at most 4000. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 4000;

/** Same origin, same browser: a `BroadcastChannel` per code. */
export class BroadcastPairingTransport implements PairingTransport {
  create(): Promise<string> {
    return Promise.resolve(randomPairingCode());
  }

  join(code: string, role: PairingRole): PairingChannel {
    checkCode(code);
    const channel = new BroadcastChannel(`proctor-elements/pairing/${code}`);
    const listeners = new Set<(m: SignalMessage) => void>();
    channel.onmessage = (event: MessageEvent<{ from: PairingRole; message: SignalMessage }>) => {
      if (event.data?.from !== role) for (const l of listeners) l(event.data.message);
    };
    return {
      code,
      send: (message) => {
        channel.postMessage({ from: role, message });
        return Promise.resolve();
      },
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close: () => {
        listeners.clear();
        channel.close();
      },
    };
  }
}

/**
 * The reference server's signalling: `POST {base}api/v1/pairings` makes a code;
 * `POST …/pairings/{code}/messages` sends; `GET …/pairings/{code}/messages?for=role&after=n`
 * long-polls (the server holds it up to ~20 s).
 */
export class HttpPairingTransport implements PairingTransport {
  private readonly base: string;

  constructor(
    endpoint: string | URL,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {
    try {
      this.base = baseUrl(endpoint);
    } catch {
      throw new ProctorError(ErrorCode.INVALID_OPTION, `pairing endpoint is not a valid URL: ${String(endpoint)}.`);
    }
  }

  /** A new code; a request that goes unanswered (a dropped connection, a 5xx) is tried again for up to 20 s. */
  async create(): Promise<string> {
    const body = await this.retrying(
      () => this.request<{ code: string }>('POST', 'api/v1/pairings', {}, AbortSignal.timeout(SEND_TIMEOUT_MS)),
      Date.now() + CREATE_GIVE_UP_MS,
    );
    return checkCode(body.code);
  }

  join(code: string, role: PairingRole): PairingChannel {
    checkCode(code);
    const listeners = new Set<(m: SignalMessage) => void>();
    const controller = new AbortController();
    let after = 0;
    const path = `api/v1/pairings/${code}/messages`;
    // the poll in flight; renewed at once when a send gets through after failures (the link is
    // back: a poll made during the outage may sit on a dead connection until POLL_TIMEOUT_MS)
    let polling: AbortController | undefined;
    let renew = false;
    const renewPoll = () => {
      if (!polling || polling.signal.aborted) return;
      renew = true;
      polling.abort();
    };
    const poll = async () => {
      for (let failures = 0; !controller.signal.aborted;) {
        polling = new AbortController();
        try {
          const body = await this.request<{ messages: { seq: number; message: SignalMessage }[] }>(
            'GET',
            `${path}?for=${role}&after=${after}`,
            undefined,
            // the server holds a poll up to ~20 s: one that outlives that by far sits on a stalled link
            AbortSignal.any([controller.signal, polling.signal, AbortSignal.timeout(POLL_TIMEOUT_MS)]),
          );
          failures = 0;
          for (const m of body.messages) {
            after = Math.max(after, m.seq);
            for (const l of listeners) l(m.message);
          }
        } catch (error) {
          if (controller.signal.aborted) return;
          if (renew) {
            renew = false;
            continue;
          }
          // the other side said bye (the server closes the code on a bye: 410 pairing_closed):
          // deliver it as the bye it was, and stop polling
          if (error instanceof PairingTrouble && error.kind === 'closed') {
            for (const l of listeners) l({ type: 'bye' });
            return;
          }
          // a network blip or a refusal: back off and keep polling (the code expires server-side)
          // an abort ends the wait early; the loop's own check then stops it
          await delay(backoffDelay(failures++, RETRY_FIRST_MS, RETRY_MAX_MS), controller.signal).catch(() => undefined);
        }
      }
    };
    void poll();
    // Messages go out one at a time, in the order sent (an offer before its candidates), each
    // tried again after a failure or SEND_TIMEOUT_MS without an answer, with a back-off, for up to
    // SEND_GIVE_UP_MS; a refusal or a closed code ends it at once. A message sent again while the
    // same one still waits (the phone's resent offer) joins it: an outage costs one request at a
    // time, not one per copy. After close() what is queued is still tried once (the bye).
    const queue: { body: string; message: SignalMessage; giveUpAt: number; settled: Settle[] }[] = [];
    let pumping = false;
    const pump = async () => {
      if (pumping) return;
      pumping = true;
      while (queue.length) {
        const item = queue[0];
        let failed = false;
        try {
          await this.retrying(
            () =>
              this.request(
                'POST',
                path,
                { from: role, message: item.message },
                AbortSignal.timeout(SEND_TIMEOUT_MS),
              ).catch((error: unknown) => {
                failed = true;
                throw error;
              }),
            item.giveUpAt,
            controller.signal,
          );
          if (failed) renewPoll();
          for (const settle of item.settled) settle.resolve();
        } catch (error) {
          for (const settle of item.settled) settle.reject(error);
        }
        queue.shift();
      }
      pumping = false;
    };
    return {
      code,
      send: (message) =>
        new Promise<void>((resolve, reject) => {
          const body = JSON.stringify(message);
          const waiting = queue.find((item) => item.body === body);
          if (waiting) waiting.settled.push({ resolve, reject });
          else queue.push({ body, message, giveUpAt: Date.now() + SEND_GIVE_UP_MS, settled: [{ resolve, reject }] });
          void pump();
        }),
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close: () => {
        controller.abort();
        listeners.clear();
      },
    };
  }

  /**
   * `attempt()` until it succeeds; an `unreachable` failure is tried again after a back-off until
   * `giveUpAt` (ms since the epoch) or until `stop` aborts, then its error is thrown.
   */
  private async retrying<T>(attempt: () => Promise<T>, giveUpAt: number, stop?: AbortSignal): Promise<T> {
    for (let failures = 0; ; failures++) {
      try {
        return await attempt();
      } catch (error) {
        const again = error instanceof PairingTrouble && error.kind === 'unreachable';
        if (!again || stop?.aborted || Date.now() >= giveUpAt) throw error;
        await delay(Math.min(backoffDelay(failures, RETRY_FIRST_MS, RETRY_MAX_MS), giveUpAt - Date.now()), stop).catch(
          () => undefined,
        );
      }
    }
  }

  private async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await this.fetcher(new URL(path, this.base), {
        method,
        signal,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (signal?.aborted && signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError')
        throw new PairingTrouble('unreachable', `The pairing server did not answer ${method} ${path} in time.`);
      if (signal?.aborted) throw error;
      throw new PairingTrouble('unreachable', `The pairing server could not be reached: ${String(error)}`);
    }
    const data = (await response.json().catch(() => undefined)) as { code?: string; message?: string } | undefined;
    if (response.status === 410 && data?.code === 'pairing_closed')
      throw new PairingTrouble('closed', `The pairing was closed: the other side left (${method} ${path}).`);
    if (!response.ok) {
      const said = `HTTP ${response.status} ${data?.code ?? ''} ${data?.message ?? ''}`.trim();
      const { status } = response;
      if (status >= 500 || status === 408 || status === 429)
        throw new PairingTrouble('unreachable', `The pairing server could not take ${method} ${path} now: ${said}`);
      throw new ProctorError(ErrorCode.PAIRING_FAILED, `The pairing server refused ${method} ${path}: ${said}`);
    }
    return data as T;
  }
}
