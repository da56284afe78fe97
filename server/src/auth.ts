import type { FastifyRequest } from 'fastify';
import type { Queryable } from './db.js';
import { HttpError } from './errors.js';
import { installOfToken } from './admin.js';

/** The install of the request's `token` header (SmarterProctoring's scheme); 401 without a valid one. */
export async function tokenInstall(db: Queryable, request: FastifyRequest): Promise<string> {
  const token = request.headers.token;
  if (typeof token !== 'string' || !token)
    throw new HttpError(401, 'unauthenticated', 'The `token` header is required.');
  const installSid = await installOfToken(db, token);
  if (!installSid) throw new HttpError(401, 'unauthenticated', 'The token is not valid.');
  return installSid;
}

/** 401 without a valid token, 403 when it belongs to another install. */
export async function authorizeInstall(db: Queryable, request: FastifyRequest, installSid: string) {
  const owner = await tokenInstall(db, request);
  if (owner !== installSid)
    throw new HttpError(403, 'forbidden', `The token does not grant access to install ${installSid}.`);
}
