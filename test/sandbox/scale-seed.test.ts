import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { scaleCustomerId } from '../../src/sandbox/scale-seed.js';
import {
  DEMO_ADMIN_TOKEN,
  SERVICES_ACCOUNT_ID,
  SERVICES_API_KEY,
  SERVICES_API_VERSION,
} from '../../src/sandbox/seed.js';

/** SANDBOX_SCALE (startSandbox's `scale`): one extra customer with N locations, each with a node and a service. */
describe('sandbox scale seed', () => {
  let sandbox: Sandbox | undefined;
  afterEach(() => sandbox?.close());

  const plumeGet = (path: string) =>
    fetch(`${sandbox!.plume.url}/api/Customers/${path}`, { headers: { authorization: DEMO_ADMIN_TOKEN } });

  it('gives the scale customer N locations, each with one claimed node and one active service', async () => {
    sandbox = await startSandbox({ scale: 3 });
    const locations = (await (await plumeGet(`${scaleCustomerId}/locations`)).json()) as Array<{
      id: string;
    }>;
    expect(locations).toHaveLength(3);
    for (const location of locations) {
      const nodes = (await (await plumeGet(`${scaleCustomerId}/locations/${location.id}/nodes`)).json()) as {
        nodes: unknown[];
      };
      expect(nodes.nodes).toHaveLength(1);
      const services = await fetch(
        `${sandbox.services.url}/v2/accounts/${SERVICES_ACCOUNT_ID}/services?v=${SERVICES_API_VERSION}&locationId=${location.id}`,
        { headers: { 'api-key': SERVICES_API_KEY } },
      );
      expect(((await services.json()) as { response: { count: number } }).response.count).toBe(1);
    }
  });

  it('is absent by default: the demo seed stays as documented', async () => {
    sandbox = await startSandbox();
    expect((await plumeGet(scaleCustomerId)).status).toBe(401);
  });
});
