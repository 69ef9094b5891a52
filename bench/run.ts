import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bulkBench, bulkSizes } from './bulk.js';
import { renderBulk } from './bulk-report.js';
import { loadHttp } from './load.js';
import { ownGatewayTime } from './own-time.js';
import { summarizeProfile } from './profile.js';
import { paths, rssMb, run } from './processes.js';
import { machine, render, type Results } from './report.js';
import {
  callsPerScreen,
  clientRtt,
  hostileLoad,
  scaleSeries,
  sequentialLoopback,
  throughput,
  upstreamDelay,
  type Sizes,
} from './scenarios.js';
import { clearUpstreamCalls, gatewayTarget, startStack } from './stack.js';

/**
 * `npm run bench`: builds the gateway, installs and composes the peer, starts everything on loopback and
 * runs every experiment of docs/performance.md. Flags: `--quick` (a smoke run of about a minute),
 * `--soak <seconds>` (memory under steady load), `--profile` (CPU profiles of the gateway), `--bulk` (only
 * the bulk-job experiments of bench/bulk.ts, with a real redis-server; `--bulk --quick` with 1,000 items),
 * `--no-build` (use dist/ as it is; by default it is rebuilt when any file under src/ is newer; the peer's
 * supergraph likewise when openapi/ or its mesh.config.js is newer).
 */

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    soak: { type: 'string' },
    profile: { type: 'boolean', default: false },
    bulk: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});

const full: Sizes = {
  rounds: 3,
  seconds: 4,
  warmupSeconds: 1,
  connections: 16,
  samples: 100,
  rttSamples: 40,
  hostileSeconds: 8,
  scales: [1, 10, 100],
};
const quick: Sizes = {
  rounds: 1,
  seconds: 2,
  warmupSeconds: 1,
  connections: 16,
  samples: 40,
  rttSamples: 12,
  hostileSeconds: 3,
  scales: [10],
};

const resultsDir = `${paths.root}bench/results/`;
const started = performance.now();
const log = (message: string) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

async function prepare(): Promise<void> {
  // The bulk experiments run the gateway alone: no peer to install or compose.
  if (!flags.bulk && !existsSync(`${paths.peerDir}node_modules`)) {
    log('installing the peer (bench/peer, npm ci)');
    await run('npm', ['ci', '--no-audit', '--no-fund'], paths.peerDir);
  }
  if (!flags['no-build'] && !isFresh(`${paths.root}dist/server.js`, [`${paths.root}src`])) {
    log('building the gateway (npm run build)');
    await run('npm', ['run', '-s', 'build']);
  }
  const composeInputs = [`${paths.root}openapi`, `${paths.peerDir}mesh.config.js`];
  if (!flags.bulk && !isFresh(`${paths.peerDir}supergraph.graphql`, composeInputs)) {
    log('composing the peer supergraph from openapi/');
    await run(
      process.execPath,
      ['node_modules/.bin/mesh-compose', '-o', 'supergraph.graphql'],
      paths.peerDir,
    );
  }
  mkdirSync(resultsDir, { recursive: true });
}

/** `output` exists and is newer than every file in `inputs` (folders are walked): rebuilding changes nothing. */
function isFresh(output: string, inputs: string[]): boolean {
  if (!existsSync(output)) return false;
  const builtAt = statSync(output).mtimeMs;
  const files = inputs.flatMap((input) =>
    statSync(input).isDirectory()
      ? readdirSync(input, { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => join(entry.parentPath, entry.name))
      : [input],
  );
  return files.every((file) => statSync(file).mtimeMs < builtAt);
}

function save(name: string, data: unknown): string {
  const file = `${resultsDir}${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

async function bench(sizes: Sizes, mode: string): Promise<void> {
  log('starting simulators, gateway and peer');
  const stack = await startStack();
  let results: Omit<Results, 'scale'>;
  try {
    const calls = await callsPerScreen(stack);
    log(`throughput: ${sizes.rounds} interleaved round(s) of ${sizes.seconds} s per target`);
    const load = await throughput(stack, sizes);
    log('one screen at a time on loopback');
    const sequential = await sequentialLoopback(stack, sizes);
    log("one screen's own gateway time");
    const ownTime = await ownGatewayTime(stack.sims, sizes.samples);
    log('40 ms client round trip');
    const rtt40 = await clientRtt(stack, sizes);
    log('20 ms on every upstream call');
    const delay20 = await upstreamDelay(stack, sizes);
    log('hostile load');
    const hostile = await hostileLoad(stack, sizes);
    results = {
      machine: machine(),
      date: new Date().toISOString(),
      mode,
      calls,
      throughput: load,
      sequential,
      ownTime,
      rtt40,
      delay20,
      hostile,
    };
  } finally {
    await stack.close();
  }
  log(`scale series: ${sizes.scales.join(', ')} locations`);
  const scale = await scaleSeries(sizes);
  const all: Results = {
    ...results,
    scale,
    durationSeconds: Math.round((performance.now() - started) / 1000),
  };
  console.log(render(all));
  log(`results: ${save(mode, all)}`);
}

/** `nodejs_heap_size_used_bytes` from the gateway's /metrics, in MB. */
async function heapUsedMb(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const match = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
  return match ? Number(match[1]) / 2 ** 20 : Number.NaN;
}

async function soak(seconds: number): Promise<void> {
  const stack = await startStack();
  try {
    const target = gatewayTarget(stack.gateway.url, 'nested');
    await loadHttp(target, 16, 10);
    const rssStartMb = rssMb(stack.gateway.pid);
    log(`soak: nested screen, 16 connections, ${seconds} s; gateway RSS ${rssStartMb.toFixed(0)} MB`);
    // The simulators' request logs grow with every call: cleared every 10 s. RSS is sampled every 30 s, so a
    // leak (a steady climb) shows apart from a heap that grows once and levels off.
    // RSS swings with the garbage collector; the lowest heap in use in each 30 s (read from /metrics every
    // 2 s) is the floor a leak would lift.
    const rssSeriesMb: number[] = [];
    const heapFloorSeriesMb: number[] = [];
    let heapFloor = Infinity;
    const metricsUrl = stack.gateway.url.replace(/\/graphql$/, '/metrics');
    const sweep = setInterval(() => void clearUpstreamCalls(stack.sims), 10_000);
    const heap = setInterval(() => {
      heapUsedMb(metricsUrl).then(
        (mb) => (heapFloor = Number.isFinite(mb) ? Math.min(heapFloor, mb) : heapFloor),
        () => undefined, // a sample missed under load; the window keeps its other samples
      );
    }, 2_000);
    const sample = setInterval(() => {
      rssSeriesMb.push(Math.round(rssMb(stack.gateway.pid)));
      heapFloorSeriesMb.push(Math.round(heapFloor));
      heapFloor = Infinity;
    }, 30_000);
    const load = await loadHttp(target, 16, seconds).finally(() => {
      clearInterval(sweep);
      clearInterval(heap);
      clearInterval(sample);
    });
    const rssEndMb = rssMb(stack.gateway.pid);
    const date = new Date().toISOString();
    const result = {
      machine: machine(),
      date,
      seconds,
      load,
      rssStartMb,
      rssEndMb,
      rssSeriesMb,
      heapFloorSeriesMb,
    };
    console.log(
      `soak ${seconds} s: ${load.rps.toFixed(0)} req/s, p99 ${load.p99} ms, errors ${load.errors}; ` +
        `gateway RSS ${rssStartMb.toFixed(0)} MB → ${rssEndMb.toFixed(0)} MB (every 30 s: ${rssSeriesMb.join(', ')}); ` +
        `lowest heap in use per 30 s: ${heapFloorSeriesMb.join(', ')} MB`,
    );
    log(`results: ${save('soak', result)}`);
  } finally {
    await stack.close();
  }
}

async function profile(): Promise<void> {
  const dir = `${resultsDir}profiles`;
  for (const shape of ['single', 'nested'] as const) {
    const name = `gateway-${shape}.cpuprofile`;
    const stack = await startStack(0, ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`]);
    const skipMs = stack.gateway.readyMs;
    try {
      log(`profiling the gateway under the ${shape} load (15 s)`);
      const load = await loadHttp(gatewayTarget(stack.gateway.url, shape), 16, 15);
      log(`${shape}: ${load.rps.toFixed(0)} req/s`);
    } finally {
      await stack.close();
    }
    console.log(`\n## gateway, ${shape} query\n\n${summarizeProfile(`${dir}/${name}`, skipMs)}`);
  }
}

async function bulk(): Promise<void> {
  const results = await bulkBench(flags.quick ? bulkSizes.quick : bulkSizes.full, log);
  const host = machine();
  console.log(renderBulk(results, host));
  log(`results: ${save(flags.quick ? 'bulk-quick' : 'bulk', { machine: host, ...results })}`);
}

await prepare();
if (flags.bulk) await bulk();
else if (flags.soak) await soak(Number(flags.soak));
else if (flags.profile) await profile();
else await bench(flags.quick ? quick : full, flags.quick ? 'quick' : 'full');
log('done');
