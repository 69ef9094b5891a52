import type { Context } from '../context.js';
import { builder, type BuilderTypes as Types } from '../builder.js';
import { MAX_PAGE_SIZE, serviceStatusFilters } from '../upstream/services/services-model.js';
import { agreementIdSchema, skuSchema, upstreamIdSchema } from '../domain/global-ids.js';
import { UPSTREAM_CALL } from './support/cost.js';
import { servicesConnection } from './support/pagination.js';
import { type LocationServiceRef, type ServiceOwner } from './refs.js';
import { type OwnerList } from './service-types.js';

/**
 * Services (SKUs) from the services backend as lists on locations and on customers' sub-accounts. The
 * backend has no per-customer scope, so every list goes through a Location or Customer first loaded from
 * the WiFi cloud with the caller's token (the cancel mutations are in service-cancel.ts).
 */

export const ServiceStatusFilter = builder.enumType('ServiceStatusFilter', {
  description: 'Which services a list returns (the backend default is ACTIVE).',
  values: serviceStatusFilters,
});

/** Partner Portal mode's filter (services reference: `locationAccountId`), on location services only. */
export const locationAccountIdSchema = upstreamIdSchema;
export const locationAccountIdDescription =
  'Partner Portal mode only: the services account the location is in (the main account or a sub-account).';

/**
 * A services connection field with the contract's filters, for Location.services and Customer.services;
 * `partnerPortal` adds the `locationAccountId` filter (location lists only).
 */
export function servicesConnectionField<Parent>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Parent>,
  type: typeof LocationServiceRef,
  description: string,
  owner: (parent: Parent, ctx: Context) => { list: OwnerList; owner: ServiceOwner },
  { partnerPortal = false } = {},
) {
  const locationAccountId = t.arg.string({
    description: locationAccountIdDescription,
    validate: locationAccountIdSchema,
  });
  return t.connection({
    type,
    nullable: true,
    description: `${description} Pages map onto the backend's limit/offset: first is at most ${MAX_PAGE_SIZE} (default 100); only forward paging. Null (with its error at this path) when reading them fails.`,
    complexity: UPSTREAM_CALL,
    args: {
      ...(partnerPortal ? { locationAccountId } : {}),
      status: t.arg({
        type: ServiceStatusFilter,
        required: true,
        defaultValue: 'ACTIVE',
        description: 'ACTIVE (default), STOPPED or ALL.',
      }),
      sku: t.arg.string({ description: 'Only this SKU.', validate: skuSchema }),
      agreementId: t.arg.int({
        description: 'Only services under this agreement.',
        validate: agreementIdSchema,
      }),
    },
    resolve: async (parent, args, ctx) => {
      const { list, owner: serviceOwner } = owner(parent, ctx);
      const filter = {
        ...list,
        status: args.status,
        sku: args.sku ?? undefined,
        agreementId: args.agreementId ?? undefined,
        locationAccountId: ('locationAccountId' in args && args.locationAccountId) || undefined,
      };
      const connection = await servicesConnection(ctx, filter, args);
      const edges = connection.edges.map((edge) => ({
        ...edge,
        node: { ...edge.node, owner: serviceOwner },
      }));
      return { ...connection, edges };
    },
  });
}
