/**
 * Cross-cutting protections of the server, applied to every route by app.ts: response headers
 * (CORS for the APIs, CSP, nosniff, referrer policy, request id), input that no database column
 * can hold (NUL characters, unpaired surrogates, integers outside PostgreSQL's `integer`),
 * the failed-authentication limit per address, and the limits' configuration.
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { HttpError } from './errors.js';
import { SettingError, shown } from './settings.js';

export interface Limits {
  /** Failed authentications (401/403) one address may make per minute before it gets 429. Default 60. */
  authFailuresPerMinute: number;
  /** Photos one attempt may store. Default 1 000. */
  photosPerAttempt: number;
  /** Bytes of photos one attempt may store. Default 100 MiB. */
  photoBytesPerAttempt: number;
  /** Attempts (sessions) one client may create. Default 100 000. */
  attemptsPerClient: number;
}

const DEFAULTS: Limits = {
  authFailuresPerMinute: 60,
  photosPerAttempt: 1000,
  photoBytesPerAttempt: 100 * 1024 * 1024,
  attemptsPerClient: 100_000,
};

/** The environment variable of each limit (documented in the README's configuration table). */
export const LIMIT_ENV: Record<keyof Limits, string> = {
  authFailuresPerMinute: 'AUTH_FAILURES_PER_MINUTE',
  photosPerAttempt: 'PHOTOS_PER_ATTEMPT',
  photoBytesPerAttempt: 'PHOTO_BYTES_PER_ATTEMPT',
  attemptsPerClient: 'ATTEMPTS_PER_CLIENT',
};

export function resolveLimits(given: Partial<Limits> = {}): Limits {
  return { ...DEFAULTS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

/** Limits from the environment (positive integers; anything else is a startup error naming the variable). */
export function limitsFromEnv(env: Record<string, string | undefined>): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const [key, name] of Object.entries(LIMIT_ENV) as [keyof Limits, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (!/^[1-9][0-9]{0,14}$/.test(raw))
      throw new SettingError(name, `${name} must be a positive whole number, not ${shown(raw)}.`);
    out[key] = Number(raw);
  }
  return out;
}

/**
 * Counts failed authentications per address in one-minute windows. In memory here; with several
 * instances on PostgreSQL, app.ts uses the shared counter of scale.ts instead.
 */
export interface FailureCounter {
  /** Records a failure of `address` (never rejects). */
  failed(address: string): Promise<void> | void;
  /** Milliseconds `address` must wait, or 0 when it may try. */
  blockedFor(address: string): Promise<number> | number;
  stop(): void;
}

export class FailureLimiter implements FailureCounter {
  private readonly windows = new Map<string, { count: number; since: number }>();
  private readonly sweep: NodeJS.Timeout;
  constructor(private readonly perMinute: number) {
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const [k, w] of this.windows) if (now - w.since >= 60_000) this.windows.delete(k);
    }, 30_000);
    this.sweep.unref();
  }
  failed(address: string) {
    const now = Date.now();
    const w = this.windows.get(address);
    if (!w || now - w.since >= 60_000) this.windows.set(address, { count: 1, since: now });
    else w.count++;
    // a flood of distinct addresses cannot grow the map without bound
    if (this.windows.size > 100_000) this.windows.delete(this.windows.keys().next().value as string);
  }
  blockedFor(address: string) {
    const w = this.windows.get(address);
    if (!w || w.count < this.perMinute) return 0;
    return Math.max(0, w.since + 60_000 - Date.now());
  }
  stop() {
    clearInterval(this.sweep);
  }
}

// --- response headers ------------------------------------------------------------------------------

/** The APIs', errors' and data's policy: nothing may load, nothing may frame. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
/**
 * The pages' policy (demo, phone, reviewer dashboard): scripts, workers, wasm and the face model from
 * this origin only; camera and screen streams as blob:/mediastream:; photos as blob:/data:.
 * `frameAncestors`: 'self' for the demo (an exam page may sit in a frame of its own site), 'none' elsewhere.
 */
export const pageCsp = (frameAncestors: "'self'" | "'none'", evalForTemplates = false) =>
  [
    "default-src 'self'",
    // evalForTemplates: the Vue example compiles its in-DOM template at run time (new Function)
    `script-src 'self' 'wasm-unsafe-eval'${evalForTemplates ? " 'unsafe-eval'" : ''}`,
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');

const API_PREFIXES = ['/api/', '/v1/'];

/**
 * The security headers of every answer, by name (lower case): nosniff, referrer policy, the APIs'
 * CSP, no framing, and HSTS when `hsts`. Pages replace the CSP with `pageCsp`. Also written by
 * app.ts's clientErrorHandler, on answers the HTTP parser fails before any request exists.
 */
export function securityHeaders(hsts = false): Record<string, string> {
  return {
    // with TLS on or an https PUBLIC_ORIGIN: one year, this host only (no includeSubDomains, no preload)
    ...(hsts ? { 'strict-transport-security': 'max-age=31536000' } : {}),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': API_CSP,
    'x-frame-options': 'DENY',
  };
}

/**
 * CORS of the APIs (lower-case names). The ingest API is called from exam pages on other origins;
 * the reporting API may be called from a reviewer page on another origin (a header token, no
 * cookies: CORS adds no risk). Errors and preflights of any path carry them too, so a browser
 * integrator who mistypes a path sees the 404 rather than a CORS failure.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type, token, x-ap-client-id, x-ap-attempt-hash',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, OPTIONS',
  'access-control-expose-headers': 'retry-after, x-request-id',
  'access-control-max-age': '600',
};

/**
 * Headers of every response: request id and `securityHeaders`; CORS on the APIs and on every
 * preflight (OPTIONS). Error answers add CORS themselves (app.ts), whatever the path.
 */
export function baseHeaders(request: FastifyRequest, reply: FastifyReply, hsts = false) {
  void reply.header('x-request-id', request.id);
  void reply.headers(securityHeaders(hsts));
  if (request.method === 'OPTIONS' || API_PREFIXES.some((p) => request.url.startsWith(p)))
    void reply.headers(CORS_HEADERS);
}

// --- input no column can hold ------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex -- NUL is what it looks for
const NUL = /\u0000/;
/** An ISO date in year 0000 or with an expanded (±YYYYYY) year: valid ISO 8601, out of PostgreSQL's and our range. */
const OUT_OF_RANGE_DATE = /^(?:[+-]\d{6}|0000)-\d\d-\d\d(?:T|$)/;
/** A date-time with a UTC offset, e.g. `9999-12-31T23:59:59-05:00` (10000-01-01 in UTC, as it is stored and answered). */
const OFFSET_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$/i;
/** Whether `text` is a date-time whose instant in UTC falls outside the years 0001–9999. */
function outsideYearsInUtc(text: string) {
  if (!OFFSET_DATE_TIME.test(text)) return false;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year < 1 || year > 9999;
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (value or key) in `value` that PostgreSQL's text cannot hold, and why. */
function badText(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') {
    if (NUL.test(value)) return `${path} contains a NUL character, which text cannot hold.`;
    if (LONE_SURROGATE.test(value)) return `${path} contains an unpaired UTF-16 surrogate, which is not a character.`;
    if (OUT_OF_RANGE_DATE.test(value))
      return `${path} is a date outside the years 0001–9999, which the database cannot hold.`;
    if (outsideYearsInUtc(value))
      return `${path} is a date outside the years 0001–9999 once shifted to UTC (as it is stored and answered).`;
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value) || depth > 20) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = badText(key, `${path} key "${key.replace(/[^\x20-\x7e]/g, '?')}"`, depth + 1);
    if (keyProblem) return keyProblem;
    const problem = badText(item, `${path}/${key}`, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** Refuses, with a 400 naming the field, params, query and body strings no database column can hold. */
export function refuseUnstorableText(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) {
  const problem =
    badText(request.params, 'params') ?? badText(request.query, 'querystring') ?? badText(request.body, 'body');
  done(problem ? new HttpError(400, 'invalid_request', problem) : undefined);
}

const INT4 = 2_147_483_647;
// the largest time a JavaScript Date holds (ms since 1970); PostgreSQL's timestamptz holds more
const DATE_MS = 8_640_000_000_000_000;

/** Bounds every `integer` to PostgreSQL's `integer` and every `number` to a Date's range, unless the route set them. */
function bound(schema: unknown, depth = 0): void {
  if (typeof schema !== 'object' || schema === null || depth > 30) return;
  const s = schema as Record<string, unknown>;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('integer')) {
    s.maximum ??= INT4;
    s.minimum ??= -INT4 - 1;
  } else if (types.includes('number')) {
    s.maximum ??= DATE_MS;
    s.minimum ??= -DATE_MS;
  }
  for (const value of Object.values(s)) {
    if (Array.isArray(value)) for (const item of value) bound(item, depth + 1);
    else bound(value, depth + 1);
  }
}

/** onRoute hook: bounds the numbers of every route's body, query and params schema (see `bound`). */
export function tightenSchema(route: RouteOptions) {
  const schema = route.schema as Record<string, unknown> | undefined;
  if (!schema) return;
  for (const part of ['body', 'querystring', 'params']) bound(schema[part]);
}
