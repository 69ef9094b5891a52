import { ApolloClient, HttpLink, InMemoryCache, type TypePolicies } from '@apollo/client';
import { parse } from 'graphql';
import { relayStylePagination } from '@apollo/client/utilities';
import { describe, expect, it, vi } from 'vitest';
import generated from '../../clients/generated/possible-types.js';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { toGlobalId } from '../../src/domain/global-ids.js';
import { ada, countingFetch, headers, portal, screens, useGatewayProcess } from './cache-fixtures.js';

/**
 * Apollo Client 4 with InMemoryCache, set up as docs/clients.md says, against a gateway process: after
 * each of the portal's mutations (clients/technician-portal/), the mobile screens read from the cache
 * (cache.readQuery, no request) show what the server now answers.
 */

const { possibleTypes } = generated;

/** Expected errors are outcomes of one mutation, not entities: never normalised (docs/clients.md). */
const errorPolicies = Object.fromEntries(
  (possibleTypes.Error ?? []).map((type) => [type, { keyFields: false as const }]),
);

/** A reference to an evicted object reads as null, as the server answers it, instead of a cache miss. */
const evictedAsNull = {
  read: (existing: unknown, { canRead }: { canRead: (value: never) => boolean }) =>
    existing === undefined || canRead(existing as never) ? existing : null,
};

/** Lists the server always answers whole: the incoming list replaces the cached one. */
const wholeList = { merge: false as const };

const typePolicies: TypePolicies = {
  ...errorPolicies,
  Query: { fields: { customer: evictedAsNull, node: evictedAsNull } },
  Customer: {
    fields: {
      locations: wholeList,
      services: relayStylePagination(['status', 'sku', 'agreementId']),
    },
  },
  Location: { fields: { nodes: wholeList } },
};

function apollo(uri: string, options: { possibleTypes?: boolean; errorPolicies?: boolean } = {}) {
  const counter = countingFetch();
  const client = new ApolloClient({
    link: new HttpLink({ uri, headers, fetch: counter.fetch }),
    cache: new InMemoryCache({
      possibleTypes: options.possibleTypes === false ? {} : possibleTypes,
      typePolicies:
        options.errorPolicies === false
          ? Object.fromEntries(Object.entries(typePolicies).filter(([type]) => !(type in errorPolicies)))
          : typePolicies,
    }),
  });
  return { client, cache: client.cache, counter };
}

/** Asks the server afresh, on a client of its own (the answer every cached screen must equal). */
async function serverAnswer<TData, TVariables extends Record<string, unknown>>(
  uri: string,
  query: import('@graphql-typed-document-node/core').TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
) {
  const { client } = apollo(uri);
  return (await client.query({ query, variables, fetchPolicy: 'network-only', errorPolicy: 'all' })).data;
}

describe('Apollo Client 4 InMemoryCache follows every portal mutation', () => {
  const gateway = useGatewayProcess();

  it('setServiceLevel: the home screen shows the new level', async () => {
    const { client, cache, counter } = apollo(gateway());
    const home = { customerId: ada.customerId };
    await client.query({ query: screens.home, variables: home });
    const before = cache.readQuery({ query: screens.home, variables: home });
    expect(before?.customer?.locations?.[1]?.serviceLevel?.level).toBe('BASIC_SERVICE');

    const requests = counter.requests;
    const { data } = await client.mutate({
      mutation: portal.setServiceLevel,
      variables: { locationId: ada.cottage, level: 'NO_SERVICE' },
    });
    expect(data?.setServiceLevel.__typename).toBe('SetServiceLevelSuccess');
    const after = cache.readQuery({ query: screens.home, variables: home });
    expect(counter.requests).toBe(requests + 1);
    expect(after?.customer?.locations?.[1]?.serviceLevel?.level).toBe('NO_SERVICE');
    expect(after).toEqual(await serverAnswer(gateway(), screens.home, home));
  });

  it('unclaimNode: the home screen loses the node and the extender screen reads null', async () => {
    const { client, cache, counter } = apollo(gateway());
    const home = { customerId: ada.customerId };
    const extender = { id: ada.officeNode };
    await client.query({ query: screens.home, variables: home });
    await client.query({ query: screens.extender, variables: extender });

    const requests = counter.requests;
    const { data } = await client.mutate({
      mutation: portal.unclaimNode,
      variables: { locationId: ada.home, serialNumber: 'AA11000002' },
      update(cache, { data }) {
        // The payload names the node that is gone; the cache cannot know that from the location alone.
        if (data?.unclaimNode.__typename === 'UnclaimNodeSuccess')
          cache.evict({
            id: cache.identify({ __typename: 'WifiNode', id: data.unclaimNode.unclaimedNodeId }),
          });
      },
    });
    expect(data?.unclaimNode).toMatchObject({
      __typename: 'UnclaimNodeSuccess',
      unclaimedNodeId: ada.officeNode,
    });
    const homeAfter = cache.readQuery({ query: screens.home, variables: home });
    const extenderAfter = cache.readQuery({ query: screens.extender, variables: extender });
    expect(counter.requests).toBe(requests + 1);
    expect(homeAfter?.customer?.locations?.[0]?.nodes?.map((n) => n.nickname)).toEqual(['Living room']);
    expect(extenderAfter).toEqual({ node: null });
    expect(homeAfter).toEqual(await serverAnswer(gateway(), screens.home, home));
    expect(extenderAfter).toEqual(await serverAnswer(gateway(), screens.extender, extender));
  });

  it('cancelServices + archiveLocation: home and plan screens drop the location and its services', async () => {
    const { client, cache, counter } = apollo(gateway());
    const customer = { customerId: ada.customerId };
    await client.query({ query: screens.home, variables: customer });
    await client.query({ query: screens.services, variables: customer });
    expect(cache.readQuery({ query: screens.home, variables: customer })?.customer?.locations).toHaveLength(
      2,
    );

    const requests = counter.requests;
    const { data } = await client.mutate({
      mutation: portal.cancelLocation,
      variables: { locationId: ada.cottage },
    });
    expect(data?.cancelServices.__typename).toBe('CancelServicesSuccess');
    expect(data?.archiveLocation).toMatchObject({
      __typename: 'ArchiveLocationSuccess',
      archivedLocationId: ada.cottage,
    });
    const homeAfter = cache.readQuery({ query: screens.home, variables: customer });
    const servicesAfter = cache.readQuery({ query: screens.services, variables: customer });
    expect(counter.requests).toBe(requests + 1);
    expect(homeAfter?.customer?.locations?.map((l) => l.name)).toEqual(['Home']);
    expect(homeAfter).toEqual(await serverAnswer(gateway(), screens.home, customer));
    expect(servicesAfter).toEqual(await serverAnswer(gateway(), screens.services, customer));
  });

  it('cancelAllSubAccountServices + deleteCustomer: the evicted customer reads null on every screen', async () => {
    const { client, cache, counter } = apollo(gateway());
    const customer = { customerId: ada.customerId };
    await client.query({ query: screens.home, variables: customer });
    await client.query({ query: screens.services, variables: customer });

    const requests = counter.requests;
    const { data } = await client.mutate({
      mutation: portal.cancelCustomer,
      variables: customer,
      update(cache, { data }) {
        if (data?.deleteCustomer.__typename === 'DeleteCustomerSuccess')
          cache.evict({
            id: cache.identify({ __typename: 'Customer', id: data.deleteCustomer.deletedCustomerId }),
          });
      },
    });
    expect(data?.deleteCustomer).toEqual({
      __typename: 'DeleteCustomerSuccess',
      deletedCustomerId: ada.customerId,
    });
    expect(counter.requests).toBe(requests + 1);
    expect(cache.readQuery({ query: screens.home, variables: customer })).toEqual({ customer: null });
    expect(cache.readQuery({ query: screens.services, variables: customer })).toEqual({ customer: null });
    const server = await serverAnswer(gateway(), screens.home, customer);
    expect(server).toEqual({ customer: null });
  });

  it.each([
    ['suspendLocation', 'level: NO_SERVICE, reason: "non-payment", '],
    ['cancelLocationService', ''],
  ])(
    'the %s workflow: its report carries the new state and the home screen follows',
    async (workflow, extra) => {
      // What a screen shows of a location and of its customer's live locations, in the workflow's report.
      const run = parse(`
      mutation RunWorkflow($locationId: ID!) {
        ${workflow}(input: { locationId: $locationId, ${extra}idempotencyKey: "cache-test-${workflow}" }) {
          __typename
          ... on WorkflowReport {
            completed
            locations { id archived serviceLevel { id level } nodes { id nickname connectionState } }
            customer {
              id
              locations { id name serviceLevel { id level } nodes { id nickname connectionState } }
            }
          }
          ... on Error { code message }
        }
      }
    `);
      const { client, cache, counter } = apollo(gateway());
      const home = { customerId: ada.customerId };
      await client.query({ query: screens.home, variables: home });

      const requests = counter.requests;
      const { data } = await client.mutate({ mutation: run, variables: { locationId: ada.cottage } });
      expect((data as Record<string, unknown>)[workflow]).toMatchObject({
        __typename: 'WorkflowReport',
        completed: true,
      });
      const after = cache.readQuery({ query: screens.home, variables: home });
      expect(counter.requests).toBe(requests + 1);
      expect(after).toEqual(await serverAnswer(gateway(), screens.home, home));
    },
  );

  it('an expected error keeps its code and message, with a global id to pass back', async () => {
    const { client } = apollo(gateway());
    const unclaim = (serialNumber: string) =>
      client.mutate({ mutation: portal.unclaimNode, variables: { locationId: ada.home, serialNumber } });
    expect((await unclaim('AA11000003')).data?.unclaimNode).toEqual({
      __typename: 'NodeAlreadyUnclaimedError',
      code: 'NODE_ALREADY_UNCLAIMED',
      message: 'Node AA11000003 is already unclaimed.',
    });
    expect((await unclaim('ZZ99999999')).data?.unclaimNode).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      message: 'Node ZZ99999999 was not found.',
      resource: 'NODE',
      resourceId: toGlobalId('WifiNode', customerIds.ada, locationIds.adaHome, 'ZZ99999999'),
    });
  });

  it('errors are never normalised: keyFields false keeps a NotFoundError out of the entity store', async () => {
    // An app built before resourceId selects the deprecated raw `id`; Apollo would key every
    // NotFoundError by it, merging errors of different mutations (and resources) into one entry.
    const legacy = parse(`
      mutation LegacyUnclaim($locationId: ID!) {
        unclaimNode(input: { locationId: $locationId, serialNumber: "ZZ99999999" }) {
          ... on NotFoundError { id resource code message }
        }
      }
    `);
    const entities = async (client: ReturnType<typeof apollo>) => {
      await client.client.mutate({ mutation: legacy, variables: { locationId: ada.home } });
      return Object.keys(client.cache.extract() as object);
    };
    expect(await entities(apollo(gateway()))).toEqual(['ROOT_MUTATION']);
    expect(await entities(apollo(gateway(), { errorPolicies: false }))).toContain('NotFoundError:ZZ99999999');
  });

  it('without the generated possibleTypes, `... on Error` loses code and message (why they are generated)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { client } = apollo(gateway(), { possibleTypes: false });
    const { data } = await client.mutate({
      mutation: portal.unclaimNode,
      variables: { locationId: ada.home, serialNumber: 'AA11000003' },
    });
    expect(data?.unclaimNode).toEqual({ __typename: 'NodeAlreadyUnclaimedError' });
    expect(warn.mock.calls.flat().join('\n')).toContain('missing `possibleTypes` entry');
    warn.mockRestore();
  });
});
