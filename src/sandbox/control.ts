import type { IncomingMessage } from 'node:http';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';

/**
 * Test and demo controls shared by both simulators, mounted under `/__sandbox`:
 * fault injection (make a route fail or stall) and a log of the requests the simulator served,
 * so tests can count upstream calls over real HTTP.
 */

export const faultSchema = z.object({
  /** HTTP method to match; any method when absent. */
  method: z.string().toUpperCase().optional(),
  /** Exact path, or a prefix when it ends with `*` (e.g. `/api/Customers/*`). */
  path: z.string().min(1),
  /** Status to answer with instead of the real handler; the real handler runs when absent. */
  status: z.number().int().min(100).max(599).optional(),
  /** Delay before answering (or before the real handler runs), in milliseconds. */
  delayMs: z.number().int().min(0).max(120_000).optional(),
  /** Raw body to answer with, e.g. malformed JSON; the backend's own error body when absent. */
  body: z.string().optional(),
  /** How many matching requests the fault applies to; every one when absent. */
  times: z.number().int().min(1).optional(),
  /** Headers added to the answer (injected or real), e.g. `{"retry-after": "1"}`. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Destroy the connection without any answer (a reset, as a crashed backend or a proxy does). */
  reset: z.literal(true).optional(),
  /** Probability (0..1) that a matching request is hit; every one when absent. */
  rate: z.number().min(0).max(1).optional(),
  /** Seeds the `rate` draws, so a run hits the same requests every time; random when absent. */
  seed: z.number().int().optional(),
  /**
   * Pads the answer's body (injected or real) with spaces to this many bytes: still valid JSON, as large as
   * asked. Streamed as the client reads, so the simulator never holds it.
   */
  padTo: z.number().int().min(0).max(10_000_000_000).optional(),
  /** With `padTo`: `declared` sends Content-Length (the default), `chunked` sends none. */
  padLength: z.enum(['declared', 'chunked']).optional(),
});
export type Fault = z.input<typeof faultSchema>;
type ParsedFault = z.output<typeof faultSchema> & { draw: () => number };

/** Query parameters that carry credentials: recorded as `[redacted]`, never as sent. */
const SECRET_QUERY_KEYS = new Set(['api_key', 'access_token']);

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

/** Renders a backend's own error body for an injected status; `undefined` sends no body. */
export type ErrorBody = (status: number, message: string) => unknown;

export class SandboxControl {
  readonly requests: RecordedRequest[] = [];
  private faults: ParsedFault[] = [];

  constructor(private readonly errorBody: ErrorBody) {}

  inject(fault: Fault): void {
    const parsed = faultSchema.parse(fault);
    this.faults.push({
      ...parsed,
      draw: parsed.seed === undefined ? Math.random : seededRandom(parsed.seed),
    });
  }

  clearFaults(): void {
    this.faults = [];
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Requests recorded so far whose path starts with `prefix` (all when absent). */
  count(prefix = '/', method?: string): number {
    return this.requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method)).length;
  }

  private take(method: string, path: string): ParsedFault | undefined {
    const fault = this.faults.find(
      (f) =>
        (!f.method || f.method === method) &&
        (f.path.endsWith('*') ? path.startsWith(f.path.slice(0, -1)) : f.path === path) &&
        (f.rate === undefined || f.draw() < f.rate),
    );
    if (fault?.times !== undefined && --fault.times === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  /** Records every API request and applies a matching fault before the real handler. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const path = c.req.path;
      if (path.startsWith('/__sandbox')) return next();
      const query = Object.fromEntries(
        Object.entries(c.req.query()).map(([key, value]) => [
          key,
          SECRET_QUERY_KEYS.has(key) ? '[redacted]' : value,
        ]),
      );
      this.requests.push({ method: c.req.method, path, query });
      const fault = this.take(c.req.method, path);
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.reset) return reset(c);
      if (fault?.status !== undefined) c.res = this.faultResponse(c, fault.status, fault.body);
      else await next();
      for (const [name, value] of Object.entries(fault?.headers ?? {})) c.header(name, value);
      if (fault?.padTo !== undefined) await pad(c, fault.padTo, fault.padLength ?? 'declared');
    };
  }

  private faultResponse(c: Context, status: number, body: string | undefined): Response {
    if (body !== undefined) return c.body(body, status as never, { 'content-type': 'application/json' });
    const rendered = this.errorBody(status, 'Injected fault');
    if (rendered === undefined) return c.body(null, status as never);
    return c.json(rendered, status as never);
  }

  /** Mounts the HTTP face of the controls on a simulator app. */
  mount(app: Hono): void {
    app.post('/__sandbox/faults', async (c) => {
      const parsed = faultSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
      this.inject(parsed.data);
      return c.body(null, 204);
    });
    app.delete('/__sandbox/faults', (c) => {
      this.clearFaults();
      return c.body(null, 204);
    });
    app.get('/__sandbox/requests', (c) => c.json(this.requests));
    app.delete('/__sandbox/requests', (c) => {
      this.clearRequests();
      return c.body(null, 204);
    });
  }
}

/** Destroys the request's connection (only over HTTP: @hono/node-server passes the socket in `env`). */
function reset(c: Context): Response {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  if (!socket) throw new Error('a reset fault needs a real connection');
  socket.destroy();
  // Never sent: the connection is gone.
  return c.body(null, 500);
}

/** Replaces the answer's body by itself followed by spaces up to `total` bytes, produced as it is read. */
async function pad(c: Context, total: number, length: 'declared' | 'chunked'): Promise<void> {
  const head = new Uint8Array(await c.res.arrayBuffer());
  const size = Math.max(total, head.byteLength);
  const spaces = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent === 0 && head.byteLength > 0) {
          sent = head.byteLength;
          return controller.enqueue(head);
        }
        const next = Math.min(spaces.byteLength, size - sent);
        if (next <= 0) return controller.close();
        sent += next;
        controller.enqueue(next === spaces.byteLength ? spaces : spaces.subarray(0, next));
      },
    },
    { highWaterMark: 0 },
  );
  const { status, headers } = c.res;
  c.res = new Response(body, { status, headers });
  if (length === 'declared') c.res.headers.set('content-length', String(size));
  else c.res.headers.delete('content-length');
}

/** mulberry32: a tiny deterministic generator of numbers in [0, 1), for reproducible `rate` faults. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
