/**
 * The reference results server on one Fastify instance: client ingest (used by the package's
 * HttpBackend), the reporting API, the admin API, speed-test endpoints, the demo exam page, the
 * reviewer dashboard and the OpenAPI document (/openapi.json) generated from the route schemas.
 * JSON schema on every route; every error is `{code, message}`.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Database } from './db.js';
import { HttpError } from './errors.js';
import { hashAttempt } from './ids.js';
import { ingestRoutes } from './ingest.js';
import { reportingRoutes } from './reporting.js';
import { adminRoutes } from './admin-routes.js';
import { pairingRoutes, type PairingOptions } from './pairing.js';
import { LoggingMailer, type Mailer } from './mailer.js';

export interface AppOptions {
  db: Database;
  /** Folder holding demo/, review/ and dist/ (the repository root). */
  staticRoot?: string;
  /** Largest JSON body, e.g. an evidence batch (bytes). Default 2 MiB. */
  bodyLimit?: number;
  /** Largest photo (bytes). Default 512 KiB. */
  photoLimit?: number;
  /** Ingest requests allowed per attempt per second (burst: 3× that). Default 20. */
  ratePerSecond?: number;
  /** Outgoing email; default: log and suppress. */
  mailer?: Mailer;
  /** Enables POST /v1/installs for this token. */
  adminToken?: string;
  /** Fastify's logger (default off). */
  logger?: boolean;
  /** Mobile-pairing signalling (code lifetime, poll wait). */
  pairing?: PairingOptions;
}

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Longest path parameter, as sent (percent-encoded); longer ones answer 414 `uri_too_long`. */
export const MAX_PARAM_LENGTH = 4096;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, bodyLimit = 2 * 1024 * 1024, photoLimit = 512 * 1024, ratePerSecond = 20 } = options;
  const app = Fastify({
    bodyLimit,
    // a path parameter may be a testAttemptId of 200 characters (checked by the route schemas),
    // percent-encoded: up to 4 UTF-8 bytes × 3 characters each = 2400 (Fastify's default is 100)
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // errors the router answers before any hook runs: the same {code, message} (and CORS, so an
    // exam page on another origin can read the code)
    frameworkErrors: (error, _request, reply) => {
      const [status, code, message] =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? [414, 'uri_too_long', `A path parameter is longer than ${MAX_PARAM_LENGTH} characters (percent-encoded).`]
          : error.code === 'FST_ERR_BAD_URL'
            ? [400, 'invalid_request', 'The path is not a valid percent-encoded URL.']
            : [500, 'internal_error', 'The server failed; the request can be retried.'];
      void (reply as FastifyReply).header('access-control-allow-origin', '*').status(status).send({ code, message });
    },
    logger: options.logger ?? false,
    // strict bodies: unknown properties are rejected (not dropped), types are not coerced
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false, allowUnionTypes: true } },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError)
      return reply.status(error.statusCode).send({ code: error.code, message: error.message });
    if (error.validation) return reply.status(400).send({ code: 'invalid_request', message: error.message });
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
    request.log.error(error);
    return reply
      .status(500)
      .send({ code: 'internal_error', message: 'The server failed; the request can be retried.' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` }),
  );

  // The ingest API is called from exam pages on other origins; the reporting API may be called
  // from a reviewer page on another origin (a header token, no cookies: CORS adds no risk).
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') && !request.url.startsWith('/v1/')) return;
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-allow-headers', 'content-type, token, x-ap-client-id, x-ap-attempt-hash');
    reply.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, OPTIONS');
    reply.header('access-control-max-age', '600');
  });
  app.options('/api/*', { schema: { hide: true } }, async (_request, reply) => reply.status(204).send());
  app.options('/v1/*', { schema: { hide: true } }, async (_request, reply) => reply.status(204).send());

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'proctor-elements reference results server',
        version: PACKAGE_VERSION,
        description:
          'Ingest (exam pages, HMAC-checked), reporting (SmarterProctoring shape, `token` header), admin. Every error is {code, message}.',
      },
      tags: [
        { name: 'ingest', description: 'Called by the package (HttpBackend) from the exam page' },
        { name: 'reporting', description: 'Sessions, event reports, annotations, review' },
        { name: 'reports', description: 'Install-wide reports' },
        { name: 'admin', description: 'Installs, exams, clients, tokens, candidates' },
        { name: 'speed test', description: "The requirements check's bandwidth endpoints" },
        { name: 'pairing', description: 'Mobile check: WebRTC signalling under a short-lived code' },
      ],
      components: {
        securitySchemes: {
          token: { type: 'apiKey', in: 'header', name: 'token' },
          clientId: { type: 'apiKey', in: 'header', name: 'x-ap-client-id' },
          attemptHash: { type: 'apiKey', in: 'header', name: 'x-ap-attempt-hash' },
        },
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  ingestRoutes(app, { db, ratePerSecond, photoLimit });
  pairingRoutes(app, options.pairing);
  reportingRoutes(app, { db, version: PACKAGE_VERSION });
  adminRoutes(app, { db, mailer: options.mailer ?? new LoggingMailer(), adminToken: options.adminToken });

  // --- speed test --------------------------------------------------------------------------------
  app.get<{ Querystring: { bytes: string } }>(
    '/api/bandwidth/download',
    // query values are strings (types are not coerced): at most 50 000 000 bytes
    {
      schema: {
        tags: ['speed test'],
        summary: 'N zero bytes, uncached',
        querystring: {
          type: 'object',
          required: ['bytes'],
          properties: { bytes: { type: 'string', pattern: '^(0|[1-9][0-9]{0,6}|[1-4][0-9]{7}|50000000)$' } },
        },
      },
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .type('application/octet-stream')
        .send(Buffer.alloc(Number(request.query.bytes))),
  );
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );
  app.post(
    '/api/bandwidth/upload',
    { schema: { tags: ['speed test'], summary: 'Counts the bytes received' } },
    (request, reply) => {
      void reply.send({ received: (request.body as Buffer | undefined)?.length ?? 0 });
    },
  );

  // --- the demo: what an integrator's own backend would do to hand out attempt credentials -------
  app.get('/demo/credentials', { schema: { hide: true } }, async () => {
    const [client] = await db.query<{ secret: string }>("select secret from clients where client_id = 'demo-client'");
    if (!client) throw new HttpError(404, 'not_found', 'No demo client is seeded.');
    const testAttemptId = `demo-${randomUUID()}`;
    return { clientId: 'demo-client', testAttemptId, hashedTestAttemptId: hashAttempt(client.secret, testAttemptId) };
  });

  // --- static files: the demo page and the built package -----------------------------------------
  if (options.staticRoot) {
    const root = options.staticRoot;
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
    const mounts: Record<string, string> = { '/dist/': 'dist', '/demo/': 'demo', '/review/': 'review' };
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = decodeURIComponent(request.url.split('?')[0]);
      const url =
        path === '/' ? '/demo/index.html' : path === '/review' || path === '/review/' ? '/review/index.html' : path;
      const mount = Object.keys(mounts).find((m) => url.startsWith(m));
      const base = mount && join(root, mounts[mount]);
      const file = base && normalize(join(base, url.slice(mount.length)));
      if (!base || !file || !file.startsWith(base)) throw new HttpError(404, 'not_found', `No file ${path}.`);
      try {
        if (!statSync(file).isFile()) throw new Error('not a file');
      } catch {
        throw new HttpError(404, 'not_found', `No file ${path}.`);
      }
      return reply.type(types[extname(file)] ?? 'application/octet-stream').send(createReadStream(file));
    });
  }
  return app;
}
