import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribe } from 'node:diagnostics_channel';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { call, percentiles } from './load.js';
import { gatewayTarget } from './stack.js';

/**
 * Run by bench/own-time.ts in a process of its own (NODE_ENV=production): the gateway (src/app.ts, as
 * `npm start` composes it), asked for the nested screen one at a time. Each screen's own gateway time is its
 * end-to-end time minus the time at least one of its upstream calls was in flight, from undici's diagnostics
 * channels (created → response complete): what is left is the gateway's own work (HTTP, GraphQL,
 * resolvers, the HTTP layer) and the loopback hops to the client. Prints one JSON line.
 */

const samples = Number(process.env.OWN_TIME_SAMPLES ?? 100);
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', AUDIT_LOG: 'off' });
const app = createApp(config, config.upstream!, createLogger('warn'));

// The gateway's upstream calls: each from its creation until its response is complete (or fails). The
// client's own request (to the gateway, also through undici here) is told apart by its origin.
const upstreamOrigins = new Set(
  [config.upstream!.plumeUrl, config.upstream!.servicesUrl].map((u) => new URL(u).origin),
);
const started = new WeakMap<object, number>();
let calls: Array<[number, number]> = [];
subscribe('undici:request:create', (message) => {
  const { request } = message as { request: { origin: string } };
  if (upstreamOrigins.has(request.origin)) started.set(request, performance.now());
});
const ended = (message: unknown) => {
  const begin = started.get((message as { request: object }).request);
  if (begin !== undefined) calls.push([begin, performance.now()]);
};
subscribe('undici:request:trailers', ended);
subscribe('undici:request:error', ended);
const server = createServer(app.gateway);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const target = gatewayTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, 'nested');

/** Milliseconds covered by at least one interval. */
function unionMs(intervals: Array<[number, number]>): number {
  let covered = 0;
  let reach = -Infinity;
  for (const [start, end] of intervals.sort((a, b) => a[0] - b[0])) {
    if (end <= reach) continue;
    covered += end - Math.max(start, reach);
    reach = end;
  }
  return covered;
}

for (let i = 0; i < 50; i++) await call(target);
const own: number[] = [];
const upstream: number[] = [];
for (let i = 0; i < samples; i++) {
  calls = [];
  const start = performance.now();
  await call(target);
  const total = performance.now() - start;
  const inFlight = unionMs(calls);
  upstream.push(inFlight);
  own.push(total - inFlight);
}
console.log(JSON.stringify({ ownP50: percentiles(own).p50, upstreamP50: percentiles(upstream).p50 }));
server.close();
await app.close();
