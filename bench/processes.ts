import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICES, TOKEN } from './targets.js';

/** The processes the bench starts on loopback: simulators, the gateway as built, the Hive/Mesh peer. */

export interface Running {
  url: string;
  pid: number;
  /** How long it took from spawn to answering its readiness URL. */
  readyMs: number;
  stop(): Promise<void>;
}

export interface SandboxUrls {
  plumeUrl: string;
  servicesUrl: string;
}

const root = new URL('..', import.meta.url).pathname;
const peerDir = `${root}bench/peer/`;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns `node args`, waits until `readyUrl` answers 200, and stops it with SIGTERM (SIGKILL after 5 s). */
async function startNode(
  name: string,
  args: string[],
  env: Record<string, string | undefined>,
  readyUrl: string,
  cwd = root,
): Promise<Omit<Running, 'url'>> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) throw new Error(`${name} did not become ready: ${stderr}`);
    const ok = await fetch(readyUrl, { headers: { authorization: TOKEN } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  return { pid: child.pid!, readyMs: performance.now() - spawnedAt, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Both simulators in one process of their own (`node dist/sandbox/main.js`), `scale` as SANDBOX_SCALE. */
export async function startSimulators(scale = 0): Promise<SandboxUrls & Running> {
  const [plumePort, servicesPort] = [await freePort(), await freePort()];
  const plumeUrl = `http://127.0.0.1:${plumePort}`;
  const servicesUrl = `http://127.0.0.1:${servicesPort}`;
  const env = {
    PLUME_PORT: String(plumePort),
    SERVICES_PORT: String(servicesPort),
    SANDBOX_SCALE: String(scale),
  };
  const proc = await startNode('simulators', ['dist/sandbox/main.js'], env, `${plumeUrl}/__sandbox/requests`);
  return { ...proc, url: plumeUrl, plumeUrl, servicesUrl };
}

export function upstreamEnv() {
  return {
    SERVICES_API_KEY: SERVICES.apiKey,
    SERVICES_ACCOUNT_ID: SERVICES.accountId,
    SERVICES_API_VERSION: SERVICES.version,
  };
}

/**
 * The gateway as the product runs it: `node dist/server.js`, pointed at the simulators, with `extraEnv` on
 * top (an undefined value leaves a variable out).
 */
export async function startGateway(
  sandbox: SandboxUrls,
  nodeArgs: string[] = [],
  extraEnv: Record<string, string | undefined> = {},
): Promise<Running> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...upstreamEnv(),
    PORT: String(port),
    PLUME_API_URL: sandbox.plumeUrl,
    SERVICES_API_URL: sandbox.servicesUrl,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...extraEnv,
  };
  const proc = await startNode('gateway', [...nodeArgs, 'dist/server.js'], env, `${url}/healthz`);
  return { ...proc, url: `${url}/graphql` };
}

export type ReferenceKind = 'yoga' | 'graphql-js';

/** A reference server (bench/reference/server.mjs): the same screens on the bare framework. */
export async function startReference(sandbox: SandboxUrls, kind: ReferenceKind): Promise<Running> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...upstreamEnv(),
    REFERENCE: kind,
    PORT: String(port),
    PLUME_API_URL: sandbox.plumeUrl,
    SERVICES_API_URL: sandbox.servicesUrl,
    NODE_ENV: 'production',
  };
  const ready = kind === 'yoga' ? `${url}/health` : url;
  const proc = await startNode(`reference ${kind}`, ['bench/reference/server.mjs'], env, ready);
  return { ...proc, url: `${url}/graphql` };
}

/** Hive Gateway serving the composed supergraph (bench/peer), upstreams read from the environment. */
export async function startMesh(sandbox: SandboxUrls): Promise<Running> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...upstreamEnv(), PLUME_URL: sandbox.plumeUrl, SERVICES_URL: sandbox.servicesUrl };
  const args = [
    'node_modules/.bin/hive-gateway',
    'supergraph',
    'supergraph.graphql',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--fork',
    '1',
  ];
  const proc = await startNode('hive-gateway', args, env, `${url}/healthcheck`, peerDir);
  return { ...proc, url: `${url}/graphql` };
}

/** Resident set size of a process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN; // the process is gone
  }
}

/** CPU time (user + system) the process has used, in ms; Linux counts it in ticks of 10 ms. */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Runs a command to completion in `cwd`, failing with its output. */
export function run(command: string, args: string[], cwd = root): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: ${output}`)),
    );
  });
}

export const paths = { root, peerDir };
