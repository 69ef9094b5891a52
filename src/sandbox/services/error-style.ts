import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { type ErrorStyle, errorStyles, errorStyleFromEnv } from '../error-style.js';

/**
 * How the services simulator renders its error replies (SANDBOX_ERROR_STYLE, parsed in ../error-style.ts),
 * so the gateway is tested against backends that do not send the codes of docs/backends.md: the real
 * backend's codes are not published (docs/sandbox-services.md, "Error styles").
 * - `coded` (default): the envelope with `meta.errors[] {code, type, message}`.
 * - `plain`: the same envelope and uuid, but no `code` in any error (`{type, message}`).
 * - `empty`: the status alone, with an empty body.
 */
export { type ErrorStyle, errorStyles, errorStyleFromEnv };

const codedEnvelope = z.object({
  meta: z.object({
    uuid: z.string(),
    errors: z.array(z.object({ code: z.number(), type: z.string(), message: z.string() })).min(1),
  }),
  response: z.unknown(),
});

/**
 * Rewrites every coded error reply (the simulator's own, and injected faults whose body is a coded
 * envelope) into the current style; any other body is left as sent, so malformed-body faults still work.
 */
export function errorStyleMiddleware(style: () => ErrorStyle): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const current = style();
    if (current === 'coded' || c.res.status < 400) return;
    const text = await c.res.clone().text();
    const coded = codedEnvelope.safeParse(parseJson(text));
    if (!coded.success) return;
    const { status } = c.res;
    const { uuid, errors } = coded.data.meta;
    const plain = {
      meta: { uuid, errors: errors.map(({ type, message }) => ({ type, message })) },
      response: {},
    };
    c.res =
      current === 'empty'
        ? new Response(null, { status })
        : new Response(JSON.stringify(plain), { status, headers: { 'content-type': 'application/json' } });
    // Hono carries the old reply's headers over; its length no longer holds.
    c.res.headers.delete('content-length');
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
