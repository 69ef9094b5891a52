import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config.js';
import { BulkApi, scaleLocationIds, suspensionCsv } from './bulk-api.js';
import { isScaleCall, recordedCalls } from './bulk-measure.js';
import { SEED_SCALE, withReplicas, type BenchRedis } from './bulk-stack.js';
import { pacedLoad, type PacedResult } from './paced-load.js';
import { measured, type WindowStats } from './window-stats.js';
import { gatewayTarget } from './stack.js';
import { SCALE_CUSTOMER_ID } from './targets.js';

/**
 * A real suspension of all 10,000 locations under a shared rate (BULK_RATE_PLUME and BULK_RATE_SERVICES;
 * undefined: the gateway's defaults), on two replicas: its pace over a window once it runs, the calls per
 * second the backends see, and the interactive screen's latency meanwhile against the same screen with no
 * job. The job does not finish in the window: the replicas are stopped with it, and the next phase starts
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
  during: PacedResult;
  duringWindow: WindowStats;
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
    const { id } = await api.start(uploadId, false);
    await sleep(2_000); // the fan-out and the first items
    const read = async () => {
      const [job, calls] = await Promise.all([api.job(id), recordedCalls(sims)]);
      const bulk = calls.filter(isScaleCall);
      const plume = bulk.filter((call) => call.path.startsWith('/api/')).length;
      const done = job.succeeded + job.failed + job.skipped;
      return { at: performance.now(), done, plume, services: bulk.length - plume, status: job.status };
    };
    log(`rate ${rates.plume}/s: the real run, with the interactive screen (${sizes.rateSeconds} s)`);
    const first = await read();
    const [during, duringWindow] = await measured(watched, () =>
      pacedLoad(targets, sizes.interactiveRate, { seconds: sizes.rateSeconds }),
    );
    const last = await read();
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
    };
  });
}
