import { createLogger } from '../logger.js';
import { startSandbox } from './index.js';

/**
 * `npm run sandbox`: both simulators alone, on fixed ports (PLUME_PORT, SERVICES_PORT) for other clients.
 * SANDBOX_SCALE=N adds one customer (…099) with N locations, for the benchmark's scale series.
 */
const logger = createLogger();
const sandbox = await startSandbox({
  host: process.env.HOST ?? '127.0.0.1',
  plumePort: Number(process.env.PLUME_PORT ?? 4010),
  servicesPort: Number(process.env.SERVICES_PORT ?? 4020),
  scale: Number(process.env.SANDBOX_SCALE ?? 0),
});
logger.info(
  { plume: `${sandbox.plume.url}/api`, services: `${sandbox.services.url}/v2` },
  'simulators listening',
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
