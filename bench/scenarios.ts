import { call, loadHttp, loadLoop, median, sequential, type HttpTarget, type LoadResult } from './load.js';
import { startHostileLoop, type HostileTally } from './hostile.js';
import { cpuMs, rssMb, startGateway, startMesh } from './processes.js';
import { countWaves, startTcpProxy } from './tcp-proxy.js';
import {
  clearUpstreamCalls,
  countUpstreamCalls,
  delayUpstreams,
  directTarget,
  gatewayTarget,
  meshTarget,
  startStack,
  type Stack,
} from './stack.js';
import { CUSTOMER_ID, SCALE_CUSTOMER_ID } from './targets.js';
import { WaterfallClient } from './waterfall.js';

/** Each experiment of the issue, as a function of a running stack and the run's sizes. */

export interface Sizes {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  samples: number;
  rttSamples: number;
  hostileSeconds: number;
  scales: number[];
}

type Runner = (() => Promise<LoadResult>) & { check(): Promise<unknown> };

/** `pid`: the server whose CPU time per request is read from /proc, a figure the machine's noise moves less. */
function httpRunner(target: HttpTarget, sizes: Sizes, pid?: number, seconds = sizes.seconds): Runner {
  const run = async () => {
    const before = pid ? cpuMs(pid) : Number.NaN;
    const result = await loadHttp(target, sizes.connections, seconds);
    if (!pid) return result;
    return { ...result, cpuUs: ((cpuMs(pid) - before) * 1000) / (result.rps * seconds) };
  };
  return Object.assign(run, { check: () => call(target) });
}

function throughputTargets(stack: Stack, sizes: Sizes): Record<string, Runner> {
  const { gateway, mesh, sims, waterfall, references } = stack;
  const { yoga, graphqlJs } = references;
  return {
    'direct single': httpRunner(directTarget(sims.plumeUrl), sizes, sims.pid),
    'gateway single': httpRunner(gatewayTarget(gateway.url, 'single'), sizes, gateway.pid),
    'mesh single': httpRunner(meshTarget(mesh.url, 'single'), sizes),
    'bare yoga single': httpRunner(gatewayTarget(yoga.url, 'single'), sizes, yoga.pid),
    'bare graphql-js single': httpRunner(gatewayTarget(graphqlJs.url, 'single'), sizes, graphqlJs.pid),
    'gateway nested': httpRunner(gatewayTarget(gateway.url, 'nested'), sizes, gateway.pid),
    'mesh nested': httpRunner(meshTarget(mesh.url, 'nested'), sizes),
    'bare yoga nested': httpRunner(gatewayTarget(yoga.url, 'nested'), sizes, yoga.pid),
    'bare graphql-js nested': httpRunner(gatewayTarget(graphqlJs.url, 'nested'), sizes, graphqlJs.pid),
    'waterfall nested': Object.assign(
      () => loadLoop(() => waterfall.screen(CUSTOMER_ID), sizes.connections, sizes.seconds),
      { check: () => waterfall.screen(CUSTOMER_ID) },
    ),
  };
}

/** Upstream calls one nested screen costs, per client. */
export async function callsPerScreen(stack: Stack, customerId = CUSTOMER_ID) {
  const { sims } = stack;
  const errorsOf = async (target: HttpTarget) =>
    call(target).then(
      () => '',
      (error: Error) => error.message.slice(0, 200),
    );
  let gatewayError = '';
  let meshError = '';
  return {
    gateway: await countUpstreamCalls(sims, async () => {
      gatewayError = await errorsOf(gatewayTarget(stack.gateway.url, 'nested', customerId));
    }),
    mesh: await countUpstreamCalls(sims, async () => {
      meshError = await errorsOf(meshTarget(stack.mesh.url, 'nested', customerId));
    }),
    waterfall: await countUpstreamCalls(sims, () => stack.waterfall.screen(customerId)),
    errors: { gateway: gatewayError, mesh: meshError },
  };
}

/** Every target in turn, `rounds` times (interleaved, so drift hits all alike); the median round wins. */
export async function throughput(stack: Stack, sizes: Sizes) {
  const targets = throughputTargets(stack, sizes);
  for (const [name, runner] of Object.entries(targets)) {
    await runner.check().catch((error: Error) => {
      throw new Error(`${name} does not answer correctly: ${error.message}`);
    });
  }
  const warm = throughputTargets(stack, { ...sizes, seconds: sizes.warmupSeconds });
  for (const runner of Object.values(warm)) await runner();
  const rounds: Record<string, LoadResult[]> = {};
  for (let round = 0; round < sizes.rounds; round++) {
    for (const [name, runner] of Object.entries(targets)) {
      (rounds[name] ??= []).push(await runner());
      await clearUpstreamCalls(stack.sims);
    }
  }
  return Object.fromEntries(
    Object.entries(rounds).map(([name, results]) => [
      name,
      {
        rps: median(results.map((r) => r.rps)),
        p50: median(results.map((r) => r.p50)),
        p99: median(results.map((r) => r.p99)),
        errors: results.reduce((sum, r) => sum + r.errors, 0),
        cpuUs: median(results.map((r) => r.cpuUs ?? Number.NaN)),
      } satisfies LoadResult,
    ]),
  );
}

/** The GraphQL servers a screen is timed on: the gateway, the peer and the two reference servers. */
interface ScreenUrls {
  gateway: string;
  mesh: string;
  bareYoga: string;
  bareGraphqlJs: string;
}

const stackUrls = (stack: Stack): ScreenUrls => ({
  gateway: stack.gateway.url,
  mesh: stack.mesh.url,
  bareYoga: stack.references.yoga.url,
  bareGraphqlJs: stack.references.graphqlJs.url,
});

/** One nested screen at a time on every server and the waterfall, interleaved in blocks; the p50 of each. */
async function screenLatencies(urls: ScreenUrls, waterfall: WaterfallClient, samples: number) {
  const clients = {
    gateway: () => call(gatewayTarget(urls.gateway, 'nested')),
    mesh: () => call(meshTarget(urls.mesh, 'nested')),
    waterfall: () => waterfall.screen(CUSTOMER_ID),
    bareYoga: () => call(gatewayTarget(urls.bareYoga, 'nested')),
    bareGraphqlJs: () => call(gatewayTarget(urls.bareGraphqlJs, 'nested')),
  };
  const blocks = 4;
  const p50s: Record<string, number[]> = {};
  for (let block = 0; block < blocks; block++) {
    for (const [name, once] of Object.entries(clients)) {
      (p50s[name] ??= []).push((await sequential(once, Math.ceil(samples / blocks), 3)).p50);
    }
  }
  const p50 = (name: keyof typeof clients) => median(p50s[name]!);
  return {
    gateway: p50('gateway'),
    mesh: p50('mesh'),
    waterfall: p50('waterfall'),
    bareYoga: p50('bareYoga'),
    bareGraphqlJs: p50('bareGraphqlJs'),
  };
}

export function sequentialLoopback(stack: Stack, sizes: Sizes) {
  return screenLatencies(stackUrls(stack), stack.waterfall, sizes.samples);
}

/** The same, with every client connection behind a proxy adding a 40 ms round trip. */
export async function clientRtt(stack: Stack, sizes: Sizes, rttMs = 40) {
  const servers = stackUrls(stack);
  const urls = [...Object.values(servers), stack.sims.plumeUrl, stack.sims.servicesUrl];
  const proxies = await Promise.all(urls.map((url) => startTcpProxy(url, { oneWayMs: rttMs / 2 })));
  const [gateway, mesh, bareYoga, bareGraphqlJs, plume, services] = proxies.map((p) => p.url) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const waterfall = new WaterfallClient(plume, services);
  try {
    return await screenLatencies({ gateway, mesh, bareYoga, bareGraphqlJs }, waterfall, sizes.rttSamples);
  } finally {
    await waterfall.close();
    await Promise.all(proxies.map((p) => p.close()));
  }
}

/**
 * Every upstream call delayed by `delayMs` (the simulators' fault control): each client's screen latency, and
 * its upstream waves, counted from when its calls reach the simulators (through recording proxies: a second
 * gateway and peer are started behind them for this; the latency is timed without them).
 */
export async function upstreamDelay(stack: Stack, sizes: Sizes, delayMs = 20) {
  const starts: number[] = [];
  const onRequest = (at: number) => starts.push(at);
  const [plume, services] = await Promise.all(
    [stack.sims.plumeUrl, stack.sims.servicesUrl].map((url) => startTcpProxy(url, { onRequest })),
  );
  const upstreams = { plumeUrl: plume!.url, servicesUrl: services!.url };
  const [gateway, mesh] = await Promise.all([startGateway(upstreams), startMesh(upstreams)]);
  const waterfall = new WaterfallClient(upstreams.plumeUrl, upstreams.servicesUrl);
  await delayUpstreams(stack.sims, delayMs);
  try {
    // Timed on the stack's own servers, straight on the simulators: the recording proxies run in this
    // process and would add their own hops to every upstream call. They only count the waves.
    const p50 = await screenLatencies(stackUrls(stack), stack.waterfall, sizes.rttSamples);
    const wavesOf = async (once: () => Promise<unknown>) => {
      const counts = [];
      for (let i = 0; i < 5; i++) {
        starts.length = 0;
        await once();
        counts.push(countWaves(starts, delayMs));
      }
      return median(counts);
    };
    const waves = {
      gateway: await wavesOf(() => call(gatewayTarget(gateway.url, 'nested'))),
      mesh: await wavesOf(() => call(meshTarget(mesh.url, 'nested'))),
      waterfall: await wavesOf(() => waterfall.screen(CUSTOMER_ID)),
    };
    return { delayMs, p50, waves, goalMs: 2 * delayMs + 5 };
  } finally {
    await delayUpstreams(stack.sims, 0);
    await waterfall.close();
    await Promise.all([gateway.stop(), mesh.stop()]);
    await Promise.all([plume!.close(), services!.close()]);
  }
}

/** Upstream calls per nested screen for a customer with 1, 10, 100 ... locations (SANDBOX_SCALE). */
export async function scaleSeries(sizes: Sizes) {
  // Started together (start-up is most of this step's time); counted one at a time.
  const stacks = await Promise.all(sizes.scales.map((locations) => startStack(locations)));
  try {
    const series = [];
    for (const [i, stack] of stacks.entries()) {
      series.push({ locations: sizes.scales[i]!, ...(await callsPerScreen(stack, SCALE_CUSTOMER_ID)) });
    }
    return series;
  } finally {
    await Promise.all(stacks.map((stack) => stack.close()));
  }
}

/** A normal query's latency alone, then while hostile requests loop; the gateway's RSS throughout. */
export async function hostileLoad(stack: Stack, sizes: Sizes) {
  const normal = gatewayTarget(stack.gateway.url, 'single');
  const connections = 4;
  const quiet = await loadHttp(normal, connections, sizes.hostileSeconds);
  const rssBefore = rssMb(stack.gateway.pid);
  let rssMax = rssBefore;
  const sampler = setInterval(() => {
    const rss = rssMb(stack.gateway.pid);
    if (rss > rssMax) rssMax = rss;
  }, 200);
  const hostile = startHostileLoop(stack.gateway.url);
  let underAttack: LoadResult;
  let tally: HostileTally;
  try {
    underAttack = await loadHttp(normal, connections, sizes.hostileSeconds);
  } finally {
    tally = await hostile.stop();
    clearInterval(sampler);
  }
  await clearUpstreamCalls(stack.sims);
  return { connections, quiet, underAttack, rssBeforeMb: rssBefore, rssMaxMb: rssMax, hostile: tally };
}
