import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { YogaServerOptions } from 'graphql-yoga';

/**
 * What a browser on another site may do with the gateway. The gateway authenticates by the
 * `Authorization` header, never by cookies, yet a form or a plain GET from any page can still reach it:
 * CSRF prevention makes every request one a browser must preflight, and CORS answers that preflight
 * only for configured origins.
 */

/** The header a browser client sends on GET (or a form-encoded POST) to prove it is not a plain form. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/**
 * Refuses (403) any request that a browser would send without a CORS preflight: a GET, or a POST whose
 * content type a plain HTML form can produce (form-urlencoded, multipart, text/plain), unless it carries
 * the CSRF header. JSON POSTs (GraphiQL, every GraphQL client) are preflighted already and pass.
 */
export const useCsrfPrevention = () => useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });

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
