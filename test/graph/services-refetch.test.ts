import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { useFreshGateway, useSharedGateway } from '../helpers/gateway.js';
import { customers, expectTypename, locations, present, tokens } from '../helpers/fixtures.js';

/**
 * Services are Relay nodes: a global ID names the owner (location or customer) and the service id, and
 * node(id)/nodes(ids) re-read it through the owner, scope-checked with the caller's token, one services
 * list call per owner however many of its services are asked for.
 */

const OwnerServices = graphql(`
  query RfOwnerServices($location: ID!, $customer: ID!) {
    node(id: $location) {
      ... on Location {
        services(status: ALL, first: 1000) {
          edges {
            node {
              ...RfServiceFields
            }
          }
        }
      }
    }
    customer(id: $customer) {
      services(status: ALL) {
        edges {
          node {
            ...RfServiceFields
          }
        }
      }
    }
  }
`);

graphql(`
  fragment RfServiceFields on Service {
    __typename
    id
    serviceId
    sku
    status
    stoppedOn
    ... on LocationService {
      locationId
    }
    ... on SubAccountService {
      quantity
    }
  }
`);

const ServiceNode = graphql(`
  query RfServiceNode($id: ID!) {
    node(id: $id) {
      ...RfServiceFields
    }
  }
`);

const ServiceNodes = graphql(`
  query RfServiceNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Service {
        id
        serviceId
      }
    }
  }
`);

const CancelServices = graphql(`
  mutation RfCancelServices($input: CancelServicesInput!) {
    cancelServices(input: $input) {
      __typename
      ... on CancelServicesSuccess {
        stoppedServices {
          id
          serviceId
        }
      }
    }
  }
`);

const locationServiceGid = (customerId: string, locationId: string, serviceId: number) =>
  encodeGlobalID('LocationService', `${customerId}:${locationId}:${serviceId}`);
const subAccountServiceGid = (customerId: string, serviceId: number) =>
  encodeGlobalID('SubAccountService', `${customerId}:${serviceId}`);

describe('services as Relay nodes', () => {
  const gateway = useSharedGateway();

  it('give each service a global ID naming its owner and service id', async () => {
    const { data, errors } = await gateway().execute(OwnerServices, {
      location: locations.linusHome,
      customer: customers.linus,
    });

    expect(errors).toBeUndefined();
    const located = data?.node && 'services' in data.node ? present(data.node.services).edges : [];
    expect(located.map((e) => decodeGlobalID(e.node.id))).toEqual(
      [8157, 8158, 8159, 8160].map((id) => ({
        typename: 'LocationService',
        id: `${customerIds.linus}:${locationIds.linusHome}:${id}`,
      })),
    );
    expect(present(present(data?.customer).services).edges.map((e) => decodeGlobalID(e.node.id))).toEqual(
      [9006, 9007].map((id) => ({ typename: 'SubAccountService', id: `${customerIds.linus}:${id}` })),
    );
  });

  it('refetch each service, active or stopped, with the same data', async () => {
    const { data } = await gateway().execute(OwnerServices, {
      location: locations.linusHome,
      customer: customers.ada,
    });
    const located = data?.node && 'services' in data.node ? present(data.node.services).edges : [];
    const services = [...located, ...present(present(data?.customer).services).edges].map((e) => e.node);
    expect(services.map((s) => s.status)).toContain('STOPPED');

    for (const service of services) {
      const response = await gateway().execute(ServiceNode, { id: service.id });
      expect(response.errors).toBeUndefined();
      expect(response.data?.node).toEqual(service);
    }
  });

  it('refetch many with nodes(ids): one owner read and one services list call per owner', async () => {
    const ids = [
      locationServiceGid(customerIds.ada, locationIds.adaHome, 8001),
      subAccountServiceGid(customerIds.ada, 9003),
      // Beyond the backend's default page of 100, and stopped.
      locationServiceGid(customerIds.ada, locationIds.adaHome, 8149),
      locationServiceGid(customerIds.linus, locationIds.linusHome, 8160),
      subAccountServiceGid(customerIds.ada, 9000),
      locationServiceGid(customerIds.ada, locationIds.adaHome, 8120),
    ];

    const { data, errors } = await gateway().execute(ServiceNodes, { ids });

    expect(errors).toBeUndefined();
    expect(data?.nodes.map((n) => n && 'serviceId' in n && n.serviceId)).toEqual([
      8001, 9003, 8149, 8160, 9000, 8120,
    ]);
    // Owners: Ada's home and Linus's home (one location read each), Ada (one customer read).
    expect(gateway().upstreamCalls()).toEqual({ plume: 3, services: 3 });
  });

  it('answer null for a service its owner does not have', async () => {
    const ids = [
      locationServiceGid(customerIds.ada, locationIds.adaHome, 8160),
      subAccountServiceGid(customerIds.ada, 123456),
      subAccountServiceGid(customerIds.ada, 9000),
    ];

    const { data, errors } = await gateway().execute(ServiceNodes, { ids });

    expect(errors).toBeUndefined();
    expect(data?.nodes.map((n) => n && 'serviceId' in n && n.serviceId)).toEqual([null, null, 9000]);
  });

  it.each([
    encodeGlobalID('LocationService', `${customerIds.ada}:8000`),
    encodeGlobalID('SubAccountService', `${customerIds.ada}:9000:x`),
  ])('refuse a malformed service global ID %s as input, before any upstream call', async (id) => {
    const { data, errors } = await gateway().execute(ServiceNodes, {
      ids: [subAccountServiceGid(customerIds.ada, 9000), id],
    });

    expect(data).toBeNull();
    expect(errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['nodes'], 'BAD_USER_INPUT']]);
    expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
  });

  it("answer null with NOT_AUTHORIZED for another customer's service, without asking the services backend", async () => {
    const response = await gateway().execute(
      ServiceNodes,
      {
        ids: [
          locationServiceGid(customerIds.grace, locationIds.graceApartment, 8155),
          subAccountServiceGid(customerIds.ada, 9000),
        ],
      },
      { token: tokens.ada },
    );

    expect(response.data?.nodes.map((n) => n && 'serviceId' in n && n.serviceId)).toEqual([null, 9000]);
    expect(response.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['nodes', 0], 'NOT_AUTHORIZED'],
    ]);
    expect(gateway().sandbox.services.control.requests.map((r) => r.query.subAccountId)).toEqual([
      'ACC-1001',
    ]);
  });
});

describe('services in a mutation result', () => {
  const gateway = useFreshGateway();

  it('carry the same global IDs as the lists, and refetch as STOPPED', async () => {
    const { data } = await gateway().execute(CancelServices, { input: { locationId: locations.adaCottage } });

    const stopped = expectTypename(data?.cancelServices, 'CancelServicesSuccess').stoppedServices;
    expect(stopped.map((s) => s.id)).toEqual(
      [8150, 8151].map((id) => locationServiceGid(customerIds.ada, locationIds.adaCottage, id)),
    );
    const refetched = await gateway().execute(ServiceNode, { id: stopped[0]!.id });
    expect(refetched.data?.node).toMatchObject({ serviceId: 8150, status: 'STOPPED' });
  });
});
