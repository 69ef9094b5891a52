import type { UpstreamConfig } from '../config.js';
import type { ErrorStyle } from './error-style.js';
import { startPlumeSimulator, type PlumeSimulator } from './plume/index.js';
import { sandboxSeed } from './scale-seed.js';
import { SERVICES_ACCOUNT_ID, SERVICES_API_KEY } from './seed.js';
import { startServicesSimulator, type ServicesSimulator } from './services/index.js';

export interface Sandbox {
  plume: PlumeSimulator;
  services: ServicesSimulator;
  /** Where the gateway should point to use these simulators. */
  upstream: UpstreamConfig;
  close(): Promise<void>;
}

/**
 * Starts both simulators on loopback, fresh and seeded; ports 0 (the default) are ephemeral. `errorStyle`
 * shapes both simulators' error bodies (default: SANDBOX_ERROR_STYLE, else `coded`); `scale` > 0 adds one
 * customer with that many locations (src/sandbox/scale-seed.ts), for the benchmark's scale series.
 */
export async function startSandbox({
  host = '127.0.0.1',
  plumePort = 0,
  servicesPort = 0,
  errorStyle,
  scale = 0,
}: {
  host?: string;
  plumePort?: number;
  servicesPort?: number;
  errorStyle?: ErrorStyle;
  scale?: number;
} = {}): Promise<Sandbox> {
  const seed = sandboxSeed(scale);
  const [plume, services] = await Promise.all([
    startPlumeSimulator({ host, port: plumePort, seed, ...(errorStyle ? { errorStyle } : {}) }),
    startServicesSimulator({ host, port: servicesPort, seed, ...(errorStyle ? { errorStyle } : {}) }),
  ]);
  return {
    plume,
    services,
    upstream: {
      plumeUrl: plume.url,
      servicesUrl: services.url,
      servicesApiKey: SERVICES_API_KEY,
      servicesAccountId: SERVICES_ACCOUNT_ID,
    },
    close: async () => {
      await Promise.all([plume.close(), services.close()]);
    },
  };
}
