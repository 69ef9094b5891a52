import { describe, expect, it } from 'vitest';
import { customerIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { useFreshGateway } from '../helpers/gateway.js';
import { customers } from '../helpers/fixtures.js';

/**
 * `customer(id) { locations }` needs only the customer id for both reads, so the gateway sends them in the
 * same wave: the locations list reaches the WiFi cloud while the customer read is still unanswered.
 */

const CustomerLocations = graphql(`
  query PrefetchCustomerLocations($id: ID!) {
    customer(id: $id) {
      name
      ...PrefetchLocationNames
    }
  }
  fragment PrefetchLocationNames on Customer {
    locations {
      name
    }
  }
`);

const CustomerOnly = graphql(`
  query PrefetchCustomerOnly($id: ID!) {
    customer(id: $id) {
      name
    }
  }
`);

const customerPath = `/api/Customers/${customerIds.linus}`;
const locationsPath = `${customerPath}/locations`;

describe('prefetch of what the selection makes certain', () => {
  const gateway = useFreshGateway();

  it('asks for the locations while the customer read is still in flight, and only once', async () => {
    const gw = gateway();
    gw.sandbox.plume.control.inject({ method: 'GET', path: customerPath, delayMs: 1500, times: 1 });
    gw.resetCounts();

    let answered = false;
    const response = gw.execute(CustomerLocations, { id: customers.linus }).finally(() => (answered = true));
    const arrived = () => gw.sandbox.plume.control.requests.some((r) => r.path === locationsPath);
    for (let waited = 0; !arrived() && !answered && waited < 1400; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(arrived()).toBe(true);
    expect(answered).toBe(false);
    expect((await response).data).toEqual({
      customer: { name: 'Linus Torvalds', locations: [{ name: 'Home' }, { name: 'Garage' }] },
    });
    expect(gw.sandbox.plume.control.requests.map((r) => r.path).sort()).toEqual([
      customerPath,
      locationsPath,
    ]);
  });

  it('reads no locations when the selection has none', async () => {
    const gw = gateway();
    gw.resetCounts();

    await gw.execute(CustomerOnly, { id: customers.linus });

    expect(gw.sandbox.plume.control.requests.map((r) => r.path)).toEqual([customerPath]);
  });

  it('leaves the error to the customer when it cannot be read, and the prefetch to nobody', async () => {
    const gw = gateway();
    gw.sandbox.plume.control.inject({ method: 'GET', path: customerPath, status: 404, times: 1 });

    const response = await gw.execute(CustomerLocations, { id: customers.linus });

    expect(response.data).toEqual({ customer: null });
    expect(response.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['customer'], 'NOT_FOUND']]);
  });

  it('aborts the prefetch still in flight once the answer is sent: nothing awaits it any more', async () => {
    const gw = gateway();
    gw.sandbox.plume.control.inject({ method: 'GET', path: customerPath, status: 404, times: 1 });
    gw.sandbox.plume.control.inject({ method: 'GET', path: locationsPath, delayMs: 10_000, times: 1 });

    const response = await gw.execute(CustomerLocations, { id: customers.linus });

    expect(response.data).toEqual({ customer: null });
    expect(gw.sandbox.plume.control.requests.map((r) => r.path)).toContain(locationsPath);
    // Aborted long before the simulator's 10 s answer: logged once, at debug, as an abort.
    await expect
      .poll(() => gw.logs.filter((line) => line.includes('upstream GET listLocations aborted')).length, {
        timeout: 5_000,
      })
      .toBe(1);
    expect(gw.logs.filter((line) => line.includes('listLocations')).map((l) => JSON.parse(l).level)).toEqual([
      20,
    ]);
  });
});
