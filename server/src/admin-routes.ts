/**
 * The admin API: the same operations as `npm run admin`. Creating an install needs the server's
 * ADMIN_TOKEN (no route exists without one); everything inside an install needs one of its tokens.
 */
import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { Database } from './db.js';
import { HttpError, errorResponses, errorSchema } from './errors.js';
import { SID_PATTERN } from './ids.js';
import { authorizeInstall, tokenInstall } from './auth.js';
import { examSchema, obj } from './schemas.js';
import * as admin from './admin.js';
import type { Mailer } from './mailer.js';

export interface AdminOptions {
  db: Database;
  mailer: Mailer;
  /** Enables POST /v1/installs for holders of this token. */
  adminToken?: string;
}

const sidParam = (prefix: Parameters<typeof SID_PATTERN>[0]) => ({ type: 'string', pattern: SID_PATTERN(prefix) });
const installParams = {
  type: 'object',
  required: ['installSid'],
  properties: { installSid: sidParam('AI') },
} as const;
const examParams = {
  type: 'object',
  required: ['installSid', 'examSid'],
  properties: { installSid: sidParam('AI'), examSid: sidParam('EX') },
} as const;
const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) });
const strOrNull = (description?: string) => ({ type: ['string', 'null'], ...(description ? { description } : {}) });
/** What each admin operation answers (admin.ts); Fastify serialises through these, so they cannot drift. */
const installCreated = obj({
  sid: str(),
  name: str(),
  createdDate: { type: 'string', format: 'date-time' },
  token: str("the install's first API token: shown once, stored hashed"),
});
const clientCreated = obj({
  clientId: str(),
  clientSecret: str('HMAC-SHA256 key for hashedTestAttemptId: shown once; keep it on your backend'),
  installSid: str(),
  examSid: strOrNull('the exam the client is bound to, or null'),
});
const tokenCreated = obj({ token: str('shown once, stored hashed'), installSid: str(), label: strOrNull() });
const registered = obj({
  sessionSid: str(),
  examSid: str(),
  testAttemptId: str(),
  status: { type: 'string', enum: ['registered'] },
});
const emailsSent = obj({
  examSid: str(),
  emailed: { type: 'integer', description: 'candidates invited by this call' },
  sessionSids: { type: 'array', items: str() },
});
const security = [{ token: [] }];
const examBody = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  instructions: { type: 'string', maxLength: 20000, description: 'student instructions: adding them opens the exam' },
  lastStartDate: {
    type: ['string', 'null'],
    format: 'date-time',
    description: 'ISO date-time; once past, the exam is closed',
  },
} as const;

export function adminRoutes(app: FastifyInstance, options: AdminOptions) {
  const { db, mailer, adminToken } = options;

  app.post<{ Body: { name: string } }>(
    '/v1/installs',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create an install (needs the server ADMIN_TOKEN as `token`)',
        security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 201: installCreated, ...errorResponses },
      },
    },
    async (request, reply) => {
      const given = request.headers.token;
      if (!adminToken)
        throw new HttpError(403, 'admin_disabled', 'Start the server with ADMIN_TOKEN to create installs over HTTP.');
      if (typeof given !== 'string' || !given)
        throw new HttpError(401, 'unauthenticated', 'The `token` header is required.');
      const a = Buffer.from(given);
      const b = Buffer.from(adminToken);
      if (a.length !== b.length || !timingSafeEqual(a, b))
        throw new HttpError(403, 'forbidden', 'The token is not the admin token.');
      return reply.status(201).send(await admin.createInstall(db, request.body.name));
    },
  );

  app.post<{ Params: { installSid: string }; Body: admin.ExamInput & { name: string } }>(
    '/v1/installs/:installSid/exams',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create an exam (draft until it has instructions)',
        security,
        params: installParams,
        body: { type: 'object', additionalProperties: false, required: ['name'], properties: examBody },
        response: { 201: examSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      await authorizeInstall(db, request, request.params.installSid);
      return reply.status(201).send(await admin.createExam(db, request.params.installSid, request.body));
    },
  );

  app.patch<{ Params: { installSid: string; examSid: string }; Body: admin.ExamInput }>(
    '/v1/installs/:installSid/exams/:examSid',
    {
      schema: {
        tags: ['admin'],
        summary: 'Update an exam: name, instructions (opens it), last start date',
        security,
        params: examParams,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: examBody },
        response: { 200: examSchema, ...errorResponses },
      },
    },
    async (request) => {
      await authorizeInstall(db, request, request.params.installSid);
      return admin.updateExam(db, request.params.installSid, request.params.examSid, request.body);
    },
  );

  app.post<{ Params: { installSid: string; examSid: string } }>(
    '/v1/installs/:installSid/exams/:examSid/close',
    {
      schema: {
        tags: ['admin'],
        summary: 'Close an exam: no new attempts or registrations',
        security,
        params: examParams,
        response: { 200: examSchema, ...errorResponses },
      },
    },
    async (request) => {
      await authorizeInstall(db, request, request.params.installSid);
      return admin.closeExam(db, request.params.installSid, request.params.examSid);
    },
  );

  app.post<{ Params: { installSid: string }; Body: { examSid?: string } }>(
    '/v1/installs/:installSid/clients',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a client (id + HMAC secret for exam pages), optionally bound to one exam',
        description: 'The secret is returned once; keep it on your backend to compute hashedTestAttemptId.',
        security,
        params: installParams,
        body: { type: 'object', additionalProperties: false, properties: { examSid: sidParam('EX') } },
        response: { 201: clientCreated, ...errorResponses },
      },
    },
    async (request, reply) => {
      await authorizeInstall(db, request, request.params.installSid);
      return reply.status(201).send(await admin.createClient(db, request.params.installSid, request.body?.examSid));
    },
  );

  app.post<{ Params: { installSid: string }; Body: { label?: string } }>(
    '/v1/installs/:installSid/tokens',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create another API token for the install (shown once; stored hashed)',
        security,
        params: installParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { label: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 201: tokenCreated, ...errorResponses },
      },
    },
    async (request, reply) => {
      await authorizeInstall(db, request, request.params.installSid);
      return reply.status(201).send(await admin.createToken(db, request.params.installSid, request.body?.label));
    },
  );

  app.post<{ Params: { installSid: string; examSid: string }; Body: admin.Registration }>(
    '/v1/installs/:installSid/exams/:examSid/sessions',
    {
      schema: {
        tags: ['admin'],
        summary: 'Register a candidate: creates their session as `registered`',
        description:
          "The candidate's exam page later creates the attempt with the same testAttemptId (through a client bound to this exam) and takes this session over.",
        security,
        params: examParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['testAttemptId', 'email'],
          properties: {
            testAttemptId: { type: 'string', minLength: 1, maxLength: 200 },
            email: { type: 'string', format: 'email', maxLength: 320 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: { 201: registered, 409: errorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      await authorizeInstall(db, request, request.params.installSid);
      return reply
        .status(201)
        .send(await admin.registerCandidate(db, request.params.installSid, request.params.examSid, request.body));
    },
  );

  app.post<{ Params: { examSid: string } }>(
    '/v1/exams/:examSid/send_emails',
    {
      schema: {
        tags: ['admin'],
        summary: "ProctorExam's send_emails: invite every registered candidate; they become `email_sent`",
        description:
          'Goes through the server mailer; the default logs each message and sends nothing (emails suppressed), and still sets the status.',
        security,
        params: { type: 'object', required: ['examSid'], properties: { examSid: sidParam('EX') } },
        response: { 200: emailsSent, ...errorResponses },
      },
    },
    async (request) => {
      const installSid = await tokenInstall(db, request);
      return admin.sendEmails(db, installSid, request.params.examSid, mailer, (fields, msg) =>
        request.log.info(fields, msg),
      );
    },
  );
}
