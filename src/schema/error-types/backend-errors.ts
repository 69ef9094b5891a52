import { builder } from '../../builder.js';
import {
  InvalidServiceLevelError,
  LocationAlreadyArchivedError,
  NoActiveServicesError,
  NoClaimedNodesError,
  NodeAlreadyUnclaimedError,
  NotAuthorizedError,
  type NotAuthorizedReason,
  NotFoundError,
  ServicesRequestRejectedError,
} from '../../errors.js';
import { ServiceLevel } from '../refs.js';
import { deprecatedLocationId, errorType } from './error-interface.js';

/** The rows of the backends' contracts: what the WiFi cloud and the services backend answer when they refuse. */

errorType(
  NotAuthorizedError,
  'WiFi cloud 401: the Authorization header is missing or expired, or the customer is outside its administrative scope (or unknown to it).',
);
builder.objectFields(NotAuthorizedError, (t) => ({
  reason: t.field({
    type: builder.enumType('NotAuthorizedReason', {
      description: 'Which half of the 401 row it was.',
      values: {
        TOKEN: { description: 'The token is missing, unknown or expired: log in again.' },
        CUSTOMER_SCOPE: {
          description: 'The token is valid, but the customer is outside its scope (or unknown to the cloud).',
        },
      } as const satisfies Record<NotAuthorizedReason, { description: string }>,
    }),
    nullable: true,
    description: 'Which half of the 401 row it was; null when the gateway could not tell.',
    resolve: (e) => e.reason ?? null,
  }),
}));

const ResourceKind = builder.enumType('ResourceKind', {
  description: 'The kind of resource a NotFoundError names.',
  values: {
    CUSTOMER: { value: 'Customer' },
    LOCATION: { value: 'Location' },
    NODE: { value: 'Node' },
    SUB_ACCOUNT: { value: 'SubAccount' },
  } as const,
});

errorType(NotFoundError, 'WiFi cloud 404: the named customer, location or node does not exist.');
builder.objectFields(NotFoundError, (t) => ({
  resource: t.field({
    type: ResourceKind,
    description: 'Which kind of id was not found.',
    resolve: (e) => e.resource,
  }),
  id: t.exposeString('id', {
    description: 'The upstream id that was not found.',
    deprecationReason:
      'A raw upstream id, which queries and mutations do not take (and which Apollo Client keys every NotFoundError by): use resourceId.',
  }),
}));

errorType(NoClaimedNodesError, 'WiFi cloud 404 on RMA: the location has zero claimed nodes.');
builder.objectFields(NoClaimedNodesError, (t) => ({
  locationId: t.exposeString('locationId', deprecatedLocationId),
}));

errorType(NodeAlreadyUnclaimedError, 'WiFi cloud 400 on RMA: the node is already unclaimed.');
builder.objectFields(NodeAlreadyUnclaimedError, (t) => ({
  serialNumber: t.exposeString('serialNumber', { description: 'The serial number of the node.' }),
}));

errorType(
  LocationAlreadyArchivedError,
  'WiFi cloud 409 on service cancellation: the location is already archived.',
);
builder.objectFields(LocationAlreadyArchivedError, (t) => ({
  locationId: t.exposeString('locationId', deprecatedLocationId),
}));

errorType(InvalidServiceLevelError, "WiFi cloud 422 on suspension: the cloud rejected the 'status' value.");
builder.objectFields(InvalidServiceLevelError, (t) => ({
  level: t.field({
    type: ServiceLevel,
    description: 'The level that was rejected.',
    resolve: (e) => e.status,
  }),
}));

errorType(
  NoActiveServicesError,
  'Services backend: it refused the cancel or decrease and none of the services it names is active (the contract requires at least one).',
);

errorType(
  ServicesRequestRejectedError,
  'Services backend: it refused the cancel or decrease although services it names are still active (e.g. a minimum commitment not yet met). Nothing was changed.',
);
builder.objectFields(ServicesRequestRejectedError, (t) => ({
  upstreamCode: t.int({
    nullable: true,
    description:
      "The services backend's error code, when its answer carried one (codes are not published); null otherwise.",
    resolve: (e) => e.upstreamCode,
  }),
}));
