import { setTimeout as sleep } from 'node:timers/promises';
import { call, percentiles, type HttpTarget } from './load.js';

/**
 * Interactive traffic at a steady rate (an open loop: each request leaves on its schedule whatever is still
 * in flight, as users do not wait for each other), round robin over the targets (replicas behind a load
 * balancer). Unlike a closed loop, it does not saturate the gateway, so its latency shows queueing behind
 * other work (a bulk job) rather than the machine's throughput.
 */

export interface PacedResult {
  sent: number;
  p50: number;
  p99: number;
  max: number;
  /** Non-200 answers, GraphQL errors and connection errors. */
  errors: number;
  seconds: number;
  /** Each answered request: when it was sent (s from the start) and its latency (ms). */
  timeline: Array<[number, number]>;
}

/** The requests sent from `seconds` on (e.g. once a job's fan-out was over). */
export function sentFrom(result: PacedResult, seconds: number): { sent: number; p50: number; p99: number } {
  const later = result.timeline.filter(([sentAt]) => sentAt >= seconds).map(([, ms]) => ms);
  return { sent: later.length, ...percentiles(later) };
}

export async function pacedLoad(
  targets: HttpTarget[],
  ratePerSecond: number,
  { seconds, stop = () => false }: { seconds: number; stop?: () => boolean },
): Promise<PacedResult> {
  const intervalMs = 1000 / ratePerSecond;
  const latencies: number[] = [];
  const timeline: Array<[number, number]> = [];
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  const start = performance.now();
  let sent = 0;
  while (!stop() && performance.now() - start < seconds * 1000) {
    const target = targets[sent % targets.length]!;
    const sentAt = performance.now();
    const request = call(target).then(
      () => {
        const latency = performance.now() - sentAt;
        latencies.push(latency);
        timeline.push([Math.round(sentAt - start) / 1000, Math.round(latency * 10) / 10]);
      },
      () => void errors++,
    );
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    sent++;
    await sleep(Math.max(0, start + sent * intervalMs - performance.now()));
  }
  const elapsed = (performance.now() - start) / 1000;
  await Promise.all(inFlight);
  const max = Math.max(0, ...latencies);
  return { sent, ...percentiles(latencies), max, errors, seconds: elapsed, timeline };
}
