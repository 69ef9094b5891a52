import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config.js';
import { BulkApi, FINAL_STATUSES, scaleLocationIds, suspensionCsv, type JobState } from './bulk-api.js';
import { ratePhase, type RatePhase, type RateSizes } from './bulk-rate.js';
import {
  startRedisServer,
  UNLIMITED_RATE,
  withReplicas,
  type BenchRedis,
  type Simulators,
} from './bulk-stack.js';
import {
  countByKind,
  enqueuedOf,
  isScaleCall,
  keyGroups,
  levelWrites,
  settledCalls,
  type KeyGroup,
} from './bulk-measure.js';
import { pacedLoad, sentFrom, type PacedResult } from './paced-load.js';
import { measured, type WatchedProcesses, type WindowStats } from './window-stats.js';
import { rssMb, type Running } from './processes.js';
import { clearUpstreamCalls, gatewayTarget } from './stack.js';
import { SCALE_CUSTOMER_ID } from './targets.js';

/**
 * `npm run bench -- --bulk` (issue 22): a suspension of the scale seed's locations (10,000; 1,000 with
 * --quick) staged as a CSV upload, as a dry run and for real, on one and then two gateway replicas sharing one
 * redis-server, with the shared rate out of the way; then the real run under the default rate and under
 * `limitedRates` (bench/bulk-rate.ts). Each job is measured for items/s, upstream calls per item (at the
 * simulators), Redis memory, gateway RSS, and the p99 of an interactive nested screen (another customer's)
 * while it runs against the same screen with no job.
 */

export interface BulkSizes extends RateSizes {
  items: number;
  /** Shared rates (requests per second toward each backend) to measure beside the default one. */
  limitedRates: string[];
}

export const bulkSizes = {
  full: {
    items: 10_000,
    interactiveRate: 40,
    quietSeconds: 15,
    rateSeconds: 20,
    limitedRates: ['300', '600'],
  },
  quick: { items: 1_000, interactiveRate: 40, quietSeconds: 5, rateSeconds: 8, limitedRates: ['300'] },
} satisfies Record<string, BulkSizes>;

const JOB_LIMIT_MS = 240_000;

export interface Sample {
  seconds: number;
  done: number;
  /** The fan-out's cursor: items enqueued so far (read from the job's record in Redis). */
  enqueued: number;
  rssMb: number[];
  redisBytes: number;
}

export interface JobRun {
  job: JobState;
  seconds: number;
  itemsPerSecond: number;
  /** Between 10% and 90% of items done: the pace once the fan-out is under way, before the tail. */
  steadyItemsPerSecond: number;
  calls: { total: number; perItem: number; byKind: Record<string, number> };
  levelWrites: { locations: number; most: number };
  interactive: PacedResult;
  /** When every item was enqueued (s from the start): the fan-out's share of the job. */
  fanOutSeconds: number;
  /** The interactive screen once the fan-out was over (its p99 apart from the fan-out's bursts). */
  afterFanOut: { sent: number; p50: number; p99: number };
  /** The machine over the job (from its start to its end). */
  window: WindowStats;
  redis: { beforeBytes: number; peakBytes: number; afterBytes: number };
  samples: Sample[];
}

export interface ReplicaPhase {
  replicas: number;
  quiet: PacedResult;
  quietWindow: WindowStats;
  quietAfter: PacedResult;
  quietAfterWindow: WindowStats;
  upload: { lines: number; seconds: number; redisBytes: number };
  dryRun: JobRun;
  real: JobRun;
  keys: KeyGroup[];
}

export interface BulkResults {
  date: string;
  items: number;
  concurrency: number;
  interactiveRate: number;
  rateSeconds: number;
  phases: ReplicaPhase[];
  /** The default rate first, then each of `limitedRates`. */
  rates: RatePhase[];
}

type Log = (message: string) => void;

/** Polls the job (every 250 ms) until it ends, sampling every replica's RSS and Redis memory meanwhile. */
async function followJob(api: BulkApi, id: string, replicas: Running[], redis: BenchRedis) {
  const started = performance.now();
  const samples: Sample[] = [];
  for (;;) {
    const job = await api.job(id);
    samples.push({
      seconds: (performance.now() - started) / 1000,
      done: job.succeeded + job.failed + job.skipped,
      enqueued: await enqueuedOf(redis.client, id),
      rssMb: replicas.map((replica) => Math.round(rssMb(replica.pid))),
      redisBytes: await redis.usedMemory(),
    });
    if (FINAL_STATUSES.includes(job.status)) return { job, samples };
    if (performance.now() - started > JOB_LIMIT_MS) {
      throw new Error(`bulk job ${id} did not end in ${JOB_LIMIT_MS / 1000} s: ${JSON.stringify(job)}`);
    }
    await sleep(250);
  }
}

/** The seconds at which `fraction` of the items were done (linear between samples). */
function secondsAt(samples: Sample[], total: number, fraction: number): number {
  const goal = fraction * total;
  const after = samples.findIndex((s) => s.done >= goal);
  const before = samples[after - 1];
  const at = samples[after]!;
  if (!before) return at.seconds;
  return before.seconds + ((goal - before.done) / (at.done - before.done)) * (at.seconds - before.seconds);
}

interface Phase {
  sims: Simulators;
  replicas: Running[];
  api: BulkApi;
  redis: BenchRedis;
  sizes: BulkSizes;
  watched: WatchedProcesses;
}

const interactiveTargets = (replicas: Running[]) => replicas.map((r) => gatewayTarget(r.url, 'nested'));

/** One job from the upload, with interactive screens at a steady rate from its start to its end. */
async function runJob(phase: Phase, uploadId: string, dryRun: boolean): Promise<JobRun> {
  const { sims, replicas, api, redis, sizes } = phase;
  await clearUpstreamCalls(sims);
  const beforeBytes = await redis.usedMemory();
  const [[{ job, samples }, interactive], window] = await measured(phase.watched, async () => {
    const started = await api.start(uploadId, dryRun);
    let ended = false;
    const following = followJob(api, started.id, replicas, redis).finally(() => (ended = true));
    const load = pacedLoad(interactiveTargets(replicas), sizes.interactiveRate, {
      seconds: JOB_LIMIT_MS / 1000,
      stop: () => ended,
    });
    return Promise.all([following, load]);
  });
  if (job.status !== 'COMPLETED') throw new Error(`bulk job ended ${job.status}: ${JSON.stringify(job)}`);
  const afterBytes = await redis.usedMemory();
  const scaleCalls = (await settledCalls(sims)).filter(isScaleCall);
  const seconds = (Date.parse(job.completedAt!) - Date.parse(job.createdAt)) / 1000;
  const n = job.objectCount;
  const fanOutSeconds = samples.find((s) => s.enqueued >= n)?.seconds ?? NaN;
  return {
    job,
    seconds,
    itemsPerSecond: n / seconds,
    steadyItemsPerSecond: (0.8 * n) / (secondsAt(samples, n, 0.9) - secondsAt(samples, n, 0.1)),
    calls: { total: scaleCalls.length, perItem: scaleCalls.length / n, byKind: countByKind(scaleCalls) },
    levelWrites: levelWrites(scaleCalls),
    interactive,
    fanOutSeconds,
    afterFanOut: sentFrom(interactive, fanOutSeconds),
    window,
    redis: { beforeBytes, peakBytes: Math.max(...samples.map((s) => s.redisBytes)), afterBytes },
    samples,
  };
}

const uploadCsv = (items: number) => suspensionCsv(SCALE_CUSTOMER_ID, scaleLocationIds(items));

async function replicaPhase(redis: BenchRedis, count: number, sizes: BulkSizes, log: Log) {
  return withReplicas(redis, count, UNLIMITED_RATE, async (sims, replicas) => {
    const watched = { gateways: replicas, simulators: sims.pid, redis: redis.pid };
    const phase: Phase = { sims, replicas, api: new BulkApi(replicas[0]!.url), redis, sizes, watched };
    const targets = interactiveTargets(replicas);
    await pacedLoad(targets, sizes.interactiveRate, { seconds: 2 }); // warm-up
    log(`${count} replica(s): interactive nested screen, no job (${sizes.quietSeconds} s)`);
    const [quiet, quietWindow] = await measured(watched, () =>
      pacedLoad(targets, sizes.interactiveRate, { seconds: sizes.quietSeconds }),
    );
    const beforeUpload = await redis.usedMemory();
    const uploadStart = performance.now();
    const { uploadId, lines } = await phase.api.upload(uploadCsv(sizes.items));
    const upload = {
      lines,
      seconds: (performance.now() - uploadStart) / 1000,
      redisBytes: (await redis.usedMemory()) - beforeUpload,
    };
    log(`${count} replica(s): dry run of ${lines} locations`);
    const dryRun = await runJob(phase, uploadId, true);
    log(`${count} replica(s): dry run ${dryRun.seconds.toFixed(1)} s; the real run`);
    const real = await runJob(phase, uploadId, false);
    log(`${count} replica(s): real run ${real.seconds.toFixed(1)} s; no job again`);
    const [quietAfter, quietAfterWindow] = await measured(watched, () =>
      pacedLoad(targets, sizes.interactiveRate, { seconds: sizes.quietSeconds }),
    );
    return {
      replicas: count,
      quiet,
      quietWindow,
      quietAfter,
      quietAfterWindow,
      upload,
      dryRun,
      real,
      keys: await keyGroups(redis.client),
    };
  });
}

export async function bulkBench(sizes: BulkSizes, log: Log): Promise<BulkResults> {
  const redis = await startRedisServer();
  try {
    const phases: ReplicaPhase[] = [];
    for (const count of [1, 2]) phases.push(await replicaPhase(redis, count, sizes, log));
    const rates: RatePhase[] = [];
    for (const rate of [undefined, ...sizes.limitedRates])
      rates.push(await ratePhase(redis, rate, sizes, log));
    return {
      date: new Date().toISOString(),
      items: sizes.items,
      concurrency: Number(process.env.BULK_CONCURRENCY ?? loadConfig({}).bulk.concurrency),
      interactiveRate: sizes.interactiveRate,
      rateSeconds: sizes.rateSeconds,
      phases,
      rates,
    };
  } finally {
    await redis.stop();
  }
}
