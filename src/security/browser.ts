import { createGraphQLError, type Plugin, type YogaServerOptions } from 'graphql-yoga';

/**
 * What a browser on another site may do with the gateway. The gateway authenticates only by the
 * `Authorization` header, never by cookies: a request another site makes a browser send carries no
 * credentials, and CORS decides which origins may read an answer. What is left to refuse is a write a
 * browser would send without asking first (a CORS preflight): a form post.
 */

/** The header a client adds to a form-encoded or text/plain POST to prove it is not a plain form. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/** Content types an HTML form (or a no-cors fetch) can send without a preflight. */
const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Refuses (403) a POST a browser would send without a preflight (a form's content type, or none) unless it
 * carries CSRF_HEADER. A JSON POST (every GraphQL client, GraphiQL) is preflighted across origins and
 * passes. A GET passes without a header (urql's default for queries): it can only run a query (Yoga
 * answers a mutation over GET with 405), without the caller's credentials, and its answer is readable only
 * by the origins CORS allows. (Yoga's useCSRFPrevention refuses every GET without the header instead.)
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST' || request.headers.has(CSRF_HEADER)) return;
      const type = request.headers.get('content-type')?.toLowerCase();
      if (type && !FORM_CONTENT_TYPES.some((form) => type.startsWith(form))) return;
      throw createGraphQLError('Required CSRF header(s) not present', {
        extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } },
      });
    },
  };
}

/** Any port on a loopback host: the browser-side apps a developer runs beside the embedded default. */
const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Which origins may read answers: a list, or `loopback` (the embedded default). */
export type AllowedOrigins = readonly string[] | 'loopback';

/**
 * Yoga's CORS, from config. Yoga's default reflects any Origin with credentials; here an origin not
 * allowed gets no CORS header at all, and credentials are never allowed (no cookie ever authenticates).
 */
export function corsFor(allowed: AllowedOrigins): NonNullable<YogaServerOptions<object, object>['cors']> {
  const isAllowed = (origin: string) =>
    allowed === 'loopback' ? LOOPBACK_ORIGIN.test(origin) : allowed.includes(origin);
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!origin || !isAllowed(origin)) return false;
    return { origin, credentials: false, maxAge: 600 };
  };
}
