import { randomUUID } from 'node:crypto';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The `{meta, response}` envelope of every services reply and its error codes (docs/backends.md). */

export const ErrorCode = {
  InvalidVersion: 2000,
  MissingField: 2001,
  InvalidValue: 2002,
  NoActiveServiceMatched: 2003,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Internal: 5000,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const statusByCode = new Map<number, ContentfulStatusCode>([
  [ErrorCode.InvalidVersion, 400],
  [ErrorCode.MissingField, 400],
  [ErrorCode.InvalidValue, 400],
  [ErrorCode.NoActiveServiceMatched, 400],
  [ErrorCode.Unauthorized, 401],
  [ErrorCode.Forbidden, 403],
  [ErrorCode.NotFound, 404],
  [ErrorCode.Internal, 500],
]);

export interface ApiError {
  /** An `ErrorCode`, or the bare HTTP status of an injected fault outside the table. */
  code: number;
  type: 'FATAL_ERROR';
  message: string;
}

export interface Envelope<T> {
  meta: { uuid: string; errors: ApiError[] };
  response: T;
}

export function envelope<T>(response: T): Envelope<T> {
  return { meta: { uuid: randomUUID(), errors: [] }, response };
}

export function errorEnvelope(errors: ApiError[]): Envelope<Record<string, never>> {
  return { meta: { uuid: randomUUID(), errors }, response: {} };
}

export function apiError(code: number, message: string): ApiError {
  return { code, type: 'FATAL_ERROR', message };
}

/** An expected failure of a request, rendered as an error envelope with the status of its first code. */
export class ServicesApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(readonly errors: readonly [ApiError, ...ApiError[]]) {
    super(errors[0].message);
    this.name = 'ServicesApiError';
    this.status = statusByCode.get(errors[0].code) ?? 500;
  }

  static of(code: ErrorCode, message: string): ServicesApiError {
    return new ServicesApiError([apiError(code, message)]);
  }
}

/**
 * The error body for a status injected through `/__sandbox/faults`: 5xx is 5000 as the table says,
 * 400 is 2002 (the generic "invalid value"), any other status is its own code (401, 403, 404, 429...).
 */
export function injectedErrorBody(status: number, message: string): Envelope<Record<string, never>> {
  const code = status >= 500 ? ErrorCode.Internal : status === 400 ? ErrorCode.InvalidValue : status;
  return errorEnvelope([apiError(code, message)]);
}
