import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';

/** Load and latency measurement: autocannon for HTTP targets, a closed loop for the REST waterfall. */

export interface HttpTarget {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** The server's own CPU time per request, in µs (when its process is known: not the peer's workers). */
  cpuUs?: number;
}

export async function loadHttp(
  target: HttpTarget,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const result = await autocannon({
    ...target,
    // A fresh id on every request, so nothing can be served from repetition.
    headers: { ...target.headers, 'x-request-id': '[<id>]' },
    idReplacement: true,
    connections,
    duration: seconds,
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** `connections` workers calling `once` back to back for `seconds`. */
export async function loadLoop(
  once: () => Promise<unknown>,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const start = performance.now();
      try {
        await once();
        latencies.push(performance.now() - start);
      } catch {
        errors++;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - start) / 1000;
  return { rps: latencies.length / elapsed, ...percentiles(latencies), errors };
}

/** One request at a time, `samples` times, after `warmup` unmeasured ones. */
export async function sequential(
  once: () => Promise<unknown>,
  samples: number,
  warmup = 5,
): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < warmup; i++) await once();
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await once();
    latencies.push(performance.now() - start);
  }
  return percentiles(latencies);
}

export function percentiles(values: number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

export function median(values: number[]): number {
  return percentiles(values).p50;
}

/** One request to an HTTP target; fails unless it is a 200 without GraphQL errors. Returns the body. */
export async function call(target: HttpTarget, url = target.url): Promise<string> {
  const response = await request(url, {
    method: target.method as 'GET' | 'POST',
    headers: { ...target.headers, 'x-request-id': randomUUID() },
    body: target.body,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200 || text.startsWith('{"errors"') || text.includes('"errors":[')) {
    throw new Error(`${target.method} ${url}: ${response.statusCode} ${text.slice(0, 300)}`);
  }
  return text;
}
