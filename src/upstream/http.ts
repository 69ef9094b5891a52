import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { UpstreamError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * The one HTTP layer every upstream call goes through: pooled keep-alive connections per backend,
 * a deadline on every call, encoded paths, JSON in and out, body shapes checked at the boundary,
 * and non-2xx statuses turned into domain errors (or a masked UpstreamError) in one place.
 */

export type UpstreamName = 'plume' | 'services';

/** What each call carries from the GraphQL request that caused it. */
export interface CallContext {
  requestId: string;
  signal?: AbortSignal;
}

/** Turns a non-2xx answer into a domain error; `undefined` means "unexpected" (masked upstream error). */
export type ClassifyError = (status: number, body: unknown) => Error | undefined;

export interface HttpRequest<T> {
  /** Names the call in logs and errors, e.g. `unclaimNode`. */
  operation: string;
  method: Dispatcher.HttpMethod;
  /** Built with the `path` tag so every segment is encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  /** Validates a 2xx JSON body; omit for bodiless answers such as 204. */
  schema?: z.ZodType<T>;
  /** Maps this call's error answers; checked before the backend's default. */
  classify?: ClassifyError;
}

export interface HttpClientOptions {
  timeoutMs: number;
  connections: number;
  logger: Logger;
  /** The backend's default mapping of error answers (e.g. 401 → NotAuthorizedError). */
  classify: ClassifyError;
  /** Finds the backend's own request id in a body, e.g. the services `meta.uuid`. */
  upstreamRequestId?: (body: unknown) => string | undefined;
}

/** Tagged template that URL-encodes every interpolated path segment: `path\`/a/${id}\``. */
export function path(strings: TemplateStringsArray, ...segments: Array<string | number>): string {
  return strings.reduce((out, literal, i) => {
    const segment = segments[i - 1];
    return out + encodeURIComponent(String(segment)) + literal;
  });
}

export class HttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    readonly upstream: UpstreamName,
    baseUrl: string,
    private readonly options: HttpClientOptions,
  ) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async request<T = void>(req: HttpRequest<T>, call: CallContext): Promise<T> {
    const started = performance.now();
    const log = (level: 'debug' | 'warn', status: number | undefined, extra: object = {}) =>
      this.options.logger[level](
        {
          upstream: this.upstream,
          operation: req.operation,
          method: req.method,
          path: req.path,
          status,
          durationMs: Math.round(performance.now() - started),
          requestId: call.requestId,
          ...extra,
        },
        `upstream ${req.method} ${req.operation} ${status ?? 'failed'}`,
      );
    const fail = (message: string, details: ConstructorParameters<typeof UpstreamError>[3] = {}) => {
      const error = new UpstreamError(this.upstream, req.operation, message, details);
      log('warn', details.status, { err: message, upstreamRequestId: details.upstreamRequestId });
      return error;
    };

    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: req.method,
        path: this.basePath + req.path + queryString(req.query),
        headers: {
          accept: 'application/json',
          'x-request-id': call.requestId,
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...req.headers,
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: call.signal ? AbortSignal.any([call.signal, deadline]) : deadline,
      });
    } catch (cause) {
      const timedOut = deadline.aborted || (cause as { code?: string }).code?.includes('TIMEOUT');
      throw fail(
        timedOut ? `timed out after ${this.options.timeoutMs} ms` : `request failed: ${describe(cause)}`,
        {
          cause,
        },
      );
    }

    const text = await response.body.text().catch(() => undefined);
    if (text === undefined) throw fail('response body could not be read', { status: response.statusCode });
    const body = parseJson(text);
    const upstreamRequestId = this.options.upstreamRequestId?.(body);
    const status = response.statusCode;

    if (status < 200 || status >= 300) {
      const known = req.classify?.(status, body) ?? this.options.classify(status, body);
      if (known) {
        log('debug', status, { upstreamRequestId, outcome: known.name });
        throw known;
      }
      throw fail(`unexpected status ${status}`, { status, upstreamRequestId });
    }
    if (!req.schema) {
      log('debug', status);
      return undefined as T;
    }
    const parsed = req.schema.safeParse(body);
    if (!parsed.success) {
      throw fail(`malformed response body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`, {
        status,
        upstreamRequestId,
      });
    }
    log('debug', status, { upstreamRequestId });
    return parsed.data;
  }

  /** Readiness: any HTTP answer at all proves the upstream reachable. */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: this.basePath || '/',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump();
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function queryString(query: HttpRequest<unknown>['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A body that is not JSON is kept as `undefined`: schemas then reject it as malformed. */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
