import { z } from 'zod';
import { UpstreamError } from '../../errors.js';

/**
 * How a services error answer is read (docs/backends.md, "Services: errors"). The backend's error codes
 * are not published, so no outcome is picked by a code: the status says whether the request was refused,
 * and the adapter then asks the backend for the facts (ServicesApi's cancel, services-api.ts). A code, when a
 * body carries one, only travels along for the client and the log.
 */

/**
 * Statuses that say nothing about the request itself: the gateway's own API key or account (401/403), a
 * timeout (408). They, and every 5xx, stay masked upstream faults (src/upstream/http/outcome.ts). A 429
 * never gets here: outcome.ts turns it into RateLimitedError for both backends; it is listed so it could
 * never be read as a refusal of the request.
 */
const NOT_A_REFUSAL = new Set([401, 403, 408, 429]);

/** Reads what an error body may hold, whatever its style: an envelope with or without codes, or nothing. */
const errorBody = z.object({
  meta: z.object({
    uuid: z.string().optional(),
    errors: z.array(z.object({ code: z.unknown(), message: z.unknown() }).partial()).optional(),
  }),
});

/**
 * A 4xx refusal of one call. As an UpstreamError it is masked if nothing handles it (a refused read: the
 * gateway validated every filter it sent, so the fault is the gateway's); the cancels turn it into a
 * typed outcome. `upstreamMessage` is for the debug log only, never for a client: it is free text that can
 * name customers, so it is a private field (the logger's error serializer copies only enumerable ones).
 */
export class ServicesRefusal extends UpstreamError {
  override name = 'ServicesRefusal';
  readonly #upstreamMessage: string | null;
  constructor(
    operation: string,
    readonly status: number,
    readonly upstreamCode: number | null,
    upstreamMessage: string | null,
    upstreamRequestId: string | undefined,
  ) {
    super(
      'services',
      operation,
      `refused with ${status}${upstreamCode === null ? '' : ` code ${upstreamCode}`}`,
      {
        status,
        upstreamRequestId,
      },
    );
    this.#upstreamMessage = upstreamMessage;
  }

  /** The backend's own message, with the API key and email addresses cut out. */
  get upstreamMessage(): string | null {
    return this.#upstreamMessage;
  }
}

/**
 * The refusal an error answer is, or `undefined` when it is not one (masked by the HTTP layer). `secret` (the
 * gateway's API key) and email addresses are cut out of the upstream message before anything keeps it.
 */
export function refusalOf(
  operation: string,
  status: number,
  body: unknown,
  secret: string,
): ServicesRefusal | undefined {
  if (status < 400 || status >= 500 || NOT_A_REFUSAL.has(status)) return undefined;
  const meta = errorBody.safeParse(body).data?.meta;
  const first = meta?.errors?.[0];
  const code = Number.isInteger(first?.code) ? (first?.code as number) : null;
  const message =
    typeof first?.message === 'string' ? redactEmails(first.message.replaceAll(secret, '[redacted]')) : null;
  return new ServicesRefusal(operation, status, code, message, meta?.uuid);
}

/** The backend's own request id (`meta.uuid`) of any answer that has one, error styles included. */
export function upstreamRequestIdOf(body: unknown): string | undefined {
  return errorBody.safeParse(body).data?.meta.uuid;
}

/**
 * Anything shaped like an email address, also URL-encoded (`%40`): the services backend's messages are free
 * text about customers. Greedy on purpose: cutting a little more than the address is fine in a log.
 */
const EMAIL = /[^\s@"'<>()[\]{},;:]+(?:@|%40)[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;

export function redactEmails(text: string): string {
  return text.replace(EMAIL, '[email]');
}
