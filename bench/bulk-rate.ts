import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config.js';
import { BulkApi, scaleLocationIds, suspensionCsv } from './bulk-api.js';
import { enqueuedOf, isScaleCall, recordedCalls } from './bulk-measure.js';
import { SEED_SCALE, withReplicas, type BenchRedis } from './bulk-stack.js';
import { pacedLoad, sentFrom, type PacedResult } from './paced-load.js';
import { measured, type WindowStats } from './window-stats.js';
import { gatewayTarget } from './stack.js';
import { SCALE_CUSTOMER_ID } from './targets.js';

/**
 * A real suspension of all 10,000 locations under a shared rate (BULK_RATE_PLUME and BULK_RATE_SERVICES;
 * undefined: the gateway's defaults), on two replicas: its pace once it runs, the calls per second the
 * backends see, and the interactive screen's latency from the job's start (fan-out included, and apart
 * from it) against the same screen with no job. The job does not finish in the window: the replicas are stopped with it, and the next phase starts
 * from an empty Redis and fresh simulators.
 */

export interface RatePhase {
  replicas: number;
  rates: { plume: number; services: number };
  seconds: number;
  itemsPerSecond: number;
  /** Calls for the scale customer only (the interactive screen is another customer's). */
  plumeCallsPerSecond: number;
  servicesCallsPerSecond: number;
  /** The job was still running at the end of the window (else the figures cover less than a job). */
  stillRunning: boolean;
  quiet: PacedResult;
  quietWindow: WindowStats;
  /** From the job's start (its fan-out included) for `rateSeconds`. */
  during: PacedResult;
  duringWindow: WindowStats;
  /** When every item was enqueued (s from the start), and the screen from then on. */
  fanOutSeconds: number;
  afterFanOut: { sent: number; p50: number; p99: number };
}

export interface RateSizes {
  interactiveRate: number;
  quietSeconds: number;
  rateSeconds: number;
}

export async function ratePhase(
  redis: BenchRedis,
  rate: string | undefined,
  sizes: RateSizes,
  log: (message: string) => void,
): Promise<RatePhase> {
  const replicaCount = 2;
  const rates = rate ? { plume: Number(rate), services: Number(rate) } : loadConfig({}).bulk.rates;
  return withReplicas(redis, replicaCount, rate, async (sims, replicas) => {
    const api = new BulkApi(replicas[0]!.url);
    const targets = replicas.map((replica) => gatewayTarget(replica.url, 'nested'));
    await pacedLoad(targets, sizes.interactiveRate, { seconds: 2 }); // warm-up
    log(`rate ${rates.plume}/s ${rate ? '' : '(default) '}on 2 replicas: no job (${sizes.quietSeconds} s)`);
    const watched = { gateways: replicas, simulators: sims.pid, redis: redis.pid };
    const [quiet, quietWindow] = await measured(watched, () =>
      pacedLoad(targets, sizes.interactiveRate, { seconds: sizes.quietSeconds }),
    );
    const { uploadId } = await api.upload(suspensionCsv(SCALE_CUSTOMER_ID, scaleLocationIds(SEED_SCALE)));
    const read = async (id: string) => {
      const [job, calls] = await Promise.all([api.job(id), recordedCalls(sims)]);
      const bulk = calls.filter(isScaleCall);
      const plume = bulk.filter((call) => call.path.startsWith('/api/')).length;
      const done = job.succeeded + job.failed + job.skipped;
      return { at: performance.now(), done, plume, services: bulk.length - plume, status: job.status };
    };
    log(`rate ${rates.plume}/s: the real run, with the interactive screen (${sizes.rateSeconds} s)`);
    // The screen from the job's start: the fan-out (not paced) is part of what it meets.
    const [[during, id, fanOutSeconds, first], duringWindow] = await measured(watched, async () => {
      const { id } = await api.start(uploadId, false);
      const started = performance.now();
      const load = pacedLoad(targets, sizes.interactiveRate, { seconds: sizes.rateSeconds });
      const fanOut = (async () => {
        while (performance.now() - started < sizes.rateSeconds * 1000) {
          if ((await enqueuedOf(redis.client, id)) >= SEED_SCALE) return (performance.now() - started) / 1000;
          await sleep(100);
        }
        return Number.NaN; // not over within the window
      })();
      // The pace is read from 2 s on: after the fan-out and the first items.
      const first = sleep(2_000).then(() => read(id));
      return Promise.all([load, id, fanOut, first] as const);
    });
    const last = await read(id);
    const seconds = (last.at - first.at) / 1000;
    const perSecond = (key: 'done' | 'plume' | 'services') => (last[key] - first[key]) / seconds;
    return {
      replicas: replicaCount,
      rates,
      seconds,
      itemsPerSecond: perSecond('done'),
      plumeCallsPerSecond: perSecond('plume'),
      servicesCallsPerSecond: perSecond('services'),
      stillRunning: last.status === 'RUNNING',
      quiet,
      quietWindow,
      during,
      duringWindow,
      fanOutSeconds,
      afterFanOut: sentFrom(during, fanOutSeconds),
    };
  });
}
