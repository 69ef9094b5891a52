import { spawn } from 'node:child_process';
import { paths, type SandboxUrls, upstreamEnv } from './processes.js';

/** The nested screen's own gateway time (bench/own-time-worker.ts), run in a process of its own. */
export async function ownGatewayTime(
  sims: SandboxUrls,
  samples: number,
): Promise<{ ownP50: number; upstreamP50: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/own-time-worker.ts'], {
    cwd: paths.root,
    env: {
      ...process.env,
      ...upstreamEnv(),
      NODE_ENV: 'production',
      PLUME_API_URL: sims.plumeUrl,
      SERVICES_API_URL: sims.servicesUrl,
      OWN_TIME_SAMPLES: String(samples),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`own-time worker exited ${code}: ${err}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as { ownP50: number; upstreamP50: number };
}
