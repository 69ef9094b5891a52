import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { HttpTarget } from './load.js';
import {
  startGateway,
  startMesh,
  startReference,
  startSimulators,
  type Running,
  type SandboxUrls,
} from './processes.js';
import { CUSTOMER_ID, gatewayQueries, graphqlRequest, meshQueries, TOKEN, type Shape } from './targets.js';
import { WaterfallClient } from './waterfall.js';

/** One set of running servers: the simulators, the gateway and the peer over them, and a waterfall client. */
export interface Stack {
  sims: SandboxUrls & Running;
  gateway: Running;
  mesh: Running;
  /** The same screens on the bare frameworks (bench/reference/), for the framework's share of the cost. */
  references: { yoga: Running; graphqlJs: Running };
  waterfall: WaterfallClient;
  close(): Promise<void>;
}

export async function startStack(scale = 0, gatewayNodeArgs: string[] = []): Promise<Stack> {
  const sims = await startSimulators(scale);
  const [gateway, mesh, yoga, graphqlJs] = await Promise.all([
    startGateway(sims, gatewayNodeArgs),
    startMesh(sims),
    startReference(sims, 'yoga'),
    startReference(sims, 'graphql-js'),
  ]);
  const waterfall = new WaterfallClient(sims.plumeUrl, sims.servicesUrl);
  return {
    sims,
    gateway,
    mesh,
    references: { yoga, graphqlJs },
    waterfall,
    close: async () => {
      await waterfall.close();
      await Promise.all([gateway.stop(), mesh.stop(), yoga.stop(), graphqlJs.stop()]);
      await sims.stop();
    },
  };
}

export function gatewayTarget(url: string, shape: Shape, customerId = CUSTOMER_ID): HttpTarget {
  return { url, ...graphqlRequest(gatewayQueries[shape](customerId)) };
}

export function meshTarget(url: string, shape: Shape, customerId = CUSTOMER_ID): HttpTarget {
  return { url, ...graphqlRequest(meshQueries[shape](customerId)) };
}

export function directTarget(plumeUrl: string): HttpTarget {
  return {
    url: `${plumeUrl}/api/Customers/${CUSTOMER_ID}`,
    method: 'GET',
    headers: { authorization: TOKEN },
  };
}

const simulatorUrls = (sims: SandboxUrls) => [sims.plumeUrl, sims.servicesUrl];

/** Forgets the simulators' request logs: they grow with every call, so the bench clears them between rounds. */
export async function clearUpstreamCalls(sims: SandboxUrls): Promise<void> {
  for (const base of simulatorUrls(sims)) {
    await (await request(`${base}/__sandbox/requests`, { method: 'DELETE' })).body.dump();
  }
}

/**
 * How many upstream calls `action` made (nothing else may run meanwhile). Counts once the simulators have
 * been quiet for 300 ms, so calls a server makes after answering are counted too, and not charged to the next.
 */
export async function countUpstreamCalls(sims: SandboxUrls, action: () => Promise<unknown>): Promise<number> {
  await settledCount(sims);
  await clearUpstreamCalls(sims);
  await action();
  return settledCount(sims);
}

async function settledCount(sims: SandboxUrls): Promise<number> {
  let last = -1;
  for (;;) {
    let total = 0;
    for (const base of simulatorUrls(sims)) {
      const listed = await request(`${base}/__sandbox/requests`);
      total += ((await listed.body.json()) as unknown[]).length;
    }
    if (total === last) return total;
    last = total;
    await sleep(300);
  }
}

/** Delays every upstream API call by `delayMs` (the simulators' fault control); 0 clears it. */
export async function delayUpstreams(sims: SandboxUrls, delayMs: number): Promise<void> {
  for (const base of simulatorUrls(sims)) {
    const response = await request(`${base}/__sandbox/faults`, {
      method: delayMs ? 'POST' : 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: delayMs ? JSON.stringify({ path: '*', delayMs }) : undefined,
    });
    await response.body.dump();
  }
}
