import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type AnyVariables, Client, fetchExchange } from '@urql/core';
import { type Cache, cacheExchange, type CacheExchangeOpts } from '@urql/exchange-graphcache';
import { type IntrospectionQuery, parse } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import introspection from '../../clients/generated/introspection.json' with { type: 'json' };
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { toGlobalId } from '../../src/domain/global-ids.js';
import { ada, countingFetch, headers, portal, screens, useGatewayProcess } from './cache-fixtures.js';

/**
 * urql with graphcache and the generated schema (clients/generated/introspection.json), set up as
 * docs/clients.md says, against a gateway process: after each of the portal's mutations, the mobile
 * screens read from the cache (client.readQuery, no request) show what the server now answers.
 */

const schema = introspection as unknown as IntrospectionQuery;

/**
 * Keys: types with an `id` are keyed by it (graphcache's default). Payloads, connections, reports and
 * expected errors are embedded in their parent instead (an error is one mutation's outcome, and
 * NotFoundError's deprecated raw `id` would merge unrelated errors).
 */
const errorTypes = new Set(
  schema.__schema.types.flatMap((type) =>
    type.kind === 'OBJECT' && type.interfaces.some((i) => i.name === 'Error') ? [type.name] : [],
  ),
);
const keys = Object.fromEntries(
  schema.__schema.types
    .filter(
      (type) =>
        type.kind === 'OBJECT' &&
        !type.name.startsWith('__') &&
        (errorTypes.has(type.name) || !type.fields.some((field) => field.name === 'id')),
    )
    .map((type) => [type.name, () => null]),
);

/**
 * A mutation that removes an object names its global ID: the cache forgets it, and the root fields that
 * pointed at it (customer(id:), node(id:)) now read null, as the server answers them, with no refetch.
 */
function forget(cache: Cache, __typename: string, id: string) {
  const key = cache.keyOfEntity({ __typename, id });
  for (const field of cache.inspectFields('Query'))
    if (cache.resolve('Query', field.fieldKey) === key)
      cache.link('Query', field.fieldName, field.arguments ?? undefined, null);
  cache.invalidate({ __typename, id });
}

const updates = {
  Mutation: {
    unclaimNode: (result, _args, cache) => {
      const payload = result.unclaimNode as { unclaimedNodeId?: string };
      if (payload.unclaimedNodeId) forget(cache, 'WifiNode', payload.unclaimedNodeId);
    },
    deleteCustomer: (result, _args, cache) => {
      const payload = result.deleteCustomer as { deletedCustomerId?: string };
      if (payload.deletedCustomerId) forget(cache, 'Customer', payload.deletedCustomerId);
    },
  },
} satisfies CacheExchangeOpts['updates'];

function urql(
  url: string,
  options: { schema?: boolean; errorKeys?: boolean; onCache?: (cache: Cache) => void } = {},
) {
  const counter = countingFetch();
  const withErrorKeys = Object.fromEntries(Object.entries(keys).filter(([type]) => !errorTypes.has(type)));
  const exchange = cacheExchange({
    schema: options.schema === false ? undefined : schema,
    keys: options.errorKeys === false ? withErrorKeys : keys,
    updates: {
      Mutation: {
        ...updates.Mutation,
        unclaimNode: (result, args, cache) => {
          updates.Mutation.unclaimNode(result, args, cache);
          options.onCache?.(cache);
        },
      },
    },
  });
  const client = new Client({
    url,
    exchanges: [exchange, fetchExchange],
    fetch: counter.fetch,
    fetchOptions: { headers },
    // JSON POSTs: what a GET needs (the CSRF header) is part 1's section of docs/clients.md.
    preferGetMethod: false,
  });
  return { client, counter };
}

async function query<D, V extends AnyVariables>(
  client: Client,
  document: TypedDocumentNode<D, V>,
  variables: V,
) {
  const result = await client.query(document, variables).toPromise();
  if (result.error?.networkError) throw result.error.networkError;
  return result.data;
}

/** What the cache answers for a screen, without a request. */
function cached<D, V extends AnyVariables>(client: Client, document: TypedDocumentNode<D, V>, variables: V) {
  return client.readQuery(document, variables)?.data;
}

/** The server's answer now, on a client without a cache. */
async function serverAnswer<D, V extends AnyVariables>(
  url: string,
  document: TypedDocumentNode<D, V>,
  variables: V,
) {
  const client = new Client({
    url,
    exchanges: [fetchExchange],
    fetchOptions: { headers },
    preferGetMethod: false,
  });
  return (await client.query(document, variables, { requestPolicy: 'network-only' }).toPromise()).data;
}

describe('urql graphcache with the generated schema follows every portal mutation', () => {
  const gateway = useGatewayProcess();

  it('setServiceLevel: the home screen shows the new level', async () => {
    const { client, counter } = urql(gateway());
    const home = { customerId: ada.customerId };
    await query(client, screens.home, home);
    expect(cached(client, screens.home, home)?.customer?.locations?.[1]?.serviceLevel?.level).toBe(
      'BASIC_SERVICE',
    );

    const requests = counter.requests;
    const { data } = await client
      .mutation(portal.setServiceLevel, { locationId: ada.cottage, level: 'NO_SERVICE' })
      .toPromise();
    expect(data?.setServiceLevel.__typename).toBe('SetServiceLevelSuccess');
    const after = cached(client, screens.home, home);
    expect(counter.requests).toBe(requests + 1);
    expect(after?.customer?.locations?.[1]?.serviceLevel?.level).toBe('NO_SERVICE');
    expect(after).toEqual(await serverAnswer(gateway(), screens.home, home));
  });

  it('unclaimNode: the home screen loses the node and the extender screen reads null', async () => {
    const { client, counter } = urql(gateway());
    const home = { customerId: ada.customerId };
    const extender = { id: ada.officeNode };
    await query(client, screens.home, home);
    await query(client, screens.extender, extender);

    const requests = counter.requests;
    const { data } = await client
      .mutation(portal.unclaimNode, { locationId: ada.home, serialNumber: 'AA11000002' })
      .toPromise();
    expect(data?.unclaimNode).toMatchObject({
      __typename: 'UnclaimNodeSuccess',
      unclaimedNodeId: ada.officeNode,
    });
    const homeAfter = cached(client, screens.home, home);
    const extenderAfter = cached(client, screens.extender, extender);
    expect(counter.requests).toBe(requests + 1);
    expect(homeAfter?.customer?.locations?.[0]?.nodes?.map((n) => n.nickname)).toEqual(['Living room']);
    expect(homeAfter).toEqual(await serverAnswer(gateway(), screens.home, home));
    expect(extenderAfter).toEqual(await serverAnswer(gateway(), screens.extender, extender));
  });

  it('cancelServices + archiveLocation: home and plan screens drop the location and its services', async () => {
    const { client, counter } = urql(gateway());
    const customer = { customerId: ada.customerId };
    await query(client, screens.home, customer);
    await query(client, screens.services, customer);

    const requests = counter.requests;
    const { data } = await client.mutation(portal.cancelLocation, { locationId: ada.cottage }).toPromise();
    expect(data?.cancelServices.__typename).toBe('CancelServicesSuccess');
    expect(data?.archiveLocation).toMatchObject({
      __typename: 'ArchiveLocationSuccess',
      archivedLocationId: ada.cottage,
    });
    const homeAfter = cached(client, screens.home, customer);
    const servicesAfter = cached(client, screens.services, customer);
    expect(counter.requests).toBe(requests + 1);
    expect(homeAfter?.customer?.locations?.map((l) => l.name)).toEqual(['Home']);
    expect(homeAfter).toEqual(await serverAnswer(gateway(), screens.home, customer));
    expect(servicesAfter).toEqual(await serverAnswer(gateway(), screens.services, customer));
  });

  it('cancelAllSubAccountServices + deleteCustomer: the invalidated customer reads null on every screen', async () => {
    const { client, counter } = urql(gateway());
    const customer = { customerId: ada.customerId };
    await query(client, screens.home, customer);
    await query(client, screens.services, customer);

    const requests = counter.requests;
    const { data } = await client.mutation(portal.cancelCustomer, customer).toPromise();
    expect(data?.deleteCustomer).toEqual({
      __typename: 'DeleteCustomerSuccess',
      deletedCustomerId: ada.customerId,
    });
    expect(counter.requests).toBe(requests + 1);
    expect(cached(client, screens.home, customer)).toEqual({ customer: null });
    expect(cached(client, screens.services, customer)).toEqual({ customer: null });
    expect(await serverAnswer(gateway(), screens.home, customer)).toEqual({ customer: null });
  });

  it('an expected error keeps its code and message, with a global id to pass back', async () => {
    const { client } = urql(gateway());
    const unclaim = async (serialNumber: string) =>
      (await client.mutation(portal.unclaimNode, { locationId: ada.home, serialNumber }).toPromise()).data
        ?.unclaimNode;
    expect(await unclaim('AA11000003')).toEqual({
      __typename: 'NodeAlreadyUnclaimedError',
      code: 'NODE_ALREADY_UNCLAIMED',
      message: 'Node AA11000003 is already unclaimed.',
    });
    expect(await unclaim('ZZ99999999')).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      message: 'Node ZZ99999999 was not found.',
      resource: 'NODE',
      resourceId: toGlobalId('WifiNode', customerIds.ada, locationIds.adaHome, 'ZZ99999999'),
    });
  });

  it('errors are embedded, never keyed: a NotFoundError with its deprecated raw id stays out of the entity store', async () => {
    // An app built before resourceId selects the raw `id`; keyed by it, errors of different mutations
    // (and resources) would share one entity.
    const legacy = parse(`
      mutation LegacyUnclaim($locationId: ID!) {
        unclaimNode(input: { locationId: $locationId, serialNumber: "ZZ99999999" }) {
          ... on NotFoundError { id resource code message }
        }
      }
    `);
    const storedFields = async (errorKeys: boolean) => {
      let fields: unknown[] = [];
      const { client } = urql(gateway(), {
        errorKeys,
        onCache: (cache) => (fields = cache.inspectFields({ __typename: 'NotFoundError', id: 'ZZ99999999' })),
      });
      const { data } = await client.mutation(legacy, { locationId: ada.home }).toPromise();
      expect(data.unclaimNode).toMatchObject({ code: 'NOT_FOUND', id: 'ZZ99999999' });
      return fields;
    };
    expect(await storedFields(true)).toEqual([]);
    expect(await storedFields(false)).not.toEqual([]);
  });

  it('without the generated schema, `... on Error` loses code and message (why it is generated)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { client } = urql(gateway(), { schema: false });
    const { data } = await client
      .mutation(portal.unclaimNode, { locationId: ada.home, serialNumber: 'AA11000003' })
      .toPromise();
    expect(data?.unclaimNode).toEqual({ __typename: 'NodeAlreadyUnclaimedError' });
    expect(warn.mock.calls.flat().join('\n')).toContain('Heuristic Fragment Matching');
    warn.mockRestore();
  });
});
