import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorStyle } from '../error-style.js';

/**
 * The WiFi cloud's error codes (docs/backends.md, "Errors") and the LoopBack error body they render to.
 * The last three rows are simulator decisions where the docs are silent: a body that is not JSON, a batch
 * filter of the wrong shape, and a route the API does not have.
 */
export const plumeErrorStatus = {
  AUTHORIZATION_REQUIRED: 401,
  CUSTOMER_NOT_FOUND: 404,
  LOCATION_NOT_FOUND: 404,
  NODE_NOT_FOUND: 404,
  NO_CLAIMED_NODES: 404,
  NODE_ALREADY_UNCLAIMED: 400,
  LOCATION_ALREADY_ARCHIVED: 409,
  LOCATION_ARCHIVED: 404,
  INVALID_SERVICE_LEVEL: 422,
  INVALID_CREDENTIALS: 401,
  INTERNAL_ERROR: 500,
  INVALID_JSON: 400,
  INVALID_FILTER: 400,
  ROUTE_NOT_FOUND: 404,
} as const satisfies Record<string, ContentfulStatusCode>;

export type PlumeErrorCode = keyof typeof plumeErrorStatus;

export interface LoopBackErrorBody {
  /** `code` is absent in the `plain` style (LoopBack's default error shape). */
  error: { statusCode: number; name: string; code?: string; message: string };
}

/** LoopBack names its errors after the HTTP status (http-errors style). */
const statusNames: Record<number, string> = {
  400: 'BadRequestError',
  401: 'UnauthorizedError',
  403: 'ForbiddenError',
  404: 'NotFoundError',
  409: 'ConflictError',
  422: 'UnprocessableEntityError',
  429: 'TooManyRequestsError',
  500: 'InternalServerError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
  504: 'GatewayTimeoutError',
};

/** An expected failure of a WiFi cloud operation; the app renders it as a LoopBack error body. */
export class PlumeError extends Error {
  constructor(
    readonly code: PlumeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PlumeError';
  }

  get status(): ContentfulStatusCode {
    return plumeErrorStatus[this.code];
  }

  /** The body in the given style; `undefined` means an empty body. */
  toBody(style: ErrorStyle = 'coded'): LoopBackErrorBody | undefined {
    return renderErrorBody(style, this.status, this.code, this.message);
  }
}

/**
 * `coded`: the simulator's own body, `{error: {statusCode, name, code, message}}`. `plain`: LoopBack's default
 * shape, `{error: {statusCode, name: "Error", message}}`, no code. `empty`: no body at all.
 */
function renderErrorBody(
  style: ErrorStyle,
  statusCode: number,
  code: string,
  message: string,
): LoopBackErrorBody | undefined {
  if (style === 'empty') return undefined;
  if (style === 'plain') return { error: { statusCode, name: 'Error', message } };
  return { error: { statusCode, name: statusNames[statusCode] ?? 'Error', code, message } };
}

/**
 * Renders the body of an injected fault (SandboxControl) in a style: the code the real cloud would send for
 * that status where there is exactly one, `INJECTED_FAULT` otherwise.
 */
export function injectedErrorBody(style: ErrorStyle = 'coded') {
  return (status: number, message: string): LoopBackErrorBody | undefined => {
    const code =
      status === 401 ? 'AUTHORIZATION_REQUIRED' : status >= 500 ? 'INTERNAL_ERROR' : 'INJECTED_FAULT';
    return renderErrorBody(style, status, code, message);
  };
}
