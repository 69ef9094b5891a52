import { cpus, loadavg, release, totalmem } from 'node:os';
import type { LoadResult } from './load.js';

/** The printed table and ratios (markdown, ready for docs/performance.md) from a run's results. */

type Trio = Record<'gateway' | 'mesh' | 'waterfall', number>;
/** Screen latencies: the trio and the reference servers (absent in results from before they existed). */
type Screens = Trio & Partial<Record<'bareYoga' | 'bareGraphqlJs', number>>;

export interface Results {
  machine: string;
  date: string;
  mode: string;
  durationSeconds?: number;
  calls: Trio & { errors: Record<string, string> };
  throughput: Record<string, LoadResult>;
  sequential: Screens;
  /** One nested screen's time with no upstream call in flight (bench/own-time-worker.ts); absent in older runs. */
  ownTime?: { ownP50: number; upstreamP50: number };
  rtt40: Screens;
  delay20: { delayMs: number; p50: Screens; waves: Trio; goalMs: number };
  scale: Array<{ locations: number; errors: Record<string, string> } & Trio>;
  hostile: {
    connections: number;
    quiet: LoadResult;
    underAttack: LoadResult;
    rssBeforeMb: number;
    rssMaxMb: number;
    hostile: Record<string, { sent: number; statuses: Record<string, number> }>;
  };
}

export function machine(): string {
  const cpu = cpus();
  const gb = Math.round(totalmem() / 2 ** 30);
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${gb} GB, Linux ${release()}, Node ${process.version}, load average ${load}`;
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const us = (n?: number) => (n !== undefined && Number.isFinite(n) ? `${n.toFixed(0)} µs` : 'n/a');

export function render(r: Results): string {
  const t = r.throughput;
  const rps = (name: string) => t[name]?.rps ?? Number.NaN;
  const lines = [
    `subscriber-graph bench (${r.mode}), ${r.date}`,
    `machine: ${r.machine}`,
    '',
    '| target (16 connections) | req/s | p50 | p99 | errors | server CPU per request |',
    '|---|---:|---:|---:|---:|---:|',
    ...Object.entries(t).map(
      ([name, x]) =>
        `| ${name} | ${x.rps.toFixed(0)} | ${ms(x.p50)} | ${ms(x.p99)} | ${x.errors} | ${us(x.cpuUs)} |`,
    ),
    '',
    `upstream calls per nested screen (Linus, 2 locations): gateway ${r.calls.gateway}, mesh ${r.calls.mesh}, waterfall ${r.calls.waterfall}`,
    '',
    '| nested screen, one at a time (p50) | gateway | mesh | waterfall | bare yoga | bare graphql-js |',
    '|---|---:|---:|---:|---:|---:|',
    screenRow('loopback', r.sequential),
    screenRow('40 ms client RTT', r.rtt40),
    screenRow(`+${r.delay20.delayMs} ms on every upstream call`, r.delay20.p50),
    `| upstream waves (counted at the simulators) | ${r.delay20.waves.gateway} | ${r.delay20.waves.mesh} | ${r.delay20.waves.waterfall} | | |`,
    '',
    ...(r.ownTime
      ? [
          `one nested screen's own gateway time (no upstream call in flight), p50: ${ms(r.ownTime.ownP50)} (goal 3 ms); upstream calls in flight: ${ms(r.ownTime.upstreamP50)}`,
        ]
      : []),
    `gateway at +${r.delay20.delayMs} ms upstream: ${ms(r.delay20.p50.gateway)} against a goal of ${r.delay20.goalMs} ms: ${r.delay20.p50.gateway <= r.delay20.goalMs ? 'met' : 'NOT met'}`,
    '',
    '| locations | gateway calls | mesh calls | waterfall calls | errors |',
    '|---:|---:|---:|---:|---|',
    ...r.scale.map(
      (s) =>
        `| ${s.locations} | ${s.gateway} | ${s.mesh} | ${s.waterfall} | ${describeErrors(s.errors) || 'none'} |`,
    ),
    '',
    `hostile load (gateway, normal one-field query, ${r.hostile.connections} connections): p99 ${ms(r.hostile.quiet.p99)} quiet, ${ms(r.hostile.underAttack.p99)} under attack (p50 ${ms(r.hostile.quiet.p50)} → ${ms(r.hostile.underAttack.p50)}, ${r.hostile.quiet.rps.toFixed(0)} → ${r.hostile.underAttack.rps.toFixed(0)} req/s, errors ${r.hostile.underAttack.errors}); gateway RSS ${r.hostile.rssBeforeMb.toFixed(0)} MB before, ${r.hostile.rssMaxMb.toFixed(0)} MB max`,
    `hostile requests answered: ${Object.entries(r.hostile.hostile)
      .map(([kind, x]) => `${kind} ${JSON.stringify(x.statuses)}`)
      .join(', ')}`,
    '',
    `gateway/mesh single: ${ratio(rps('gateway single'), rps('mesh single'))}`,
    `gateway/mesh nested: ${ratio(rps('gateway nested'), rps('mesh nested'))}`,
    `gateway/direct single: ${ratio(rps('gateway single'), rps('direct single'))}`,
    `bare yoga/direct single: ${ratio(rps('bare yoga single'), rps('direct single'))}`,
    `bare graphql-js/direct single: ${ratio(rps('bare graphql-js single'), rps('direct single'))}`,
    `gateway/bare yoga single: ${ratio(rps('gateway single'), rps('bare yoga single'))}`,
    `gateway/bare yoga nested: ${ratio(rps('gateway nested'), rps('bare yoga nested'))}`,
    `gateway/waterfall nested: ${ratio(rps('gateway nested'), rps('waterfall nested'))}`,
    `waterfall/gateway sequential p50 on loopback: ${ratio(r.sequential.waterfall, r.sequential.gateway)}`,
    `mesh/gateway sequential p50 on loopback: ${ratio(r.sequential.mesh, r.sequential.gateway)}`,
    `waterfall/gateway at 40 ms RTT: ${ratio(r.rtt40.waterfall, r.rtt40.gateway)}`,
    `mesh/gateway at 40 ms RTT: ${ratio(r.rtt40.mesh, r.rtt40.gateway)}`,
    `mesh/gateway at +${r.delay20.delayMs} ms upstream: ${ratio(r.delay20.p50.mesh, r.delay20.p50.gateway)}`,
  ];
  return lines.join('\n');
}

function screenRow(name: string, p50: Screens): string {
  const cells = [
    p50.gateway,
    p50.mesh,
    p50.waterfall,
    p50.bareYoga ?? Number.NaN,
    p50.bareGraphqlJs ?? Number.NaN,
  ];
  return `| ${name} | ${cells.map(ms).join(' | ')} |`;
}

function describeErrors(errors: Record<string, string>): string {
  return Object.entries(errors)
    .filter(([, message]) => message)
    .map(([who, message]) => `${who}: ${message.slice(0, 120)}`)
    .join('; ');
}
