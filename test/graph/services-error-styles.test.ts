import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerIds, locationIds, SERVICES_ACCOUNT_ID, SERVICES_API_KEY } from '../../src/sandbox/seed.js';
import { errorStyles } from '../../src/sandbox/services/index.js';
import { graphql } from '../gql/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { customers, expectTypename, locations, MASKED, secrets, servicesError } from '../helpers/fixtures.js';

/**
 * Every services error row of the contract, and the refusals it does not name, with the simulator's error
 * replies in each SANDBOX_ERROR_STYLE: with codes, without codes, and with empty bodies. The outcome must
 * be the same in all three: it comes from the status and the backend's facts, never from a code alone.
 */

const CancelServices = graphql(`
  mutation EsCancelServices($input: CancelServicesInput!) {
    cancelServices(input: $input) {
      __typename
      ...ErrorOutcome
    }
  }
`);

const Reduce = graphql(`
  mutation EsReduceSubAccountServices($input: ReduceSubAccountServicesInput!) {
    reduceSubAccountServices(input: $input) {
      __typename
      ...ErrorOutcome
    }
  }
`);

const CancelAll = graphql(`
  mutation EsCancelAllSubAccountServices($input: CancelAllSubAccountServicesInput!) {
    cancelAllSubAccountServices(input: $input) {
      __typename
      ...ErrorOutcome
    }
  }
`);

const LocationServices = graphql(`
  query EsLocationServices($id: ID!) {
    node(id: $id) {
      ... on Location {
        services {
          totalCount
        }
      }
    }
  }
`);

const base = `/v2/accounts/${SERVICES_ACCOUNT_ID}`;
const NO_ACTIVE = {
  __typename: 'NoActiveServicesError',
  code: 'NO_ACTIVE_SERVICES',
  message: expect.any(String),
};
/** What a refusal carries: the code, only when the backend's answer had one. */
const rejected = (style: string, upstreamCode: number) => ({
  __typename: 'ServicesRequestRejectedError',
  code: 'SERVICES_REQUEST_REJECTED',
  message: 'The services backend refused the request; nothing was changed.',
  upstreamCode: style === 'coded' ? upstreamCode : null,
});

/** The JSON log lines whose `msg` starts with `prefix`. */
const logLines = (gw: TestGateway, prefix: string) =>
  gw.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((l) => String(l.msg).startsWith(prefix));

describe.each(errorStyles)('services error rows with %s error replies', (style) => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway();
    gw.sandbox.services.setErrorStyle(style);
  });
  afterEach(async () => {
    const logs = gw.logs.join('\n');
    await gw.close();
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
  const state = () => gw.sandbox.services.state;
  const activeAt = (locationId: string) => state().listLocationServices({ locationId }).count;
  const activeOn = (subAccountId: string) => state().listSubAccountServices({ subAccountId }).count;

  it('cancelServices on a location with nothing active left: NoActiveServicesError', async () => {
    await gw.execute(CancelServices, { input: { locationId: locations.linusGarage } });
    gw.resetCounts();

    const { data } = await gw.execute(CancelServices, { input: { locationId: locations.linusGarage } });

    expect(data?.cancelServices).toEqual(NO_ACTIVE);
    // The refused cancel, then one read of the facts.
    expect(gw.sandbox.services.control.count(`${base}/cancelservices`, 'POST')).toBe(1);
    expect(gw.sandbox.services.control.count(`${base}/services`, 'GET')).toBe(1);
  });

  it('cancelServices for skus with no active service: NoActiveServicesError, nothing stops', async () => {
    const { data } = await gw.execute(CancelServices, {
      input: { locationId: locations.adaCottage, skus: ['SKU-00000168', 'SKU-99999999'] },
    });

    expect(data?.cancelServices).toEqual(NO_ACTIVE);
    expect(activeAt(locationIds.adaCottage)).toBe(2);
  });

  it('reduceSubAccountServices on a stopped sku: NoActiveServicesError', async () => {
    const input = { customerId: customers.ada, skuRemovals: [{ sku: 'SKU-00000210' }] };

    expect((await gw.execute(Reduce, { input })).data?.reduceSubAccountServices).toEqual(NO_ACTIVE);
    expect(activeOn('ACC-1001')).toBe(3);
  });

  it('cancelAllSubAccountServices the second time: NoActiveServicesError', async () => {
    const input = { customerId: customers.grace };
    expectTypename(
      (await gw.execute(CancelAll, { input })).data?.cancelAllSubAccountServices,
      'CancelAllSubAccountServicesSuccess',
    );

    expect((await gw.execute(CancelAll, { input })).data?.cancelAllSubAccountServices).toEqual(NO_ACTIVE);
  });

  it('a 400 while the services are still active: ServicesRequestRejectedError, nothing changed', async () => {
    gw.sandbox.services.control.inject({
      method: 'POST',
      path: `${base}/cancelservices`,
      status: 400,
      body: servicesError('0b8a3c57-5c1e-4c55-9f0e-2a4b7d1e6f10', 2002, 'skus[0]: Expected string'),
    });

    const { data } = await gw.execute(CancelServices, { input: { locationId: locations.graceApartment } });

    expect(data?.cancelServices).toEqual(rejected(style, 2002));
    expect(activeAt(locationIds.graceApartment)).toBe(2);
  });

  it('a refusal no contract row names (422, minimum commitment): ServicesRequestRejectedError', async () => {
    gw.sandbox.services.control.inject({
      method: 'POST',
      path: `${base}/cancelallsubaccountservices`,
      status: 422,
      body: servicesError('9e0f5d1c-2b3a-4c5d-8e6f-7a8b9c0d1e2f', 4711, 'Minimum usage commitment not met'),
    });

    const { data } = await gw.execute(CancelAll, { input: { customerId: customers.linus } });

    expect(data?.cancelAllSubAccountServices).toEqual(rejected(style, 4711));
    expect(activeOn('ACC-1003')).toBe(2);
  });

  it('code 2003 while matching services are active: the facts win, ServicesRequestRejectedError', async () => {
    gw.sandbox.services.control.inject({
      method: 'POST',
      path: `${base}/cancelsubaccountservices`,
      status: 400,
      body: servicesError('3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', 2003, 'No active service matched'),
    });

    const input = { customerId: customers.ada, skuRemovals: [{ sku: 'SKU-00000195' }] };
    expect((await gw.execute(Reduce, { input })).data?.reduceSubAccountServices).toEqual(
      rejected(style, 2003),
    );
  });

  it.each([401, 403])(
    'a %i on a cancel stays a masked upstream fault, without a read of the facts',
    async (status) => {
      gw.sandbox.services.control.inject({
        method: 'POST',
        path: `${base}/cancelallsubaccountservices`,
        status,
      });

      const response = await gw.execute(CancelAll, { input: { customerId: customers.ada } });

      // Unexpected, so our own masked message, as data (sibling mutations keep their answers).
      expect(response.errors).toBeUndefined();
      expect(response.data?.cancelAllSubAccountServices).toMatchObject({
        __typename: 'UnexpectedError',
        code: 'UPSTREAM_ERROR',
        message: MASKED,
      });
      expect(gw.sandbox.services.control.count(`${base}/subaccountservices`)).toBe(0);
      expect(activeOn('ACC-1001')).toBe(3);
    },
  );

  it.each([500, 503])(
    'a %i on a cancel is ambiguous: never resent, re-read, and reported as an unknown outcome',
    async (status) => {
      gw.sandbox.services.control.inject({
        method: 'POST',
        path: `${base}/cancelallsubaccountservices`,
        status,
      });

      const response = await gw.execute(CancelAll, { input: { customerId: customers.ada } });

      expect(response.data?.cancelAllSubAccountServices).toMatchObject({
        __typename: 'OutcomeUnknownError',
        operation: 'cancelAllSubAccountServices',
        safeToRetry: true,
      });
      expect(gw.sandbox.services.control.count(`${base}/cancelallsubaccountservices`)).toBe(1);
      expect(gw.sandbox.services.control.count(`${base}/subaccountservices`)).toBe(1);
      expect(activeOn('ACC-1001')).toBe(3);
    },
  );

  it('keeps the upstream message out of the response and puts it in the log (API key and URL inside)', async () => {
    const upstreamMessage = `Billing call POST http://10.20.0.7:8443/internal/billing?api_key=sk_live_9f8e7d6c5b4a failed for key ${SERVICES_API_KEY}`;
    gw.sandbox.services.control.inject({
      method: 'POST',
      path: `${base}/cancelservices`,
      status: 400,
      body: servicesError('6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d', 2002, upstreamMessage),
    });

    const response = await gw.execute(CancelServices, { input: { locationId: locations.graceApartment } });

    expect(response.data?.cancelServices).toEqual(rejected(style, 2002));
    for (const leak of ['sk_live_9f8e7d6c5b4a', '10.20.0.7', '/internal/billing', 'Billing call']) {
      expect(response.text).not.toContain(leak);
    }
    const [line] = logLines(gw, 'services refused cancelLocationServices');
    expect(line).toMatchObject({
      requestId: response.headers.get('x-request-id'),
      status: 400,
      upstreamCode: style === 'coded' ? 2002 : null,
      outcome: 'SERVICES_REQUEST_REJECTED',
      // The gateway's own key never reaches a log line, even inside an upstream message.
      upstreamMessage: style === 'empty' ? null : upstreamMessage.replace(SERVICES_API_KEY, '[redacted]'),
    });
  });
});

describe.each(errorStyles)('a services version the backend refuses, with %s error replies', (style) => {
  let gw: TestGateway;
  beforeEach(async () => {
    // A well-formed date that is no calendar day: the config accepts it, the backend refuses every call.
    gw = await startTestGateway({ servicesApiVersion: '20261350' });
    gw.sandbox.services.setErrorStyle(style);
  });
  afterEach(() => gw.close());

  it('masks reads and cancels as upstream faults, never as a typed outcome', async () => {
    const read = await gw.execute(LocationServices, { id: locations.adaHome });
    expect(read.errors?.map((e) => [e.message, e.extensions?.code, e.path])).toEqual([
      [MASKED, 'UPSTREAM_ERROR', ['node', 'services']],
    ]);

    const cancel = await gw.execute(CancelAll, { input: { customerId: customerIds.ada } });
    expect(cancel.data?.cancelAllSubAccountServices).toMatchObject({
      __typename: 'UnexpectedError',
      code: 'UPSTREAM_ERROR',
      message: MASKED,
    });
    expect(gw.sandbox.services.state.listSubAccountServices({ subAccountId: 'ACC-1001' }).count).toBe(3);
  });
});
