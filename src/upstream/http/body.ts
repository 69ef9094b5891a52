import type { Dispatcher } from 'undici';

/** The largest legitimate answer, a page of 1,000 services, is ~250 KB: twenty times that. */
export const DEFAULT_MAX_BODY_BYTES = 5_000_000;

// One non-negative integer only, as Content-Length must be.
const CONTENT_LENGTH = /^\d+$/;

/**
 * The answer's body as text, or `undefined` when it is larger than `maxBytes`, so that a backend (or
 * anything between) cannot make the gateway hold an answer of any size: a declared Content-Length above it
 * is refused before reading (undici never delivers more than one declares), and a chunked body is counted
 * as it streams and dropped at the first chunk past it. Either way the connection is closed.
 */
export async function readCapped(
  response: Dispatcher.ResponseData,
  maxBytes: number,
): Promise<string | undefined> {
  const declared = response.headers['content-length'];
  if (typeof declared === 'string' && CONTENT_LENGTH.test(declared)) {
    if (Number(declared) <= maxBytes) return response.body.text();
    response.body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  // Leaving the loop early destroys the body, and with it the connection.
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > maxBytes) return undefined;
    chunks.push(chunk);
  }
  // TextDecoder, as undici's text() does: a leading BOM is dropped.
  return new TextDecoder().decode(Buffer.concat(chunks, bytes));
}

/** A body that is not JSON is kept as `undefined`: schemas then reject it as malformed. */
export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
