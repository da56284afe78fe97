/** Every error the server sends is `{code, message}` with a 4xx/5xx status; this carries one. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Sent as `Retry-After` (seconds), e.g. with 429 and 503. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A JSON schema for the error body, shared by every route's documented responses. */
export const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
} as const;

/**
 * The error answers every authenticated API route documents, each `{code, message}` (errorSchema):
 * 400 bad input, 401/403 credentials missing or refused, 404 unknown resource, 429 a rate limit
 * (per attempt, or failed authentication; Retry-After), 503 the database is unreachable
 * (Retry-After). Spread into a route's `response` schema; a route adds its own further codes
 * (409, 413, 415, …) beside it.
 */
export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  429: errorSchema,
  503: errorSchema,
} as const;
