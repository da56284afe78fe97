/**
 * The answer of the routes that serve a stored photo: the attempt report's (…/photos/{evidenceId})
 * and the event report's (…/eventReports/{sid}/photo). A photo is either its own row in `photos`
 * (PUT …/photos/{evidenceId}) or, from older clients, a JPEG data URL inline in the record.
 */
import type { FastifyReply } from 'fastify';

/** OpenAPI 200 of a photo route: the image itself. */
export const PHOTO_RESPONSE = {
  description: 'The photo itself',
  content: {
    'image/jpeg': { schema: { type: 'string', format: 'binary' } },
    'image/png': { schema: { type: 'string', format: 'binary' } },
  },
} as const;

/**
 * Sends the photo (privately cacheable for an hour: a stored photo never changes), or returns
 * undefined when there is none, for the route to answer its 404.
 */
export function sendPhoto(
  reply: FastifyReply,
  stored: { content_type: string | null; bytes: Buffer | Uint8Array | null } | undefined,
  inline: string | null | undefined,
): FastifyReply | undefined {
  if (stored?.bytes && stored.content_type)
    return reply
      .header('cache-control', 'private, max-age=3600')
      .type(stored.content_type)
      .send(Buffer.from(stored.bytes));
  const match = inline && /^data:(image\/jpeg);base64,(.*)$/s.exec(inline);
  if (match)
    return reply.header('cache-control', 'private, max-age=3600').type(match[1]).send(Buffer.from(match[2], 'base64'));
  return undefined;
}
