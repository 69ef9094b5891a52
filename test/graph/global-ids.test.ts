import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { useFreshGateway } from '../helpers/gateway.js';
import { customers, locationGid, locations, wifiNodeGid } from '../helpers/fixtures.js';

/**
 * The ids a client can pass back and key its cache by (issue 20): global IDs beside the raw ids errors
 * and payloads first shipped with, the objects an error names, a key for LocationServiceLevel, and what a
 * workflow report says it changed. Over HTTP against the simulators.
 */

const Archive = graphql(`
  mutation GidArchive($locationId: ID!) {
    archiveLocation(input: { locationId: $locationId }) {
      __typename
      ... on ArchiveLocationSuccess {
        archivedLocationId
      }
      ... on LocationAlreadyArchivedError {
        locationId
        location {
          id
          archived
        }
      }
    }
  }
`);

const Unclaim = graphql(`
  mutation GidUnclaim($locationId: ID!, $serialNumber: String!) {
    unclaimNode(input: { locationId: $locationId, serialNumber: $serialNumber }) {
      __typename
      ... on UnclaimNodeSuccess {
        unclaimedNodeId
      }
      ... on NoClaimedNodesError {
        location {
          id
          name
        }
      }
    }
  }
`);

const SetLevel = graphql(`
  mutation GidSetLevel($locationId: ID!) {
    setServiceLevel(input: { locationId: $locationId, level: NO_SERVICE }) {
      __typename
      ... on SetServiceLevelSuccess {
        serviceLevel {
          id
          level
        }
      }
      ... on NotFoundError {
        resource
        id
        resourceId
      }
    }
  }
`);

const Restore = graphql(`
  mutation GidRestore($locationId: ID!) {
    restoreLocation(input: { locationId: $locationId, idempotencyKey: "gid-restore-1" }) {
      __typename
      ... on NothingToRestoreError {
        location {
          id
          name
        }
      }
    }
  }
`);

const LevelNode = graphql(`
  query GidLevelNode($locationId: ID!, $levelId: ID!) {
    node(id: $locationId) {
      ... on Location {
        serviceLevel {
          id
          level
        }
      }
    }
    level: node(id: $levelId) {
      __typename
      id
      ... on LocationServiceLevel {
        level
      }
    }
  }
`);

const CancelAccount = graphql(`
  mutation GidCancelAccount($customerId: ID!, $dryRun: Boolean!) {
    cancelCustomerAccount(
      input: { customerId: $customerId, dryRun: $dryRun, idempotencyKey: "gid-cancel-1" }
    ) {
      __typename
      ... on WorkflowReport {
        completed
        deletedCustomerId
        customer {
          id
        }
        locations {
          id
          archived
        }
      }
    }
  }
`);

const levelGid = (customerId: string, locationId: string) =>
  encodeGlobalID('LocationServiceLevel', `${customerId}:${locationId}`);

describe('global ids a client can pass back', () => {
  const gateway = useFreshGateway();

  it('archiveLocation answers the archived id; a second archive names the location, now archived', async () => {
    const first = await gateway().execute(Archive, { locationId: locations.adaCottage });
    expect(first.data?.archiveLocation).toEqual({
      __typename: 'ArchiveLocationSuccess',
      archivedLocationId: locations.adaCottage,
    });
    const second = await gateway().execute(Archive, { locationId: locations.adaCottage });
    expect(second.data?.archiveLocation).toEqual({
      __typename: 'LocationAlreadyArchivedError',
      locationId: locationIds.adaCottage,
      location: { id: locations.adaCottage, archived: true },
    });
  });

  it('unclaimNode answers the WifiNode global id; NoClaimedNodesError names its location', async () => {
    const unclaimed = await gateway().execute(Unclaim, {
      locationId: locations.adaCottage,
      serialNumber: 'AA11000004',
    });
    expect(unclaimed.data?.unclaimNode).toEqual({
      __typename: 'UnclaimNodeSuccess',
      unclaimedNodeId: wifiNodeGid(customerIds.ada, locationIds.adaCottage, 'AA11000004'),
    });
    const none = await gateway().execute(Unclaim, {
      locationId: locations.adaCottage,
      serialNumber: 'AA11000004',
    });
    expect(none.data?.unclaimNode).toEqual({
      __typename: 'NoClaimedNodesError',
      location: { id: locations.adaCottage, name: 'Holiday cottage' },
    });
  });

  it('NotFoundError.resourceId is the Location global id of a missing location', async () => {
    const missing = locationGid(customerIds.ada, '660000000000000000000999');
    const response = await gateway().execute(SetLevel, { locationId: missing });
    expect(response.data?.setServiceLevel).toEqual({
      __typename: 'NotFoundError',
      resource: 'LOCATION',
      id: '660000000000000000000999',
      resourceId: missing,
    });
  });

  it('NothingToRestoreError names its location', async () => {
    const response = await gateway().execute(Restore, { locationId: locations.adaHome });
    expect(response.data?.restoreLocation).toEqual({
      __typename: 'NothingToRestoreError',
      location: { id: locations.adaHome, name: 'Home' },
    });
  });

  it('LocationServiceLevel has a global id of its own, refetchable with node(id:)', async () => {
    const levelId = levelGid(customerIds.ada, locationIds.adaCottage);
    const set = await gateway().execute(SetLevel, { locationId: locations.adaCottage });
    expect(set.data?.setServiceLevel).toEqual({
      __typename: 'SetServiceLevelSuccess',
      serviceLevel: { id: levelId, level: 'NO_SERVICE' },
    });
    const read = await gateway().execute(LevelNode, { locationId: locations.adaCottage, levelId });
    expect(read.data).toEqual({
      node: { serviceLevel: { id: levelId, level: 'NO_SERVICE' } },
      level: { __typename: 'LocationServiceLevel', id: levelId, level: 'NO_SERVICE' },
    });
  });

  it("cancelCustomerAccount's report: the locations in a preview, the deleted customer's id after the run", async () => {
    const preview = await gateway().execute(CancelAccount, { customerId: customers.linus, dryRun: true });
    expect(preview.data?.cancelCustomerAccount).toEqual({
      __typename: 'WorkflowReport',
      completed: false,
      deletedCustomerId: null,
      customer: { id: customers.linus },
      locations: [
        { id: locations.linusHome, archived: false },
        { id: locations.linusGarage, archived: false },
      ],
    });
    const run = await gateway().execute(CancelAccount, { customerId: customers.linus, dryRun: false });
    expect(run.data?.cancelCustomerAccount).toEqual({
      __typename: 'WorkflowReport',
      completed: true,
      deletedCustomerId: customers.linus,
      customer: null,
      locations: [],
    });
  });
});
