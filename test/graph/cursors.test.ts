import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { encodeGlobalID, offsetToCursor as relayOffsetToCursor } from '@pothos/plugin-relay';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { cursorToOffset, offsetToCursor } from '../../src/schema/support/pagination.js';
import { useSharedGateway } from '../helpers/gateway.js';
import { locations } from '../helpers/fixtures.js';

/**
 * Connection cursors are read strictly: exactly the base64 of `OffsetConnection:<offset>` as the gateway
 * writes it, the offset a plain decimal within 2^31. Anything else is BAD_USER_INPUT before the services
 * backend is called (parseInt would read `1e12` as 1 and `12abc` as 12, and Node's base64 skips junk).
 */

type Json = Record<string, any>;
// A plain document, not codegen's `graphql()`: this file adds no operation to the typed set.
const LocationServices = parse(`
  query CursorsLocationServices($id: ID!, $first: Int, $after: String) {
    node(id: $id) {
      ... on Location {
        services(first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { serviceId } }
        }
      }
    }
  }
`) as TypedDocumentNode<Json, Json>;
const ServiceNode = parse(`
  query CursorsServiceNode($id: ID!) { node(id: $id) { __typename ... on Service { serviceId } } }
`) as TypedDocumentNode<Json, Json>;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const NOT_A_CURSOR = 'after is not a cursor from this connection.';

describe('connection cursors', () => {
  const gateway = useSharedGateway();
  const page = (after: string | null, first = 2) =>
    gateway().execute(LocationServices, { id: locations.adaHome, first, after });

  it.each([
    ['an exponent', b64('OffsetConnection:1e12')],
    ['trailing junk', b64('OffsetConnection:12abc')],
    ['a leading space', b64('OffsetConnection: 12')],
    ['a trailing newline', b64('OffsetConnection:12\n')],
    ['a sign', b64('OffsetConnection:-1')],
    ['a plus sign', b64('OffsetConnection:+1')],
    ['a leading zero', b64('OffsetConnection:012')],
    ['a fraction', b64('OffsetConnection:1.0')],
    ['hex', b64('OffsetConnection:0x10')],
    ['no offset', b64('OffsetConnection:')],
    ['twenty digits', b64('OffsetConnection:99999999999999999999')],
    ['just past 2^31', b64(`OffsetConnection:${2 ** 31 + 1}`)],
    ['another prefix', b64('ArrayConnection:1')],
    ['a bare offset', '12abc'],
    ['not base64', 'not a cursor!'],
    ['junk inside the base64', `${offsetToCursor(1).slice(0, 8)}.${offsetToCursor(1).slice(8)}`],
    ['missing padding', offsetToCursor(10).replace(/=+$/, '')],
    ['a newline after the base64', `${offsetToCursor(5)}\n`],
    ['an empty string', ''],
  ])('refuses a cursor with %s as BAD_USER_INPUT, without calling the services backend', async (_, after) => {
    const response = await page(after);

    expect(response.errors).toMatchObject([
      { message: NOT_A_CURSOR, path: ['node', 'services'], extensions: { code: 'BAD_USER_INPUT' } },
    ]);
    expect(gateway().upstreamCalls().services).toBe(0);
  });

  it('writes cursors exactly as @pothos/plugin-relay does, so cursors given out before still page', () => {
    for (const offset of [0, 1, 9, 10, 149, 2 ** 31]) {
      expect(offsetToCursor(offset)).toBe(relayOffsetToCursor(offset));
      expect(cursorToOffset(relayOffsetToCursor(offset))).toBe(offset);
    }
  });

  it('pages forward with the cursors it gives out', async () => {
    const first = await page(null);
    const firstPage = first.data?.node.services;
    expect(first.errors).toBeUndefined();
    expect(firstPage.edges.map((e: Json) => e.cursor)).toEqual([offsetToCursor(0), offsetToCursor(1)]);

    const second = await page(firstPage.pageInfo.endCursor);
    const secondPage = second.data?.node.services;
    expect(second.errors).toBeUndefined();
    expect(secondPage.edges.map((e: Json) => e.cursor)).toEqual([offsetToCursor(2), offsetToCursor(3)]);
    expect(secondPage.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const ids = [...firstPage.edges, ...secondPage.edges].map((e: Json) => e.node.serviceId);
    expect(new Set(ids).size).toBe(4);
  });

  it('accepts the largest offset (2^31): an empty page past the end, not an error', async () => {
    const response = await page(offsetToCursor(2 ** 31));

    expect(response.errors).toBeUndefined();
    expect(response.data?.node.services).toMatchObject({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true },
    });
  });
});

describe('service global IDs', () => {
  const gateway = useSharedGateway();
  const gid = (serviceId: string) =>
    encodeGlobalID('LocationService', `${customerIds.ada}:${locationIds.adaHome}:${serviceId}`);

  it('find a service by its id as the backend writes it', async () => {
    const response = await gateway().execute(ServiceNode, { id: gid('8001') });

    expect(response.errors).toBeUndefined();
    expect(response.data?.node).toEqual({ __typename: 'LocationService', serviceId: 8001 });
  });

  it.each(['08001', '0x1F41', '8001e0'])(
    'never read %s as another spelling of service 8001: null, and the services backend is not asked',
    async (serviceId) => {
      const response = await gateway().execute(ServiceNode, { id: gid(serviceId) });

      expect(response.errors).toBeUndefined();
      expect(response.data?.node).toBeNull();
      expect(gateway().upstreamCalls().services).toBe(0);
    },
  );
});
