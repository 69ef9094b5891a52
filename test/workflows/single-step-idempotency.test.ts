import { describe, expect, it } from 'vitest';
import { customerIds, demoTokens, SANDBOX_PASSWORD } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { useFreshGateway, type TestGateway } from '../helpers/gateway.js';
import { locations } from '../helpers/fixtures.js';
import { newKey, ReduceSku195 as Reduce } from './helpers.js';

/** The optional idempotencyKey of the single-step mutations (one wrapper: src/workflows/idempotency.ts). */

const Archive = graphql(`
  mutation IdArchive($locationId: ID!, $key: String) {
    archiveLocation(input: { locationId: $locationId }, idempotencyKey: $key) {
      __typename
    }
  }
`);

const quantityOf9006 = (gw: TestGateway) =>
  gw.sandbox.services.state
    .listSubAccountServices({ subAccountId: 'ACC-1003' })
    .services.find((s) => s.id === 9006)?.serviceQuantity;

describe('idempotencyKey on single-step mutations', () => {
  const gateway = useFreshGateway();
  const linus = customerIds.linus;

  it('a retried decrease with its key decreases once and writes nothing upstream', async () => {
    const gw = gateway();
    const key = newKey();
    const first = await gw.execute(Reduce, { customerId: linus, quantity: 1, key });
    expect(first.data?.reduceSubAccountServices).toMatchObject({
      services: [{ serviceId: 9006, quantity: 4 }],
    });
    gw.resetCounts();
    const retry = await gw.execute(Reduce, { customerId: linus, quantity: 1, key });
    expect(retry.data).toEqual(first.data);
    // A replay proves the caller's authority over the customer (one read), and writes nothing.
    expect(gw.upstreamCalls()).toEqual({ plume: 1, services: 0 });
    expect(gw.upstreamWrites()).toBe(0);
    expect(quantityOf9006(gw)).toBe(4);
  });

  it('without a key, two identical requests both decrease (the behaviour the key exists to prevent)', async () => {
    const gw = gateway();
    await gw.execute(Reduce, { customerId: linus, quantity: 1 });
    await gw.execute(Reduce, { customerId: linus, quantity: 1 });
    expect(quantityOf9006(gw)).toBe(3);
  });

  it('the same key with another input is IdempotencyKeyReusedError, and changes nothing', async () => {
    const gw = gateway();
    const key = newKey();
    await gw.execute(Reduce, { customerId: linus, quantity: 1, key });
    const reused = await gw.execute(Reduce, { customerId: linus, quantity: 2, key });
    expect(reused.data?.reduceSubAccountServices).toEqual({
      __typename: 'IdempotencyKeyReusedError',
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(quantityOf9006(gw)).toBe(4);
  });

  it('keys belong to the customer, not to the header: any spelling of the token answers the first outcome', async () => {
    const gw = gateway();
    const key = newKey();
    const first = await gw.execute(Reduce, { customerId: linus, quantity: 1, key });
    for (const token of [
      'Bearer sandbox-admin-token',
      'bearer  sandbox-admin-token',
      'BEARER sandbox-admin-token',
    ]) {
      const again = await gw.execute(Reduce, { customerId: linus, quantity: 1, key }, { token });
      expect(again.data).toEqual(first.data);
    }
    expect(quantityOf9006(gw)).toBe(4);
  });

  it('a refreshed token (a new login of the same admin) answers the first outcome: one decrease', async () => {
    const gw = gateway();
    const key = newKey();
    const first = await gw.execute(Reduce, { customerId: linus, quantity: 1, key });
    const login = await fetch(`${gw.sandbox.upstream.plumeUrl}/api/admins/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@sandbox.test', password: SANDBOX_PASSWORD }),
    });
    const { id: freshToken } = (await login.json()) as { id: string };
    const again = await gw.execute(Reduce, { customerId: linus, quantity: 1, key }, { token: freshToken });
    expect(again.data).toEqual(first.data);
    expect(quantityOf9006(gw)).toBe(4);
  });

  it('a caller without authority over the customer never learns the outcome, and writes nothing', async () => {
    const gw = gateway();
    const key = newKey();
    await gw.execute(Reduce, { customerId: linus, quantity: 1, key });
    gw.resetCounts();
    const other = await gw.execute(
      Reduce,
      { customerId: linus, quantity: 1, key },
      { token: demoTokens.ada },
    );
    expect(other.data?.reduceSubAccountServices).toMatchObject({ __typename: 'NotAuthorizedError' });
    expect(gw.upstreamWrites()).toBe(0);
    expect(quantityOf9006(gw)).toBe(4);
  });

  it('an error is not stored: the retry runs again and answers afresh', async () => {
    const gw = gateway();
    const key = newKey();
    gw.sandbox.plume.control.inject({ method: 'DELETE', path: '/api/Customers/*', status: 500, times: 1 });
    const failed = await gw.execute(Archive, { locationId: locations.linusGarage, key });
    // The 500 is ambiguous; the re-read finds the location not archived: an unknown outcome, not stored.
    expect(failed.data?.archiveLocation.__typename).toBe('OutcomeUnknownError');
    const retried = await gw.execute(Archive, { locationId: locations.linusGarage, key });
    expect(retried.data?.archiveLocation.__typename).toBe('ArchiveLocationSuccess');
    const replay = await gw.execute(Archive, { locationId: locations.linusGarage, key });
    expect(replay.data?.archiveLocation.__typename).toBe('ArchiveLocationSuccess');
  });

  it('rejects a malformed key before any upstream call', async () => {
    const gw = gateway();
    gw.resetCounts();
    const result = await gw.execute(Reduce, { customerId: linus, quantity: 1, key: 'short' });
    expect(result.data?.reduceSubAccountServices).toMatchObject({ __typename: 'InputValidationError' });
    expect(gw.upstreamCalls()).toEqual({ plume: 0, services: 0 });
  });
});
