import { SandboxControl } from '../control.js';
import { listen } from '../listen.js';
import type { SandboxSeed } from '../scale-seed.js';
import { SERVICES_ACCOUNT_ID, SERVICES_API_KEY } from '../seed.js';
import { createServicesApp } from './app.js';
import { injectedErrorBody } from './envelope.js';
import { type ErrorStyle, errorStyleFromEnv } from './error-style.js';
import { seedLocationServices, seedSubAccountServices } from './seed.js';
import { ServicesState } from './state.js';

export { createServicesApp, type ServicesAppOptions } from './app.js';
export { ServicesState } from './state.js';
export { errorStyles, type ErrorStyle } from './error-style.js';
export type { LocationService, ServicePage, SubAccountService } from './model.js';

export interface ServicesSimulator {
  /** Base URL without a trailing slash. */
  url: string;
  state: ServicesState;
  control: SandboxControl;
  /** Error replies from now on: `coded`, `plain` or `empty` (docs/sandbox-services.md, "Error styles"). */
  setErrorStyle(style: ErrorStyle): void;
  close(): Promise<void>;
}

/**
 * Starts the services backend on loopback with the seeded services; port 0 (default) picks a free port.
 * The error style is SANDBOX_ERROR_STYLE's (default `coded`) unless given.
 */
export async function startServicesSimulator(
  opts: { port?: number; host?: string; errorStyle?: ErrorStyle; seed?: SandboxSeed } = {},
): Promise<ServicesSimulator> {
  const { seed } = opts;
  const state = new ServicesState(
    seed && {
      locationServices: seedLocationServices(seed.locations),
      subAccountServices: seedSubAccountServices(seed.customers),
    },
  );
  const control = new SandboxControl(injectedErrorBody);
  let style = opts.errorStyle ?? errorStyleFromEnv();
  const app = createServicesApp(state, control, {
    accountId: SERVICES_ACCOUNT_ID,
    apiKey: SERVICES_API_KEY,
    errorStyle: () => style,
  });
  const { url, close } = await listen(app, { port: opts.port, host: opts.host });
  return {
    url,
    state,
    control,
    setErrorStyle: (next) => {
      style = next;
    },
    close,
  };
}
