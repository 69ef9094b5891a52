import type { Dispatcher } from 'undici';
import { RateLimitedError, UpstreamError } from '../../errors.js';
import { parseJson } from './body.js';
import type { RetryAfterWindow } from './breaker.js';
import type { CallContext, HttpRequest } from './call.js';
import type { AttemptRecorder } from './recorder.js';
import { isBackendWideRetryAfter, isRetryableStatus, parseRetryAfter } from './retry.js';

/**
 * What one attempt came to, steps 1 and 2 of the path in client.ts: no answer (`transportFailure`), or an
 * answer (`readAnswer`): a 429, an error status read by the call's table, or a 2xx checked by its schema.
 */

/** One attempt's result: its value, or the error to throw and whether a read may try again. */
export type Attempt<T> =
  { ok: true; value: T } | { ok: false; error: Error; retryable: boolean; retryAfterMs?: number };

/** Thrown at once: no retry can change it. */
const final = (error: Error): Attempt<never> => ({ ok: false, error, retryable: false });

/** The attempt's own time limits: what it had, and the backend's whole UPSTREAM_TIMEOUT_MS. */
export interface AttemptTimeouts {
  timeoutMs: number;
  upstreamTimeoutMs: number;
}

/**
 * No answer came (or it broke off while read, `status` then set): the client left or the answer was already
 * sent (expected, debug), the request's deadline passed (not the backend's fault), the backend timed out, or
 * the connection failed (a read may try again). All are masked UpstreamErrors.
 */
export function transportFailure(
  cause: unknown,
  status: number | undefined,
  call: CallContext,
  { timeoutMs, upstreamTimeoutMs }: AttemptTimeouts,
  record: AttemptRecorder,
): Attempt<never> {
  if (call.signal?.aborted || call.deadline?.abandoned) {
    // The client went away, or the answer was sent without this call: expected, logged once at debug.
    record.report('unknown');
    record.log('debug', record.finish({ status, failure: 'aborted' }));
    const message = 'aborted: the client disconnected, or the answer was already sent';
    return final(new UpstreamError(record.info.upstream, record.info.operation, message, { cause }));
  }
  const code = (cause as { code?: unknown }).code;
  const timedOut = typeof code === 'string' && code.includes('TIMEOUT');
  if (call.deadline && (call.deadline.expired || (timedOut && timeoutMs < upstreamTimeoutMs))) {
    // The request ran out of time; this backend is not to blame for it.
    record.report('unknown');
    const message = `timed out: the request's deadline of ${call.deadline.timeoutMs} ms passed`;
    return final(record.fail(message, { status, failure: 'timeout' }, cause));
  }
  record.report('down');
  if (timedOut)
    return final(record.fail(`timed out after ${timeoutMs} ms`, { status, failure: 'timeout' }, cause));
  // A connection refused or reset: a read may try again.
  const error = record.fail(`request failed: ${describe(cause)}`, { status, failure: 'network' }, cause);
  return { ok: false, error, retryable: true };
}

/** An answer: its status, its headers, and its body's text (`undefined`: over the cap, left unread). */
export interface Answer {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  text: string | undefined;
}

/** What reading an answer needs of its backend's client. */
export interface AnswerReader {
  /** Largest answer body read (UPSTREAM_MAX_BODY_BYTES), named in messages. */
  maxBodyBytes: number;
  /** The backend's Retry-After, held for all its calls (breaker.ts). */
  retryAfter: RetryAfterWindow;
  /** Finds the backend's own request id in a body, e.g. the services `meta.uuid`. */
  upstreamRequestId?: (body: unknown) => string | undefined;
}

export function readAnswer<T>(
  reader: AnswerReader,
  answer: Answer,
  req: HttpRequest<T>,
  call: CallContext,
  record: AttemptRecorder,
): Attempt<T> {
  const { status, text } = answer;
  const body = text === undefined ? undefined : parseJson(text);
  const upstreamRequestId = reader.upstreamRequestId?.(body);
  record.report(status >= 500 ? 'down' : 'up');
  if (status < 200 || status >= 300) {
    return errorAnswer(reader, { ...answer, body, upstreamRequestId }, req, call, record);
  }
  if (!req.schema) {
    record.log('debug', record.finish({ status, upstreamRequestId }));
    return { ok: true, value: undefined as T };
  }
  if (text === undefined) {
    // A 2xx says a write's change happened, but its answer went unread: isAmbiguous counts a 2xx failure
    // ambiguous, so a write is confirmed by read-back rather than reported failed. (An error status with a
    // body over the cap was told by its status, as for an empty error body.)
    const message = `answer larger than UPSTREAM_MAX_BODY_BYTES (${reader.maxBodyBytes} bytes): not read`;
    return final(record.fail(message, { status, upstreamRequestId, failure: 'too-large' }));
  }
  const parsed = req.schema.safeParse(body);
  if (!parsed.success) {
    const message = `malformed response body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`;
    return final(record.fail(message, { status, upstreamRequestId, failure: 'malformed' }));
  }
  record.log('debug', record.finish({ status, upstreamRequestId }));
  return { ok: true, value: parsed.data };
}

/** A non-2xx answer: rate limited (both backends alike), else the call's table, else a masked fault. */
function errorAnswer(
  reader: AnswerReader,
  { status, headers, text, body, upstreamRequestId }: Answer & { body: unknown; upstreamRequestId?: string },
  req: HttpRequest<unknown>,
  call: CallContext,
  record: AttemptRecorder,
): Attempt<never> {
  const { upstream } = record.info;
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  if (retryAfterMs !== undefined && isBackendWideRetryAfter(status)) reader.retryAfter.hold(retryAfterMs);
  if (status === 429) {
    call.pace?.rateLimited(upstream, retryAfterMs);
    // Either backend's 429, here for both: the request was not acted on (a write did not happen), so
    // it is a typed outcome rather than a masked fault; a read may still try again.
    record.log('warn', record.finish({ status, upstreamRequestId }), { err: 'rate limited', retryAfterMs });
    const error = new RateLimitedError(upstream, retryAfterMs ?? 0);
    return { ok: false, error, retryable: true, retryAfterMs };
  }
  const known = req.classify?.(status, body);
  if (known) {
    record.log('debug', record.finish({ status, upstreamRequestId }), { outcome: known.name });
    return final(known);
  }
  const unread =
    text === undefined
      ? ` (its body, over UPSTREAM_MAX_BODY_BYTES of ${reader.maxBodyBytes} bytes, unread)`
      : '';
  const error = record.fail(`unexpected status ${status}${unread}`, { status, upstreamRequestId });
  return { ok: false, error, retryable: isRetryableStatus(status), retryAfterMs };
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
