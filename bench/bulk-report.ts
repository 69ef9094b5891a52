import type { RatePhase } from './bulk-rate.js';
import type { BulkResults, JobRun, ReplicaPhase } from './bulk.js';
import type { PacedResult } from './paced-load.js';
import type { WindowStats } from './window-stats.js';

/** The bulk bench's printed tables and ratios (markdown, ready for docs/performance.md). */

/**
 * Upstream calls a hand-written script needs per location: the dry run reads each location's level (the WiFi
 * cloud has no batch read of levels, and the level is what the preview shows); the real run reads it too (it
 * must be remembered for restoreLocation) and writes it. Plus one read per customer to check the token's
 * scope, here one customer for all items: 1/items per item.
 */
export const lowerBound = (run: JobRun) => (run.job.dryRun ? 1 : 2) + 1 / run.job.objectCount;

/** The interactive screen's p99 may grow this much while a job runs (issue 22). */
export const P99_GOAL = 1.5;

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');
const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const count = (n: number) => n.toLocaleString('en-US');
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const met = (ratio: number) => (ratio <= P99_GOAL ? 'met' : 'NOT met');
/** The fan-out is paced (at most 1,000 items queued ahead): in a short window it may not end at all. */
const fanOutCell = (seconds: number, afterP99: number, quietP99: number) =>
  Number.isFinite(seconds)
    ? `${seconds.toFixed(1)} s: ${ms(afterP99)} = ${x(afterP99, quietP99)}`
    : 'still enqueuing when the window ended';
const afterFanOut = (afterP99: number, quietP99: number) =>
  Number.isFinite(afterP99)
    ? `after the fan-out ${x(afterP99, quietP99)} (${met(afterP99 / quietP99)})`
    : 'the fan-out ran the whole window';

function rss(run: JobRun, replica: number): string {
  const series = run.samples.map((s) => s.rssMb[replica]!);
  const at = (fraction: number) =>
    run.samples.find((s) => s.done >= fraction * run.job.objectCount)?.rssMb[replica] ?? NaN;
  return `${series[0]} → ${at(0.5)} → ${series.at(-1)} (max ${Math.max(...series)})`;
}

/** The lowest heap in use in each quarter of the window (one reading a second), per replica. */
function heapFloors(w: WindowStats, replica: number): number[] {
  const series = w.heapMb[replica]!;
  const quarter = Math.max(1, Math.ceil(series.length / 4));
  return [0, 1, 2, 3]
    .map((q) => series.slice(q * quarter, (q + 1) * quarter))
    .filter((part) => part.length)
    .map((part) => Math.min(...part));
}

const floor = (w: WindowStats, replica: number) => Math.min(...w.heapMb[replica]!);

function memoryLine(phase: ReplicaPhase, run: JobRun): string {
  const replicas = run.samples[0]!.rssMb.map(
    (_, i) => `RSS ${rss(run, i)} MB, heap floor per quarter ${heapFloors(run.window, i).join(', ')} MB`,
  );
  return `- ${phase.replicas} replica(s), ${run.job.dryRun ? 'dry run' : 'real run'}: ${replicas.join('; ')}`;
}

/** The heap's floor with no job, before the two jobs and after them: what the jobs left behind. */
function leftBehind(phase: ReplicaPhase): string {
  const replicas = phase.quietWindow.heapMb.map(
    (_, i) => `${floor(phase.quietWindow, i)} → ${floor(phase.quietAfterWindow, i)} MB`,
  );
  return `- ${phase.replicas} replica(s): heap floor with no job, before → after both jobs: ${replicas.join('; ')}`;
}

/** Other processes on the machine (another user's tests) took more than this share of a core: say so. */
const NOISY_PERCENT = 20;

function noise(...windows: WindowStats[]): string {
  const others = windows.map((w) => w.cpu.other);
  return Math.max(...others) > NOISY_PERCENT
    ? ` [noisy: other processes used ${others.join('% / ')}% of a core]`
    : '';
}

function jobRow(phase: ReplicaPhase, run: JobRun): string {
  const { job, interactive, redis } = run;
  const perTenThousand = ((redis.afterBytes - redis.beforeBytes) * 10_000) / job.objectCount;
  const replicas = run.samples[0]!.rssMb.map((_, i) => rss(run, i)).join('; ');
  return row([
    phase.replicas,
    job.dryRun ? 'dry run' : 'real',
    `${job.succeeded}/${job.failed}/${job.skipped}`,
    `${run.itemsPerSecond.toFixed(0)} (${run.steadyItemsPerSecond.toFixed(0)})`,
    run.seconds.toFixed(1),
    `${run.calls.perItem.toFixed(2)} / ${lowerBound(run).toFixed(2)}`,
    `${ms(phase.quiet.p50)} / ${ms(phase.quiet.p99)} → ${ms(interactive.p50)} / ${ms(interactive.p99)}`,
    x(interactive.p99, phase.quiet.p99),
    fanOutCell(run.fanOutSeconds, run.afterFanOut.p99, phase.quiet.p99),
    replicas,
    `${mb(redis.beforeBytes)} → ${mb(redis.peakBytes)} → ${mb(redis.afterBytes)} (+${mb(perTenThousand)})`,
  ]);
}

function rateRow(r: RatePhase, items: number): string {
  return row([
    `${r.rates.plume} / ${r.rates.services}`,
    r.replicas,
    r.itemsPerSecond.toFixed(1),
    `${r.plumeCallsPerSecond.toFixed(1)} / ${r.servicesCallsPerSecond.toFixed(1)}`,
    `${ms(r.quiet.p50)} / ${ms(r.quiet.p99)} → ${ms(r.during.p50)} / ${ms(r.during.p99)}`,
    x(r.during.p99, r.quiet.p99),
    fanOutCell(r.fanOutSeconds, r.afterFanOut.p99, r.quiet.p99),
    `${(items / r.itemsPerSecond / 60).toFixed(1)} min${r.stillRunning ? '' : ' (the job ended in the window)'}`,
  ]);
}

function windowRow(name: string, load: PacedResult, w: WindowStats): string {
  const lag = w.loopLagP99Ms.map((p99, i) => `${p99.toFixed(0)} / ${w.loopLagMaxMs[i]!.toFixed(0)}`);
  return row([
    name,
    ms(load.p99),
    w.cpu.gateways.join(' + '),
    w.cpu.simulators,
    w.cpu.redis,
    w.cpu.bench,
    w.cpu.other,
    lag.join('; '),
  ]);
}

function windows(r: BulkResults): string[] {
  return [
    '| window | interactive p99 | CPU % of one core: gateway(s) | simulators | Redis | bench | other processes | gateway event-loop delay: worst 1-s p99 / max, ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.phases.flatMap((p) => [
      windowRow(`${p.replicas} replica(s), no job`, p.quiet, p.quietWindow),
      windowRow(`${p.replicas} replica(s), dry run`, p.dryRun.interactive, p.dryRun.window),
      windowRow(`${p.replicas} replica(s), real run`, p.real.interactive, p.real.window),
    ]),
    ...r.rates.flatMap((rate) => [
      windowRow(`rate ${rate.rates.plume}/s, no job`, rate.quiet, rate.quietWindow),
      windowRow(`rate ${rate.rates.plume}/s, real run`, rate.during, rate.duringWindow),
    ]),
  ];
}

function callsLine(phase: ReplicaPhase, run: JobRun): string {
  const kinds = Object.entries(run.calls.byKind)
    .map(([kind, n]) => `${kind} ${(n / run.job.objectCount).toFixed(2)}`)
    .join(', ');
  const writes = run.job.dryRun
    ? ''
    : `; level writes: ${count(run.levelWrites.locations)} locations, at most ${run.levelWrites.most} each`;
  return `- ${phase.replicas} replica(s), ${run.job.dryRun ? 'dry run' : 'real run'}: ${kinds || 'none'}${writes}`;
}

export function renderBulk(r: BulkResults, machine: string): string {
  const [one, two] = r.phases as [ReplicaPhase, ReplicaPhase | undefined];
  const last = two ?? one;
  const jobs = r.phases.flatMap((phase) => [
    [phase, phase.dryRun],
    [phase, phase.real],
  ]) as Array<[ReplicaPhase, JobRun]>;
  const errors = (p: ReplicaPhase) =>
    p.quiet.errors + p.dryRun.interactive.errors + p.real.interactive.errors + p.quietAfter.errors;
  const lines = [
    `subscriber-graph bench (bulk), ${r.date}`,
    `machine: ${machine}`,
    `${count(r.items)}-location suspension from a CSV upload; BULK_CONCURRENCY ${r.concurrency} per replica; BULK_RATE_* 10000/s (out of the way); interactive: the nested screen (Linus) at ${r.interactiveRate}/s over the replicas`,
    '',
    '| replicas | run | succeeded/failed/skipped | items/s (steady 10–90%) | s | upstream calls per item / lower bound | interactive p50 / p99: no job → during | p99 ratio | fan-out took; p99 after it, ratio | gateway RSS MB start → half → end, per replica | Redis MB before → peak → after (+ per 10,000 items) |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|',
    ...jobs.map(([phase, run]) => jobRow(phase, run)),
    '',
    'upstream calls per item, by kind (at the simulators, the scale customer only):',
    ...jobs.map(([phase, run]) => callsLine(phase, run)),
    '',
    'gateway memory over each job (RSS start → half → end; the lowest heap in use, from /metrics each second, per quarter of the job):',
    ...jobs.map(([phase, run]) => memoryLine(phase, run)),
    ...r.phases.map(leftBehind),
    '',
    ...r.phases.map(
      (p) =>
        `${p.replicas} replica(s): upload of ${count(p.upload.lines)} lines in ${p.upload.seconds.toFixed(1)} s, Redis +${mb(p.upload.redisBytes)} MB; interactive p99 with no job after the jobs ${ms(p.quietAfter.p99)}; interactive errors ${errors(p)}`,
    ),
    '',
    `Redis keys after the ${last.replicas}-replica runs (largest first):`,
    ...last.keys.slice(0, 8).map((k) => `- ${k.pattern}: ${count(k.keys)} keys, ~${mb(k.bytes)} MB`),
    '',
    `the real run under a shared rate (the first: the default), 10,000 locations, interactive screen at ${r.interactiveRate}/s for ${r.rateSeconds} s from the job's start:`,
    '',
    '| rate WiFi cloud / services (req/s) | replicas | items/s | bulk calls/s WiFi cloud / services | interactive p50 / p99: no job → during | p99 ratio | fan-out took; p99 after it, ratio | 10,000 locations take |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rates.map((rate) => rateRow(rate, 10_000)),
    '',
    `a dry run at the default rate: about ${(10_000 / (r.rates[0]!.rates.plume / one.dryRun.calls.perItem) / 60).toFixed(1)} min (the rate over its calls per item)`,
    '',
    'where the CPU went in each measured window (a busy "other" means another process on the machine moved the figures):',
    '',
    ...windows(r),
    '',
    ...jobs.map(
      ([p, run]) =>
        `interactive p99 during / no job, ${p.replicas} replica(s), ${run.job.dryRun ? 'dry run' : 'real'} at full speed: ${x(run.interactive.p99, p.quiet.p99)} (goal ≤ ${P99_GOAL}x: ${met(run.interactive.p99 / p.quiet.p99)}); ${afterFanOut(run.afterFanOut.p99, p.quiet.p99)}${noise(p.quietWindow, run.window)}`,
    ),
    ...r.rates.map(
      (rate) =>
        `interactive p99 during / no job, real run at ${rate.rates.plume}/s: ${x(rate.during.p99, rate.quiet.p99)} (goal ≤ ${P99_GOAL}x: ${met(rate.during.p99 / rate.quiet.p99)}); ${afterFanOut(rate.afterFanOut.p99, rate.quiet.p99)}${noise(rate.quietWindow, rate.duringWindow)}`,
    ),
    ...jobs.map(
      ([p, run]) =>
        `upstream calls per item / lower bound, ${p.replicas} replica(s), ${run.job.dryRun ? 'dry run' : 'real'}: ${x(run.calls.perItem, lowerBound(run))}`,
    ),
    ...(two
      ? [
          `items/s 2 replicas / 1 replica: dry run ${x(two.dryRun.itemsPerSecond, one.dryRun.itemsPerSecond)}, real ${x(two.real.itemsPerSecond, one.real.itemsPerSecond)}`,
        ]
      : []),
  ];
  return lines.join('\n');
}
