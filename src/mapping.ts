import type { Customer, Location } from './upstream/plume/plume-model.js';

/**
 * How the WiFi cloud's customers and locations are known to the services backend: the one place the
 * two id spaces meet. Default: the services `locationId` is the WiFi location id and the services
 * `subAccountId` is the customer's `accountId` (config `SUBACCOUNT_ID_FIELD` may pick the customer `id`).
 */
export interface IdMapping {
  servicesLocationId(location: Pick<Location, 'id'>): string;
  subAccountId(customer: Pick<Customer, 'id' | 'accountId'>): string;
}

export function createIdMapping(subAccountIdField: 'accountId' | 'id' = 'accountId'): IdMapping {
  return {
    servicesLocationId: (location) => location.id,
    subAccountId: (customer) => customer[subAccountIdField],
  };
}
