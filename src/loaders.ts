import DataLoader from 'dataloader';
import { NotAuthorizedError } from './errors.js';
import type { Logger } from './logger.js';
import type { PlumeApi } from './upstream/plume/plume-api.js';
import type { Customer, Location, ServiceLevel, WifiNode } from './upstream/plume/plume-model.js';
import type { ServicesApi } from './upstream/services/services-api.js';
import type { ServiceFilter, ServicePage } from './upstream/services/services-model.js';

/**
 * Per-request DataLoaders: each upstream resource is fetched at most once per GraphQL request however
 * often the query names it, and sibling customers are fetched in one batch call. Created fresh in
 * contextFor (src/context.ts), never shared between requests (the token differs).
 */

export interface LocationKey {
  customerId: string;
  locationId: string;
}

export interface ServicePageKey extends ServiceFilter {
  /** Services `locationId` or `subAccountId`, per `scope`. */
  ownerId: string;
  scope: 'location' | 'subAccount';
}

/** A loader whose keys are loaded one upstream call each (the backend has no batch endpoint for them). */
function perKey<K, V>(load: (key: K) => Promise<V>): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    (keys) => Promise.all(keys.map((key) => load(key).catch((e: Error) => e))),
    {
      cacheKeyFn: (key) => JSON.stringify(key),
    },
  );
}

export function createLoaders(plume: PlumeApi, services: ServicesApi, logger: Logger) {
  /**
   * The WiFi cloud limits each call to the token's scope, but the services backend trusts the gateway:
   * what is read under a customer id must be that customer's, or one wrong upstream answer would open
   * another customer's services. Checked here, where every customer and location is loaded (and primed).
   */
  function ownedBy<T extends { id: string }>(customerId: string, item: T, ownerId: string): T {
    if (ownerId === customerId) return item;
    logger.warn(
      { customerId, answeredId: item.id, answeredCustomerId: ownerId },
      "the WiFi cloud answered with another customer's data: refused as NotAuthorizedError",
    );
    throw new NotAuthorizedError();
  }
  const ownLocation = (customerId: string, l: Location) => ownedBy(customerId, l, l.customerId);

  const location = perKey<LocationKey, Location>(async ({ customerId, locationId }) =>
    ownLocation(customerId, await plume.getLocation(customerId, locationId)),
  );
  const readCustomer = async (id: string) => {
    const customer = await plume.getCustomer(id);
    return ownedBy(id, customer, customer.id);
  };
  return {
    customer: new DataLoader<string, Customer>(async (ids) => {
      // One id: the single read answers with the precise 401/404. Several: one batch call, then a
      // single read only for ids the batch left out, to learn why.
      const found =
        ids.length > 1 ? new Map((await plume.getCustomers(ids)).map((c) => [c.id, c])) : new Map();
      return Promise.all(ids.map((id) => found.get(id) ?? readCustomer(id).catch((e: Error) => e)));
    }),
    location,
    locations: perKey<string, Location[]>(async (customerId) => {
      const locations = (await plume.listLocations(customerId)).map((l) => ownLocation(customerId, l));
      for (const l of locations) location.prime({ customerId, locationId: l.id }, l);
      return locations;
    }),
    nodes: perKey<LocationKey, WifiNode[]>(({ customerId, locationId }) =>
      plume.listNodes(customerId, locationId),
    ),
    serviceLevel: perKey<LocationKey, ServiceLevel>(({ customerId, locationId }) =>
      plume.getServiceLevel(customerId, locationId),
    ),
    servicePage: perKey<ServicePageKey, ServicePage>(({ ownerId, scope, ...filter }) =>
      scope === 'location'
        ? services.listLocationServices(ownerId, filter)
        : services.listSubAccountServices(ownerId, filter),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** After a mutation: forget what it changed, so the rest of the request reads fresh state. */
export function forgetLocation(loaders: Loaders, key: LocationKey): void {
  loaders.location.clear(key);
  loaders.locations.clear(key.customerId);
  loaders.nodes.clear(key);
  loaders.serviceLevel.clear(key);
}

export function forgetServices(loaders: Loaders): void {
  loaders.servicePage.clearAll();
}

/**
 * For list items (`nodes(ids:)`, `customers(ids:)`): hands a failed load back as its Error value instead of
 * rejecting, so graphql-js nulls just that item, with its own error, and keeps the rest of the list.
 */
export function itemOrError<T>(load: Promise<T>): Promise<T> {
  return load.catch((error: Error) => error as unknown as T);
}
