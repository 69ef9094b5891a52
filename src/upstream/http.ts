import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { UpstreamBudgetExceededError, UpstreamError } from '../errors.js';
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
  /** The request's budget of upstream calls and its record of them (audit, upstream request ids). */
  ledger?: UpstreamLedger;
}

/** An upstream path: `path` is encoded and sent; `route` is its template (`/api/Customers/{id}`) for labels. */
export interface UpstreamPath {
  path: string;
  route: string;
}

/** Names one upstream call, with bounded values only (no ids): for metrics, spans and the ledger. */
export interface UpstreamCallInfo {
  upstream: UpstreamName;
  operation: string;
  method: Dispatcher.HttpMethod;
  route: string;
}

export interface UpstreamCallEnd {
  /** The HTTP status, when an answer came. */
  status?: number;
  durationMs: number;
  upstreamRequestId?: string;
  /** Why no usable answer came: `timeout`, `aborted`, `network`, `malformed`. */
  failure?: 'timeout' | 'aborted' | 'network' | 'malformed';
}

/**
 * Watches every upstream call (metrics, tracing). `start` runs just before the call is sent and may add
 * headers (trace context); the function it returns runs once when the call ends, whatever the outcome.
 */
export interface UpstreamObserver {
  start(info: UpstreamCallInfo, headers: Record<string, string>): (end: UpstreamCallEnd) => void;
}

/** Turns a non-2xx answer into a domain error; `undefined` means "unexpected" (masked upstream error). */
export type ClassifyError = (status: number, body: unknown) => Error | undefined;

export interface HttpRequest<T> {
  /** Names the call in logs and errors, e.g. `unclaimNode`. */
  operation: string;
  method: Dispatcher.HttpMethod;
  /** Built with the `path` tag so every segment is encoded; a plain string is a fixed path. */
  path: UpstreamPath | string;
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
  /** Process-wide watchers of every call (metrics, tracing). */
  observers?: readonly UpstreamObserver[];
}

/** Tagged template that URL-encodes every interpolated path segment: `path\`/a/${id}\``. */
export function path(strings: TemplateStringsArray, ...segments: Array<string | number>): UpstreamPath {
  return {
    path: strings.reduce((out, literal, i) => out + encodeURIComponent(String(segments[i - 1])) + literal),
    route: strings.join('{id}'),
  };
}

/** Appends a fixed suffix to a built path: `appendPath(path\`/v2/accounts/${id}\`, '/services')`. */
export function appendPath(base: UpstreamPath, suffix: string): UpstreamPath {
  return { path: base.path + suffix, route: base.route + suffix };
}

/**
 * One per GraphQL request: admits at most `budget` upstream calls (the last line against fan-out that the
 * static limits let through) and records each call's outcome (the audit trail reads upstream request ids).
 */
export class UpstreamLedger {
  readonly calls: Array<UpstreamCallInfo & UpstreamCallEnd> = [];
  private admitted = 0;

  constructor(readonly budget: number) {}

  admit(): void {
    if (this.admitted >= this.budget) throw new UpstreamBudgetExceededError(this.budget);
    this.admitted += 1;
  }

  record(info: UpstreamCallInfo, end: UpstreamCallEnd): void {
    this.calls.push({ ...info, ...end });
  }
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
    call.ledger?.admit();
    const { path: requestPath, route } =
      typeof req.path === 'string' ? { path: req.path, route: req.path } : req.path;
    const info: UpstreamCallInfo = {
      upstream: this.upstream,
      operation: req.operation,
      method: req.method,
      route,
    };
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-request-id': call.requestId,
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...req.headers,
    };
    const started = performance.now();
    const watchers = (this.options.observers ?? []).map((observer) => observer.start(info, headers));
    const finish = (end: Omit<UpstreamCallEnd, 'durationMs'>) => {
      const ended = { ...end, durationMs: performance.now() - started };
      for (const watcher of watchers) watcher(ended);
      call.ledger?.record(info, ended);
      return ended;
    };
    const log = (level: 'debug' | 'warn', end: UpstreamCallEnd, extra: object = {}) =>
      this.options.logger[level](
        {
          upstream: this.upstream,
          operation: req.operation,
          method: req.method,
          path: requestPath,
          status: end.status,
          durationMs: Math.round(end.durationMs),
          requestId: call.requestId,
          ...(end.upstreamRequestId ? { upstreamRequestId: end.upstreamRequestId } : {}),
          ...extra,
        },
        `upstream ${req.method} ${req.operation} ${end.status ?? end.failure ?? 'failed'}`,
      );
    const fail = (message: string, end: Omit<UpstreamCallEnd, 'durationMs'>, cause?: unknown) => {
      log('warn', finish(end), { err: message });
      return new UpstreamError(this.upstream, req.operation, message, {
        status: end.status,
        upstreamRequestId: end.upstreamRequestId,
        failure: end.failure,
        cause,
      });
    };

    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: req.method,
        path: this.basePath + requestPath + queryString(req.query),
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: call.signal ? AbortSignal.any([call.signal, deadline]) : deadline,
      });
    } catch (cause) {
      if (call.signal?.aborted && !deadline.aborted) {
        // The client went away: expected, logged once at debug, never as an upstream fault.
        log('debug', finish({ failure: 'aborted' }));
        throw new UpstreamError(this.upstream, req.operation, 'aborted: the client disconnected', { cause });
      }
      const code = (cause as { code?: unknown }).code;
      const timedOut = deadline.aborted || (typeof code === 'string' && code.includes('TIMEOUT'));
      throw timedOut
        ? fail(`timed out after ${this.options.timeoutMs} ms`, { failure: 'timeout' }, cause)
        : fail(`request failed: ${describe(cause)}`, { failure: 'network' }, cause);
    }

    const status = response.statusCode;
    const text = await response.body.text().catch(() => undefined);
    if (text === undefined) throw fail('response body could not be read', { status, failure: 'network' });
    const body = parseJson(text);
    const upstreamRequestId = this.options.upstreamRequestId?.(body);

    if (status < 200 || status >= 300) {
      const known = req.classify?.(status, body) ?? this.options.classify(status, body);
      if (known) {
        log('debug', finish({ status, upstreamRequestId }), { outcome: known.name });
        throw known;
      }
      throw fail(`unexpected status ${status}`, { status, upstreamRequestId });
    }
    if (!req.schema) {
      log('debug', finish({ status, upstreamRequestId }));
      return undefined as T;
    }
    const parsed = req.schema.safeParse(body);
    if (!parsed.success) {
      throw fail(`malformed response body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`, {
        status,
        upstreamRequestId,
        failure: 'malformed',
      });
    }
    log('debug', finish({ status, upstreamRequestId }));
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
