import { describe, expect, it } from 'vitest';
import { locationIds, SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { useFreshGateway } from '../helpers/gateway.js';
import { expectTypename, locations } from '../helpers/fixtures.js';

/**
 * Partner Portal mode: `locationAccountId` names the services account a location is in. In the seed,
 * Margaret's office is in her sub-account ACC-1004; every other location is in the main account.
 */

const OfficeServices = graphql(`
  query PpOfficeServices($id: ID!, $account: String) {
    node(id: $id) {
      ... on Location {
        services(locationAccountId: $account, status: ALL) {
          totalCount
          edges {
            node {
              serviceId
            }
          }
        }
      }
    }
  }
`);

const CancelServices = graphql(`
  mutation PpCancelServices($input: CancelServicesInput!) {
    cancelServices(input: $input) {
      __typename
      ... on CancelServicesSuccess {
        stoppedServices {
          serviceId
          status
        }
      }
      ...ErrorOutcome
    }
  }
`);

const SUB_ACCOUNT = 'ACC-1004';
const servicesPath = `/v2/accounts/${SERVICES_ACCOUNT_ID}`;

describe('Partner Portal mode (locationAccountId)', () => {
  const gateway = useFreshGateway();
  const officeIds = async (account?: string) => {
    const { data, errors } = await gateway().execute(OfficeServices, {
      id: locations.margaretOffice,
      account,
    });
    expect(errors).toBeUndefined();
    const services = data?.node && 'services' in data.node ? data.node.services : undefined;
    return services?.edges.map((e) => e.node.serviceId);
  };

  it('filters Location.services by the account the location is in, and sends the filter upstream', async () => {
    expect(await officeIds()).toEqual([8162, 8163]);
    expect(await officeIds(SUB_ACCOUNT)).toEqual([8162, 8163]);
    expect(await officeIds(SERVICES_ACCOUNT_ID)).toEqual([]);

    const lists = gateway().sandbox.services.control.requests.filter(
      (r) => r.path === `${servicesPath}/services`,
    );
    expect(lists.map((r) => r.query.locationAccountId)).toEqual([
      undefined,
      SUB_ACCOUNT,
      SERVICES_ACCOUNT_ID,
    ]);
  });

  it('rejects a malformed locationAccountId filter as BAD_USER_INPUT, without a services call', async () => {
    const { errors } = await gateway().execute(OfficeServices, {
      id: locations.margaretOffice,
      account: 'a/b',
    });

    expect(errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['node', 'services'], 'BAD_USER_INPUT'],
    ]);
    expect(gateway().upstreamCalls().services).toBe(0);
  });

  it('cancels only under the account the location is in', async () => {
    const cancel = (locationAccountId: string) =>
      gateway().execute(CancelServices, {
        input: { locationId: locations.margaretOffice, locationAccountId },
      });
    const active = () =>
      gateway().sandbox.services.state.listLocationServices({ locationId: locationIds.margaretOffice }).count;

    // In the wrong account the location has nothing active: the contract's row, nothing stops.
    expectTypename((await cancel(SERVICES_ACCOUNT_ID)).data?.cancelServices, 'NoActiveServicesError');
    expect(active()).toBe(1);

    const { data } = await cancel(SUB_ACCOUNT);
    expect(expectTypename(data?.cancelServices, 'CancelServicesSuccess').stoppedServices).toEqual([
      { serviceId: 8162, status: 'STOPPED' },
    ]);
    expect(active()).toBe(0);
    const bodies = gateway().sandbox.services.control.requests.map((r) => [
      r.method,
      r.query.locationAccountId,
    ]);
    // The refused cancel's read of the facts asked in the same account.
    expect(bodies).toEqual([
      ['POST', undefined],
      ['GET', SERVICES_ACCOUNT_ID],
      ['POST', undefined],
    ]);
  });

  it.each(['ACC/../1004', '', 'a'.repeat(65)])(
    'rejects locationAccountId %j before any upstream call',
    async (locationAccountId) => {
      const { data } = await gateway().execute(CancelServices, {
        input: { locationId: locations.margaretOffice, locationAccountId },
      });

      const result = expectTypename(data?.cancelServices, 'InputValidationError');
      expect(new Set(result.issues.map((issue) => issue.path.join('.')))).toEqual(
        new Set(['input.locationAccountId']),
      );
      expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
    },
  );
});
