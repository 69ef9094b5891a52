import { readFileSync } from 'node:fs';
import { cpuMs, type Running } from './processes.js';

/**
 * Where the machine's CPU went over a measured window, and each gateway's event loop and heap: the figures
 * that tell a latency that grew because the gateway's own loop was busy (bulk items on the same loop) from
 * one that grew because the cores were busy (the simulators, Redis, or another process on the machine, which
 * the bench cannot stop and can only show), and a heap that leaks from one that the collector swings.
 */

export interface WindowStats {
  /** Percent of one core each group used over the window (200 = both cores of a 2-core machine). */
  cpu: { gateways: number[]; simulators: number; redis: number; bench: number; other: number };
  /** Per gateway: the highest one-second p99 of its event-loop delay, and the longest delay, in ms. */
  loopLagP99Ms: number[];
  loopLagMaxMs: number[];
  /** Per gateway: the longest event-loop delay of each second, in ms (when in the window the loop stalled). */
  loopLagMaxSeriesMs: number[][];
  /** Per gateway: the V8 heap in use, each second, in MB. */
  heapMb: number[][];
}

export interface WatchedProcesses {
  gateways: Running[];
  simulators: number;
  redis: number;
}

/** Busy time of the whole machine (every core, every process, the kernel), ms: /proc/stat's first line. */
function machineBusyMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) * 10;
}

const metricsUrl = (gateway: Running) => gateway.url.replace(/\/graphql$/, '/metrics');

/** Unlabelled values from a gateway's /metrics, by name (NaN when absent). */
async function gatewayMetrics(gateway: Running, names: string[]): Promise<number[]> {
  const text = await (await fetch(metricsUrl(gateway))).text();
  return names.map((name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN));
}

// prom-client's event-loop histogram is reset at each scrape: each reading covers the second before it.
const SECOND = [
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_heap_size_used_bytes',
];

/** Starts a window now; the function it answers ends it and says what happened in it. */
export async function startWindow(watched: WatchedProcesses): Promise<() => Promise<WindowStats>> {
  const { gateways } = watched;
  const seconds = gateways.map(() => [] as number[][]);
  const read = () =>
    Promise.all(gateways.map((g) => gatewayMetrics(g, SECOND))).then(
      (readings) => readings.forEach((reading, i) => seconds[i]!.push(reading)),
      () => undefined, // a reading missed; the window keeps the others
    );
  await Promise.all(gateways.map((g) => gatewayMetrics(g, SECOND))); // resets the histograms
  const timer = setInterval(() => void read(), 1000);
  const pids = [...gateways.map((g) => g.pid), watched.simulators, watched.redis];
  const before = {
    at: performance.now(),
    machine: machineBusyMs(),
    own: pids.map(cpuMs),
    bench: process.cpuUsage(),
  };
  return async () => {
    clearInterval(timer);
    const wallMs = performance.now() - before.at;
    const used = pids.map((pid, i) => cpuMs(pid) - before.own[i]!);
    const benchUsage = process.cpuUsage(before.bench);
    const benchMs = (benchUsage.user + benchUsage.system) / 1000;
    const machineMs = machineBusyMs() - before.machine;
    await read();
    const share = (ms: number) => Math.round((ms / wallMs) * 100);
    const ours = used.reduce((sum, ms) => sum + ms, 0) + benchMs;
    const count = gateways.length;
    const column = (i: number, field: number, scale: number) =>
      seconds[i]!.map((reading) => reading[field]! * scale).filter(Number.isFinite);
    return {
      cpu: {
        gateways: used.slice(0, count).map(share),
        simulators: share(used[count]!),
        redis: share(used[count + 1]!),
        bench: share(benchMs),
        other: Math.max(0, share(machineMs - ours)),
      },
      loopLagP99Ms: gateways.map((_, i) => Math.max(0, ...column(i, 0, 1000))),
      loopLagMaxMs: gateways.map((_, i) => Math.max(0, ...column(i, 1, 1000))),
      loopLagMaxSeriesMs: gateways.map((_, i) => column(i, 1, 1000).map(Math.round)),
      heapMb: gateways.map((_, i) => column(i, 2, 2 ** -20).map(Math.round)),
    };
  };
}

/** `work` inside a window: its result, and what the machine did meanwhile. */
export async function measured<T>(
  watched: WatchedProcesses,
  work: () => Promise<T>,
): Promise<[T, WindowStats]> {
  const end = await startWindow(watched);
  const result = await work();
  return [result, await end()];
}
