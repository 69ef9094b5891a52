import { SandboxControl } from '../control.js';
import { listen } from '../listen.js';
import type { SandboxSeed } from '../scale-seed.js';
import { SERVICES_ACCOUNT_ID, SERVICES_API_KEY } from '../seed.js';
import { createServicesApp } from './app.js';
import { injectedErrorBody } from './envelope.js';
import { seedLocationServices, seedSubAccountServices } from './seed.js';
import { ServicesState } from './state.js';

export { createServicesApp, type ServicesAppOptions } from './app.js';
export { ServicesState } from './state.js';
export type { LocationService, ServicePage, SubAccountService } from './model.js';

export interface ServicesSimulator {
  /** Base URL without a trailing slash. */
  url: string;
  state: ServicesState;
  control: SandboxControl;
  close(): Promise<void>;
}

/** Starts the services backend on loopback with the seeded services; port 0 (default) picks a free port. */
export async function startServicesSimulator(
  opts: { port?: number; host?: string; seed?: SandboxSeed } = {},
): Promise<ServicesSimulator> {
  const { seed } = opts;
  const state = new ServicesState(
    seed && {
      locationServices: seedLocationServices(seed.locations),
      subAccountServices: seedSubAccountServices(seed.customers),
    },
  );
  const control = new SandboxControl(injectedErrorBody);
  const app = createServicesApp(state, control, { accountId: SERVICES_ACCOUNT_ID, apiKey: SERVICES_API_KEY });
  const { url, close } = await listen(app, opts);
  return { url, state, control, close };
}
