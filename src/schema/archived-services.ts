import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { Location } from '../upstream/plume/plume-model.js';
import { MAX_PAGE_SIZE } from '../upstream/services/services-model.js';
import { ASSUMED_LIST_SIZE, UPSTREAM_CALL } from './support/cost.js';
import { CustomerRef, LocationRef, LocationServiceRef, owned } from './refs.js';

/**
 * Billing left behind: services still active at archived locations (archiveLocation and deleteCustomer
 * never touch services). A technician finds them here and stops them with cancelLocationService.
 */

async function activeAfterArchive(location: Location, ctx: Context) {
  if (!location.archived) return [];
  const page = await ctx.loaders.servicePage.load({
    scope: 'location',
    ownerId: ctx.mapping.servicesLocationId(location),
    status: 'ACTIVE',
    limit: MAX_PAGE_SIZE,
    offset: 0,
  });
  return owned(page.services, { customerId: location.customerId, locationId: location.id });
}

builder.objectField(LocationRef, 'activeServicesAfterArchive', (t) =>
  t.field({
    type: [LocationServiceRef],
    nullable: true,
    complexity: UPSTREAM_CALL,
    description: `Services still active although the location is archived (billing left behind; at most ${MAX_PAGE_SIZE}). Empty for a live location. Stop them with cancelLocationService. Null (with its error at this path) when reading them fails.`,
    resolve: (location, _, ctx) => activeAfterArchive(location, ctx),
  }),
);

builder.objectField(CustomerRef, 'servicesAtArchivedLocations', (t) =>
  t.field({
    type: [LocationServiceRef],
    nullable: true,
    // One call for the locations, one per archived location.
    complexity: { field: UPSTREAM_CALL, multiplier: ASSUMED_LIST_SIZE },
    description: `Services still active at the customer's archived locations (billing left behind; at most ${MAX_PAGE_SIZE} per location). Null (with its error at this path) when reading them fails.`,
    resolve: async (customer, _, ctx) => {
      const locations = await ctx.loaders.locations.load(customer.id);
      return (await Promise.all(locations.map((l) => activeAfterArchive(l, ctx)))).flat();
    },
  }),
);
