import { createGraphQLError, type FetchAPI, type Plugin } from 'graphql-yoga';

/**
 * The request body limit (MAX_REQUEST_BODY_BYTES), in place of Yoga's `maxRequestBodySize`. Yoga checks
 * Content-Length and then also pipes every body through a counting TransformStream, which cost about a
 * third of a bare Yoga server's throughput here (docs/performance.md). A declared length needs no count:
 * Node's HTTP parser never delivers more bytes than Content-Length says. Only a body without one (chunked)
 * is counted as it streams, and cut off with 413 as soon as it passes the limit.
 */

// `Connection: close`: the rest of the body is dropped with the connection instead of being read to the end
// only to be thrown away (20 MB cost the gateway about 26 ms of CPU; docs/security.md).
const tooLarge = () =>
  createGraphQLError('Request body too large', {
    extensions: { http: { status: 413, headers: { connection: 'close' } }, code: 'REQUEST_ENTITY_TOO_LARGE' },
  });

// One non-negative integer only: a list or anything else (a request-smuggling shape) is refused.
const CONTENT_LENGTH = /^\d+$/;

export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!CONTENT_LENGTH.test(declared)) {
          throw createGraphQLError('Content-Length header is invalid.', {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        }
        if (Number(declared) > maxBytes) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((req) => requestParser(countedBody(req, maxBytes, fetchAPI)));
    },
  };
}

function countedBody(request: Request, maxBytes: number, fetchAPI: FetchAPI): Request {
  let bytes = 0;
  // A native body needs the native TransformStream; the Node adapter's bodies are whatwg-node's.
  const Transform = request.body instanceof ReadableStream ? TransformStream : fetchAPI.TransformStream;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    duplex: 'half',
  } as RequestInit);
}
