/**
 * Node's HTTP parser counts the request line (the URL) and the headers against one limit
 * (`maxHeaderSize`, 16 KiB) and fails both with HPE_HEADER_OVERFLOW, before any request object
 * exists. To answer 414 URI Too Long for a URL over the limit (and 431 for headers), we look where
 * the parser stopped in the bytes it was reading (`rawPacket`, stopped at `bytesParsed`): in the
 * request line when no line break precedes that point in the read, and the parser stopped at the
 * URL's end (the space before the HTTP version) or the read began the request line and stopped
 * inside it. A URL so long that it arrives over several reads and crosses the limit in a read
 * that is all URL cannot be told from one long header value there, and stays 431.
 */
export function overflowInRequestLine(error: Error): boolean {
  const { rawPacket: packet, bytesParsed: at } = error as Error & { rawPacket?: unknown; bytesParsed?: unknown };
  if (!Buffer.isBuffer(packet) || typeof at !== 'number' || at < 0 || at > packet.length) return false;
  if (packet.subarray(0, at).includes(0x0a)) return false; // past the request line's end in this read
  if (at < packet.length) return packet[at] === 0x20; // the parser stopped at the URL's end
  // the read ended inside a line: the request line when the read began it (`METHOD /…`)
  return /^[A-Z]{3,10} \S/.test(packet.subarray(0, 16).toString('latin1'));
}
