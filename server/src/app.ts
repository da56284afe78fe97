/**
 * The reference results server on one Fastify instance: client ingest (used by the package's
 * HttpBackend), the reporting API, the admin API, speed-test endpoints, the demo exam page, the
 * reviewer dashboard and the OpenAPI document (/openapi.json) generated from the route schemas.
 * JSON schema on every route; every error is `{code, message}`.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import { AjvCompiler } from '@fastify/ajv-compiler';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { DatabaseUnavailableError, databaseFault, isConnectionError, seedQuotas, type Database } from './db.js';
import { HttpError, errorSchema } from './errors.js';
import { hashAttempt } from './ids.js';
import { DEFAULT_ABANDON_AFTER_MS, sweepAbandoned } from './abandon.js';
import { ingestRoutes } from './ingest.js';
import { attemptReportRoutes } from './attempt-report.js';
import { attemptRateLimiter } from './rate-limit.js';
import { reportingRoutes } from './reporting.js';
import { overflowInRequestLine } from './request-line.js';
import { adminRoutes } from './admin-routes.js';
import { pairingRoutes, type PairingOptions } from './pairing.js';
import { LoggingMailer, type Mailer } from './mailer.js';
import { SharedFailureLimiter } from './pairing-store.js';
import {
  FailureLimiter,
  LIMIT_ENV,
  CORS_HEADERS,
  baseHeaders,
  securityHeaders,
  pageCsp,
  refuseUnstorableText,
  resolveLimits,
  tightenSchema,
  type FailureCounter,
  type Limits,
} from './security.js';

export interface AppOptions {
  db: Database;
  /** Folder holding demo/, review/ and dist/ (the repository root); `staticFolders` sets each instead. */
  staticRoot?: string;
  /**
   * The folders served under /dist/ (the built proctor-elements package), /demo/ and /review/,
   * each on its own (main.ts: the installed package's dist and the server's own copy of the pages).
   */
  staticFolders?: { dist: string; demo: string; review: string; examples?: string };
  /** Serve the demo (/demo/*, /demo/credentials, `/` → the demo exam page). Default true; off in production. */
  demo?: boolean;
  /** Largest JSON body, e.g. an evidence batch (bytes). Default 2 MiB. */
  bodyLimit?: number;
  /** Largest photo (bytes). Default 512 KiB. */
  photoLimit?: number;
  /** Ingest requests allowed per attempt per second (burst: 3× that). Default 20. */
  ratePerSecond?: number;
  /** Outgoing email; default: one log line per message, nothing sent. */
  mailer?: Mailer;
  /** Enables POST /v1/installs for this token. */
  adminToken?: string;
  /**
   * pino level (`fatal` … `trace`, `silent`) of the structured JSON log on stdout; every line of a
   * request carries its `reqId`. Default `warn`: errors, 5xx and database outages only.
   */
  logLevel?: string;
  /** Where the log goes (default stdout): tests read it. */
  logStream?: { write(line: string): void };
  /** Mobile-pairing signalling (code lifetime, poll wait). */
  pairing?: PairingOptions;
  /**
   * Trust X-Forwarded-* from proxies: `true` (every hop), a hop count (the N nearest hops, whatever
   * their address: see `proxyTrust`), or the proxies' addresses/subnets, comma-separated. Default false.
   */
  trustProxy?: boolean | number | string;
  /** Serve HTTPS with this certificate chain and key (PEM) instead of plain HTTP. */
  https?: { cert: Buffer; key: Buffer };
  /**
   * The origin clients reach this server at (e.g. `https://proctor.example.org`, behind a proxy):
   * the OpenAPI document's server URL. Default: relative (`/`).
   */
  publicOrigin?: string;
  /** Failed-authentication limit and quotas (see security.ts). */
  limits?: Partial<Limits>;
  /** The failed-authentication counter; default in this process's memory (scale.ts shares one through PostgreSQL). */
  authFailures?: FailureCounter;
  /**
   * A started session with no word from its exam page for this long (ms) is closed as abandoned
   * (see abandon.ts). Default 24 h (`ABANDON_AFTER_HOURS`); 0 turns it off.
   */
  abandonAfterMs?: number;
  /**
   * How long `GET /healthz` waits for the database's answer before it answers 503
   * `database_unavailable` itself (ms). Default 3 000.
   */
  healthTimeoutMs?: number;
}

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const AJV = { removeAdditional: false, allErrors: false, allowUnionTypes: true, useDefaults: true } as const;

/**
 * The OpenAPI operationId of every documented route ("METHOD /path" as registered): generated
 * clients get these names. A documented route missing here fails at startup.
 */
const OPERATION_IDS: Record<string, string> = {
  'POST /api/v1/attempts': 'createAttempt',
  'POST /api/v1/attempts/:testAttemptId/evidence': 'appendEvidence',
  'PUT /api/v1/attempts/:testAttemptId/photos/:evidenceId': 'putEvidencePhoto',
  'POST /api/v1/attempts/:testAttemptId/finish': 'finishAttempt',
  'PUT /api/v1/attempts/:testAttemptId/status': 'setSessionStatus',
  'GET /api/v1/attempts/:testAttemptId/report': 'getAttemptReport',
  'GET /api/v1/attempts/:testAttemptId/photos/:evidenceId': 'getAttemptPhoto',
  'POST /api/v1/pairings': 'createPairing',
  'POST /api/v1/pairings/:code/messages': 'sendPairingMessage',
  'GET /api/v1/pairings/:code/messages': 'readPairingMessages',
  'GET /v1/me': 'getMe',
  'GET /v1/installs/:installSid/exams': 'listExams',
  'POST /v1/installs/:installSid/exams': 'createExam',
  'GET /v1/installs/:installSid/exams/:examSid': 'getExam',
  'PATCH /v1/installs/:installSid/exams/:examSid': 'updateExam',
  'GET /v1/installs/:installSid/exams/:examSid/sessions': 'listExamSessions',
  'POST /v1/installs/:installSid/exams/:examSid/sessions': 'registerCandidate',
  'GET /v1/installs/:installSid/exams/:examSid/sessions/:sessionSid': 'getExamSession',
  'PUT /v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/review': 'setReviewStatus',
  'GET /v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/events': 'listEventReports',
  'GET /v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/events/:eventReportSid': 'getEventReport',
  'GET /v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/events/:eventReportSid/photo':
    'getEventReportPhoto',
  'GET /v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/annotations': 'listAnnotations',
  'POST /v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/annotations': 'createAnnotation',
  'GET /v1/installs/:installSid/exams/:examSid/sessions/:sessionSid/annotations/:annotationSid': 'getAnnotation',
  'GET /v1/installs/:installSid/reports/examSessionEvents': 'sessionEventsReport',
  'GET /v1/installs/:installSid/examVolume': 'examVolume',
  'GET /v1/installs/:installSid/reports/examVolume': 'examVolumeAlias',
  'GET /v1/installs/:installSid/examsByWeek': 'examsByWeek',
  'GET /v1/installs/:installSid/reports/examsByWeek': 'examsByWeekAlias',
  'POST /v1/installs': 'createInstall',
  'POST /v1/installs/:installSid/exams/:examSid/close': 'closeExam',
  'POST /v1/installs/:installSid/clients': 'createClient',
  'POST /v1/installs/:installSid/tokens': 'createToken',
  'POST /v1/exams/:examSid/send_emails': 'sendEmails',
  'GET /api/bandwidth/download': 'bandwidthDownload',
  'POST /api/bandwidth/upload': 'bandwidthUpload',
  'GET /healthz': 'getHealth',
};
/**
 * Documented routes that take no credentials (security: []): attempt creation carries its HMAC in
 * the body, pairing is guarded by its short-lived code, the speed test is open. Any other route
 * without a security declaration fails at startup.
 */
const PUBLIC_ROUTES = new Set([
  'POST /api/v1/attempts',
  'POST /api/v1/pairings',
  'POST /api/v1/pairings/:code/messages',
  'GET /api/v1/pairings/:code/messages',
  'GET /api/bandwidth/download',
  'POST /api/bandwidth/upload',
  'GET /healthz',
]);

/** Documented routes that never query the database (no 503 `database_unavailable`). */
const WITHOUT_DATABASE = new Set(['GET /api/bandwidth/download', 'POST /api/bandwidth/upload']);

/**
 * The answers a route can give whatever its handler does, derived from the route itself, so the
 * OpenAPI document cannot omit them (server/test/openapi.test.ts provokes each): 400 (a bad path,
 * query or body; text no column holds; no `Host`), 414 and 431 (a URL or headers over the parser's
 * limit; a path parameter over MAX_PARAM_LENGTH), 413 and 415 with a body (too large, another
 * media type), 401, 403 and 429 with credentials (missing, refused, too many failures), 404 with
 * path parameters (nothing by that id), 503 with the database (unreachable; Retry-After).
 */
function generalAnswers(method: string, url: string, secured: boolean): Record<number, string> {
  const answers: Record<number, string> = {
    400: 'invalid_request: a malformed parameter or body, named in the message',
    414: 'uri_too_long: the URL is over 16 KiB, or a path parameter over 4 KiB',
    431: 'headers_too_large: the headers are over 16 KiB',
  };
  if (['POST', 'PUT', 'PATCH'].includes(method)) {
    answers[413] = "payload_too_large: the body is over the route's limit";
    answers[415] = 'unsupported_media_type: a body of a type the route does not take';
  }
  if (secured) {
    answers[401] = 'unauthenticated: no credentials';
    answers[403] = 'forbidden: the credentials are refused (or quota_exceeded)';
    answers[429] = 'rate_limited: too many requests or failed authentications (Retry-After)';
  }
  if (url.includes('/:')) answers[404] = 'not_found (or unknown_…): nothing by that id';
  if (!WITHOUT_DATABASE.has(`${method} ${url}`))
    answers[503] = 'database_unavailable: the database is unreachable; retry after Retry-After seconds';
  return answers;
}

/** Longest path parameter, as sent (percent-encoded); longer ones answer 414 `uri_too_long`. */
export const MAX_PARAM_LENGTH = 4096;

/** `{code, message}` for a failure of the request itself (URL, headers), before any route runs. */
const FRAMEWORK_CODES: Record<string, [number, string]> = {
  FST_ERR_MAX_PARAM_LENGTH: [414, 'uri_too_long'],
  FST_ERR_BAD_URL: [400, 'invalid_request'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'invalid_request'],
};

const PARAM_TOO_LONG = `url: a path parameter is longer than ${MAX_PARAM_LENGTH} characters (percent-encoded).`;

/**
 * The 414 a path segment over MAX_PARAM_LENGTH gets wherever the router did not refuse it itself
 * (a path no route has, or a GET that falls through to the static files): the same answer as a
 * route's over-long parameter, never a 404 quoting kilobytes of path.
 */
function segmentTooLong(url: string): HttpError | undefined {
  const path = url.split('?')[0];
  return path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)
    ? new HttpError(414, 'uri_too_long', PARAM_TOO_LONG)
    : undefined;
}

/** A path as a 404 quotes it: at most its first 200 characters. */
const quotedPath = (path: string) => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

/** A client's `x-request-id`, for the log only: at most 100 characters, anything but [A-Za-z0-9_.:/+=@-] as `_`. */
export function clientRequestIdOf(given: string | string[] | undefined): string | undefined {
  const value = Array.isArray(given) ? given[0] : given;
  return value ? value.slice(0, 100).replace(/[^\w.:/+=@-]/g, '_') : undefined;
}

/**
 * The query string, as WHATWG URLSearchParams reads it (`+` is a space), with a repeated name as an
 * array, and the bracket forms that axios, qs and PHP clients send for arrays (`status[]=Closed`,
 * `status[0]=Closed`) read as the plain name: a filter sent that way is applied, never silently
 * dropped as an unknown parameter.
 */
export function parseQuery(query: string): Record<string, string | string[]> {
  // a Map, then own properties: a name like __proto__ stays a plain key
  const parsed = new Map<string, string | string[]>();
  for (const [key, value] of new URLSearchParams(query)) {
    const name = /^(.+?)\[\d*\]$/.exec(key)?.[1] ?? key;
    const had = parsed.get(name);
    parsed.set(name, had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value]);
  }
  return Object.fromEntries(parsed);
}

/**
 * Our trustProxy as Fastify 5 honours it. A hop count N becomes "trust the N nearest hops" (the
 * connection's peer and the N - 1 last X-Forwarded-For entries; the client is the N-th entry from the
 * right): Fastify 5 takes a bare number as trusting no proxy at all ("fail closed"), which left
 * every candidate behind the proxy with the proxy's address. A hop count trusts whoever connects, so
 * the server's port must be reachable only through the proxy; addresses are checked instead.
 * `true`, `false` and address lists pass through unchanged.
 */
export function proxyTrust(
  value: boolean | number | string,
): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof value !== 'number') return value;
  if (value <= 0) return false;
  return (_address, hop) => hop < value;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, bodyLimit = 2 * 1024 * 1024, photoLimit = 512 * 1024, ratePerSecond = 20 } = options;
  const demo = options.demo ?? true;
  const limits = resolveLimits(options.limits);
  // browsers keep to HTTPS for this host once they have reached it over HTTPS
  const hsts = Boolean(options.https) || Boolean(options.publicOrigin?.startsWith('https:'));
  // the instance's type is an HTTP server's; with `https` it is an HTTPS server, which routes alike
  const app = Fastify({
    // requireHostHeader: our onRequest hook answers a missing Host with the usual headers
    ...(options.https
      ? { https: { ...options.https, requireHostHeader: false } }
      : { http: { requireHostHeader: false } }),
    bodyLimit,
    // our onRequest hook answers requests that arrive while closing (503 shutting_down, with
    // Retry-After and the headers every answer carries); Fastify's own 503 has neither
    return503OnClosing: false,
    // a path parameter may be a testAttemptId of 200 characters (checked by the route schemas),
    // percent-encoded: up to 4 UTF-8 bytes × 3 characters each = 2400 (Fastify's default is 100)
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, querystringParser: parseQuery },
    logger: {
      level: options.logLevel ?? 'warn',
      ...(options.logStream ? { stream: options.logStream } : {}),
      // the pagehide beacon carries the attempt's HMAC in its query (`hash=`): never into the log
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: req.url.replace(/([?&]hash=)[^&]*/g, '$1[redacted]'),
          remoteAddress: req.ip,
        }),
      },
    },
    // our own id for every request (answered as x-request-id): a client's or proxy's id is not
    // unique and not ours to trust; it goes into the request's log lines as `clientRequestId`
    genReqId: () => randomUUID(),
    childLoggerFactory: (logger, bindings, childOptions, rawReq) => {
      const clientRequestId = clientRequestIdOf(rawReq.headers['x-request-id']);
      return logger.child(clientRequestId ? { ...bindings, clientRequestId } : bindings, childOptions);
    },
    trustProxy: proxyTrust(options.trustProxy ?? false),
    // a URL the router cannot take (a path parameter over MAX_PARAM_LENGTH, bad percent-encoding)
    frameworkErrors: (error, request, reply) => {
      const [status, code] = FRAMEWORK_CODES[error.code] ?? [400, 'invalid_request'];
      const message =
        error.code === 'FST_ERR_BAD_URL'
          ? 'url: the path is not valid percent-encoded UTF-8.'
          : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? PARAM_TOO_LONG
            : error.message;
      baseHeaders(request, reply, hsts);
      void reply.headers(CORS_HEADERS);
      void (reply as FastifyReply).status(status).send({ code, message });
    },
    // errors of the HTTP parser (headers over 16 KiB, a malformed request line): no request object yet
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return socket.destroy();
      const [status, code, message] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? overflowInRequestLine(error)
            ? [414, 'uri_too_long', 'The URL is longer than 16 KiB; send long filters in fewer, shorter parameters.']
            : [431, 'headers_too_large', 'The request headers are larger than 16 KiB.']
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'request_timeout', 'The request took too long to arrive.']
            : [400, 'invalid_request', 'The request is not valid HTTP.'];
      const body = JSON.stringify({ code, message });
      // the headers every answer carries (security.ts), though no request object exists
      const headers = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'x-request-id': randomUUID(),
        ...securityHeaders(hsts),
        ...CORS_HEADERS,
        connection: 'close',
      };
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          Object.entries(headers)
            .map(([name, value]) => `${name}: ${value}\r\n`)
            .join('') +
          `\r\n${body}`,
      );
    },
  });
  // JSON bodies: a parse error says where, and a `__proto__` key (or `constructor.prototype`), which
  // Fastify refuses as prototype poisoning, is named as such instead of "not valid JSON"
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (!text.trim())
      return done(new HttpError(400, 'invalid_request', 'body: empty, but content-type is application/json.'));
    let poisoned: string | undefined;
    try {
      const value: unknown = JSON.parse(
        text,
        // only bodies that mention the names pay for the reviver
        /__proto__|constructor/.test(text)
          ? (key, item: unknown) => {
              if (
                key === '__proto__' ||
                (key === 'constructor' && typeof item === 'object' && item !== null && 'prototype' in item)
              )
                poisoned ??= key === '__proto__' ? '__proto__' : 'constructor.prototype';
              return item;
            }
          : undefined,
      );
      if (poisoned)
        return done(
          new HttpError(
            400,
            'invalid_request',
            `body: a key named ${poisoned} is not accepted anywhere in a body (it could alter objects' prototypes).`,
          ),
        );
      done(null, value);
    } catch (error) {
      done(new HttpError(400, 'invalid_request', `body is not valid JSON: ${(error as Error).message.slice(0, 200)}`));
    }
  });
  // strict bodies and path parameters: unknown properties are rejected (not dropped), types are not
  // coerced. Query strings are text by nature: their integers and booleans are coerced, and a
  // parameter that may repeat (sortKeys) is always an array.
  const compilers = AjvCompiler();
  const strict = compilers({}, { customOptions: { ...AJV, coerceTypes: false } });
  const query = compilers({}, { customOptions: { ...AJV, coerceTypes: 'array' } });
  app.setValidatorCompiler((route) => (route.httpPart === 'querystring' ? query : strict)(route));
  // SmarterProctoring's clients pass some parameters empty (offset on the first call): empty = absent
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.method !== 'GET' || !request.query || typeof request.query !== 'object') return done();
    const q = request.query as Record<string, unknown>;
    for (const [k, v] of Object.entries(q)) {
      if (v === '') delete q[k];
      else if (Array.isArray(v)) {
        const kept = v.filter((x) => x !== '');
        if (kept.length) q[k] = kept;
        else delete q[k];
      }
    }
    done();
  });
  // the quotas' table is shared and authoritative: this instance seeds what it lacks, and a value
  // set for this instance that differs from the table's is reported, not written (see seedQuotas)
  const quotas = {
    photosPerAttempt: 'photos_per_attempt',
    photoBytesPerAttempt: 'photo_bytes_per_attempt',
    attemptsPerClient: 'attempts_per_client',
  } as const;
  const stored = await seedQuotas(
    db,
    Object.fromEntries(Object.entries(quotas).map(([key, name]) => [name, limits[key as keyof typeof quotas]])),
  );
  for (const [key, name] of Object.entries(quotas) as [keyof typeof quotas, string][]) {
    const given = options.limits?.[key];
    if (given !== undefined && stored[name] !== undefined && stored[name] !== given)
      app.log.warn(
        { variable: LIMIT_ENV[key], instance: given, database: stored[name] },
        `the database's quota applies to every instance, not this instance's setting: change it with proctor-elements-admin quota set`,
      );
  }
  // a short typed line: pg's error carries its client (pg-pool sets `error.client`), whose fields
  // include the backend's cancel key, so the error object itself never goes into the log
  db.onBackgroundError = (error) =>
    app.log.error({ database: databaseFault(error) }, 'database connection lost (the pool replaces it)');

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    // an error of any path, a mistyped one included, is readable by a page on another origin
    void reply.headers(CORS_HEADERS);
    if (error instanceof HttpError) {
      if (error.code === 'unauthenticated' || error.code === 'forbidden') {
        // an address that keeps failing authentication gets 429 for the rest of its minute, but only
        // for requests that fail it too: valid credentials from that address (a class behind one
        // campus NAT address) are never refused
        const wait = await Promise.resolve(authFailures.blockedFor(request.ip)).catch(() => 0);
        if (wait)
          return reply
            .status(429)
            .header('retry-after', String(Math.ceil(wait / 1000)))
            .send({ code: 'rate_limited', message: 'Too many failed authentications from this address; retry later.' });
        await authFailures.failed(request.ip);
      }
      if (error.retryAfterSeconds) void reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.status(error.statusCode).send({ code: error.code, message: error.message });
    }
    if (error.validation) {
      // Ajv names the path; an unknown property is named too (Ajv keeps it in params)
      const unknown = error.validation[0]?.params?.additionalProperty;
      const message = typeof unknown === 'string' ? `${error.message}: "${unknown.slice(0, 100)}"` : error.message;
      return reply.status(400).send({ code: 'invalid_request', message });
    }
    // the client went away mid-body (Node's IncomingMessage: ECONNRESET "aborted"): no database fault,
    // and nobody to answer
    if (error.code === 'ECONNRESET' && error.message === 'aborted' && request.raw.destroyed) {
      request.log.info('the client closed the request before its body arrived');
      return reply
        .status(400)
        .send({ code: 'request_aborted', message: 'The request was closed before its body arrived.' });
    }
    if (error instanceof DatabaseUnavailableError || isConnectionError(error)) {
      request.log.warn(
        { database: databaseFault((error as { cause?: unknown }).cause ?? error) },
        'database unavailable',
      );
      return reply
        .status(503)
        .header('retry-after', '2')
        .send({ code: 'database_unavailable', message: 'The database is unavailable; retry in a few seconds.' });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? bodyLimit;
      return reply
        .status(413)
        .send({ code: 'payload_too_large', message: `The body is larger than this route's limit of ${limit} bytes.` });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.status(415).send({ code: 'unsupported_media_type', message: error.message });
    if (error.statusCode && error.statusCode < 500)
      return reply.status(error.statusCode).send({ code: 'invalid_request', message: error.message });
    const sqlstate = (error as { code?: unknown }).code;
    // a quota of security.ts's Limits, enforced by the database (see the quota migration)
    if (sqlstate === 'AP403') return reply.status(403).send({ code: 'quota_exceeded', message: error.message });
    // a value PostgreSQL cannot hold that a route schema let through (class 22: data exception)
    if (typeof sqlstate === 'string' && /^22[0-9A-Z]{3}$/.test(sqlstate)) {
      request.log.warn({ err: error }, 'a value the database refused reached SQL: tighten the route schema');
      return reply
        .status(400)
        .send({ code: 'invalid_request', message: `A value is out of the database's range: ${error.message}` });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .send({ code: 'internal_error', message: 'The server failed; the request can be retried.' });
  });
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { hide?: boolean; operationId?: string; security?: unknown[] } | undefined;
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
    if (!schema || schema.hide || method === 'HEAD' || method === 'OPTIONS') return;
    const key = `${method} ${route.url}`;
    const operationId = OPERATION_IDS[key];
    if (!operationId) throw new Error(`${key} has no operationId in OPERATION_IDS.`);
    schema.operationId ??= operationId;
    if (!schema.security) {
      if (!PUBLIC_ROUTES.has(key)) throw new Error(`${key} declares no security and is not a public route.`);
      schema.security = [];
    }
    const responses = ((schema as { response?: Record<string, unknown> }).response ??= {});
    for (const [status, description] of Object.entries(generalAnswers(method, route.url, schema.security.length > 0)))
      responses[status] ??= { ...errorSchema, description };
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.headers(CORS_HEADERS);
    const tooLong = segmentTooLong(request.url);
    if (tooLong) return reply.status(tooLong.statusCode).send({ code: tooLong.code, message: tooLong.message });
    return reply
      .status(404)
      .send({ code: 'not_found', message: `No route ${request.method} ${quotedPath(request.url.split('?')[0])}.` });
  });

  // on PostgreSQL the counter is shared by every instance
  const authFailures: FailureCounter =
    options.authFailures ??
    (db.kind === 'postgres'
      ? new SharedFailureLimiter(db, limits.authFailuresPerMinute, (error) =>
          app.log.warn({ err: error }, 'could not count a failed authentication'),
        )
      : new FailureLimiter(limits.authFailuresPerMinute));
  // set once app.close() begins (SIGTERM): requests that still arrive on open connections are sent
  // elsewhere (another instance, or this one once restarted)
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', async (request, reply) => {
    baseHeaders(request, reply, hsts);
    if (closing) {
      void reply.header('connection', 'close');
      throw new HttpError(
        503,
        'shutting_down',
        'This server is shutting down; retry shortly (another instance, or this one once restarted, will answer).',
        2,
      );
    }
    // HTTP/1.1 requires Host (RFC 9112 §3.2); Node's own check (requireHostHeader, off above) would
    // answer a bare 400 without these headers
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined)
      throw new HttpError(400, 'invalid_request', 'headers: Host is required in HTTP/1.1.');
  });
  app.addHook('preValidation', refuseUnstorableText);
  app.addHook('onRoute', tightenSchema);
  app.addHook('onClose', (_instance, done) => {
    authFailures.stop();
    done();
  });
  // CORS preflights of any path succeed (an unknown path then answers its 404 with CORS)
  app.options('/*', { schema: { hide: true } }, async (_request, reply) => reply.status(204).send());

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'proctor-elements reference results server',
        version: PACKAGE_VERSION,
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
        description:
          'Ingest (exam pages, HMAC-checked), reporting (SmarterProctoring shape, `token` header), admin. Every error is {code, message}.',
      },
      servers: [
        options.publicOrigin
          ? { url: options.publicOrigin, description: 'this server (PUBLIC_ORIGIN)' }
          : { url: '/', description: 'this server (the document is served from its root)' },
      ],
      tags: [
        { name: 'ingest', description: 'Called by the package (HttpBackend) from the exam page' },
        { name: 'reporting', description: 'Sessions, event reports, annotations, review' },
        { name: 'reports', description: 'Install-wide reports' },
        { name: 'admin', description: 'Installs, exams, clients, tokens, candidates' },
        { name: 'speed test', description: "The requirements check's bandwidth endpoints" },
        { name: 'pairing', description: 'Mobile check: WebRTC signalling under a short-lived code' },
        { name: 'health', description: "The load balancer's probe" },
      ],
      components: {
        securitySchemes: {
          token: { type: 'apiKey', in: 'header', name: 'token' },
          clientId: { type: 'apiKey', in: 'header', name: 'x-ap-client-id' },
          attemptHash: { type: 'apiKey', in: 'header', name: 'x-ap-attempt-hash' },
          clientIdQuery: {
            type: 'apiKey',
            in: 'query',
            name: 'clientId',
            description: 'x-ap-client-id in the query: for navigator.sendBeacon, which can set no headers',
          },
          attemptHashQuery: {
            type: 'apiKey',
            in: 'query',
            name: 'hash',
            description: 'x-ap-attempt-hash in the query: for navigator.sendBeacon, which can set no headers',
          },
        },
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  // a deadline of its own: a silent database link (packets dropped, nothing refused) must not hang
  // the load balancer's probe until the query timeout
  const healthTimeoutMs = options.healthTimeoutMs ?? 3000;
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: "The load balancer's probe: 200 when the database answers within the deadline",
        description: `503 \`database_unavailable\` (with Retry-After) when the database does not answer within ${healthTimeoutMs} ms. No credentials; never cached.`,
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['status', 'database'],
            properties: {
              status: { type: 'string', enum: ['ok'] },
              database: { type: 'string', enum: ['pglite', 'postgres'] },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new DatabaseUnavailableError(new Error(`no answer within ${healthTimeoutMs} ms`))),
          healthTimeoutMs,
        );
      });
      try {
        await Promise.race([db.query('select 1'), deadline]);
      } finally {
        clearTimeout(timer);
      }
      return reply.header('cache-control', 'no-store').send({ status: 'ok', database: db.kind });
    },
  );

  const limiter = attemptRateLimiter(db, ratePerSecond);
  ingestRoutes(app, { db, ratePerSecond, photoLimit, limiter });
  attemptReportRoutes(app, { db, limiter });
  let stopSweep = () => Promise.resolve();
  app.addHook('onReady', (done) => {
    stopSweep = sweepAbandoned(db, options.abandonAfterMs ?? DEFAULT_ABANDON_AFTER_MS, (error) =>
      app.log.error({ err: error }, 'closing abandoned sessions failed'),
    );
    done();
  });
  app.addHook('onClose', () => stopSweep());
  await pairingRoutes(app, options.pairing, db);
  reportingRoutes(app, { db, version: PACKAGE_VERSION });
  adminRoutes(app, {
    db,
    mailer: options.mailer ?? new LoggingMailer((fields, msg) => app.log.info(fields, msg)),
    adminToken: options.adminToken,
  });

  // --- speed test --------------------------------------------------------------------------------
  app.get<{ Querystring: { bytes: string } }>(
    '/api/bandwidth/download',
    // query values are strings (types are not coerced): at most 50 000 000 bytes
    {
      schema: {
        tags: ['speed test'],
        summary: 'N random bytes, uncached and not to be transformed',
        response: {
          200: {
            description: 'N random (incompressible) bytes',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          400: errorSchema,
        },
        querystring: {
          type: 'object',
          required: ['bytes'],
          properties: { bytes: { type: 'string', pattern: '^(0|[1-9][0-9]{0,6}|[1-4][0-9]{7}|50000000)$' } },
        },
      },
    },
    async (request, reply) =>
      reply
        // no-transform: a proxy must not compress it (RFC 9111 5.2.2.6), which would time the link wrong
        .header('cache-control', 'no-store, no-transform')
        .type('application/octet-stream')
        .send(speedTestBody(Number(request.query.bytes))),
  );
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );
  app.post(
    '/api/bandwidth/upload',
    {
      schema: {
        tags: ['speed test'],
        summary: 'Counts the bytes received',
        response: {
          200: { type: 'object', properties: { received: { type: 'integer' } } },
          413: errorSchema,
          415: errorSchema,
        },
      },
    },
    (request, reply) => {
      void reply.send({ received: (request.body as Buffer | undefined)?.length ?? 0 });
    },
  );

  // --- the demo: what an integrator's own backend would do to hand out attempt credentials -------
  if (demo)
    app.get('/demo/credentials', { schema: { hide: true } }, async () => {
      const [client] = await db.query<{ secret: string }>("select secret from clients where client_id = 'demo-client'");
      if (!client) throw new HttpError(404, 'not_found', 'No demo client is seeded.');
      const testAttemptId = `demo-${randomUUID()}`;
      return { clientId: 'demo-client', testAttemptId, hashedTestAttemptId: hashAttempt(client.secret, testAttemptId) };
    });

  // --- static files: the demo page, the reviewer dashboard and the built package ------------------
  const folders =
    options.staticFolders ??
    (options.staticRoot
      ? {
          dist: join(options.staticRoot, 'dist'),
          demo: join(options.staticRoot, 'demo'),
          review: join(options.staticRoot, 'review'),
          examples: join(options.staticRoot, 'examples'),
        }
      : undefined);
  if (folders) {
    const types: Record<string, string> = {
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
    };
    const mounts: Record<string, string> = {
      '/dist/': folders.dist,
      '/demo/': folders.demo,
      '/review/': folders.review,
      // the integration examples (npm run examples): from a development checkout, with the demo only, like it
      ...(folders.examples ? { '/examples/': folders.examples } : {}),
    };
    // without the demo, only the phone page (the mobile check's second camera) is served from demo/
    const PHONE_PAGE = new Set(['/demo/phone.html', '/demo/phone.js']);
    const notFound = (path: string) => new HttpError(404, 'not_found', `No file ${quotedPath(path)}.`);
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const tooLong = segmentTooLong(request.url);
      if (tooLong) throw tooLong;
      const raw = request.url.split('?')[0];
      let path: string;
      try {
        path = decodeURIComponent(raw);
      } catch {
        throw new HttpError(400, 'invalid_request', 'url: the path is not valid percent-encoding.');
      }
      const url =
        path === '/' && demo
          ? '/demo/index.html'
          : path === '/' || path === '/review' || path === '/review/'
            ? '/review/index.html'
            : /^\/examples\/(html|react|vue)\/?$/.test(path)
              ? `${path.replace(/\/$/, '')}/index.html`
              : path === '/examples' || path === '/examples/'
                ? '/examples/index.html'
                : path;
      const mount = Object.keys(mounts).find((m) => url.startsWith(m));
      if (!mount || (mount === '/demo/' && !demo && !PHONE_PAGE.has(url)) || (mount === '/examples/' && !demo))
        throw notFound(path);
      // a file inside the mounted folder only: `/demo/..%2fdemo-x` resolves beside it and is refused
      const base = join(mounts[mount], sep);
      const file = normalize(join(base, url.slice(mount.length)));
      if (!file.startsWith(base) || file.includes('\0')) throw notFound(path);
      try {
        if (!statSync(file).isFile()) throw new Error('not a file');
      } catch {
        throw notFound(path);
      }
      const ext = extname(file);
      // a script's CSP would become its worker's (the face detector's): only pages get one
      if (ext !== '.html') void reply.removeHeader('content-security-policy');
      // HTML pages get the pages' CSP; the demo exam page may be framed by its own site only
      if (ext === '.html')
        void reply.header(
          'content-security-policy',
          pageCsp(mount === '/demo/' || mount === '/examples/' ? "'self'" : "'none'", url.startsWith('/examples/vue/')),
        );
      if (ext === '.html' && mount === '/demo/') void reply.header('x-frame-options', 'SAMEORIGIN');
      // the package's files (scripts, the detector's worker, model and lazy parts) may be the asset
      // base of an exam site on another origin: module scripts and workers load only with CORS
      if (mount === '/dist/') void reply.headers(CORS_HEADERS);
      return reply.type(types[ext] ?? 'application/octet-stream').send(createReadStream(file));
    });
  }
  return app;
}

/** Random bytes made once for the speed test's downloads (8 MB: twice the default 2 MB and more). */
let speedTestBlock: Buffer | undefined;

/**
 * `bytes` random bytes: a body no compression along the way can shrink (zero bytes, gzipped by a
 * proxy or a CDN, made a slow link read as fast). Up to 8 MB one slice of a block made once; above,
 * that block streamed again until `bytes` (the route allows 50 MB).
 */
function speedTestBody(bytes: number): Buffer | Readable {
  const block = (speedTestBlock ??= randomBytes(8 * 1024 * 1024));
  if (bytes <= block.length) return block.subarray(0, bytes);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < bytes; sent += block.length)
        yield block.subarray(0, Math.min(block.length, bytes - sent));
    })(),
  );
}
