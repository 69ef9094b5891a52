import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { itemOrError, type ServicePageKey } from '../loaders.js';
import { findService, serviceStatuses } from '../upstream/services/services-model.js';
import { splitIds } from './support/ids.js';
import { LocationServiceRef, type OwnedService, type ServiceOwner, SubAccountServiceRef } from './refs.js';

/**
 * The service types: a common `Service` interface, and two Relay nodes whose global IDs name their owner
 * (location or customer) and service id. The services backend has no read by service id and no scope of
 * its own, so node(id) loads the owner from the WiFi cloud with the caller's token, then finds the service
 * in the owner's list (status ALL). Several ids of one owner share that one list call (per-request loaders).
 */

export const ServiceStatus = builder.enumType('ServiceStatus', {
  description: 'Whether a service is provisioned now.',
  values: serviceStatuses,
});

export const ServiceInterface = builder.interfaceRef<OwnedService>('Service').implement({
  description: 'A service (SKU) provisioned in the services backend.',
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (service) => (service.kind === 'location' ? 'LocationService' : 'SubAccountService'),
  fields: (t) => ({
    serviceId: t.exposeInt('id', { description: 'The services backend id.' }),
    sku: t.exposeString('sku', { description: 'The product SKU, e.g. SKU-00000167.' }),
    description: t.exposeString('description', { description: 'The product name.' }),
    agreementId: t.exposeInt('agreementId', {
      description: 'The agreement the service is provisioned under.',
    }),
    status: t.field({ type: ServiceStatus, description: 'ACTIVE or STOPPED.', resolve: (s) => s.status }),
    startedOn: t.field({
      type: 'Date',
      description: 'When the service started.',
      resolve: (s) => s.startedOn,
    }),
    stoppedOn: t.field({
      type: 'Date',
      nullable: true,
      description: 'When the service stopped; null while active.',
      resolve: (s) => s.stoppedOn ?? null,
    }),
    stopOnDate: t.string({
      nullable: true,
      description:
        "In a cancel's answer: the backend's stopOnDate for the service, as sent (its format is not published); null when empty or absent.",
      resolve: (s) => s.stopOnDate ?? null,
    }),
  }),
});

/** Which backend list holds an owner's services. */
export type OwnerList = Pick<ServicePageKey, 'scope' | 'ownerId'>;

/** The service with this id in its owner's list (any status), or null. */
async function refetch(ctx: Context, list: OwnerList, owner: ServiceOwner, serviceId: string) {
  // Only the id as the backend writes it: Number() would also read `08001` or `0x1F41` as service 8001.
  if (!/^(?:0|[1-9][0-9]{0,14})$/.test(serviceId)) return null;
  const id = Number(serviceId);
  const found = await findService(
    (page) => ctx.loaders.servicePage.load({ ...list, status: 'ALL', ...page }),
    (s) => s.id === id,
  );
  return found ? { ...found, owner } : null;
}

builder.node(LocationServiceRef, {
  description: 'A service provisioned on a location.',
  interfaces: [ServiceInterface],
  isTypeOf: (s) => (s as OwnedService).kind === 'location',
  id: {
    resolve: (s) => `${s.owner.customerId}:${s.owner.locationId}:${s.id}`,
    // Parsed (and refused when malformed) for every id of nodes(ids:) before any is loaded.
    parse: (id) => splitIds('LocationService', id),
  },
  loadOne: ([customerId, locationId, serviceId], ctx) => {
    return itemOrError(
      (async () => {
        const location = await ctx.loaders.location.load({ customerId, locationId });
        const list = { scope: 'location', ownerId: ctx.mapping.servicesLocationId(location) } as const;
        return refetch(ctx, list, { customerId, locationId }, serviceId);
      })(),
    );
  },
  fields: (t) => ({
    locationId: t.string({
      description: 'The services backend location id.',
      resolve: (s) => s.locationId ?? '',
    }),
  }),
});

builder.node(SubAccountServiceRef, {
  description: "A service provisioned on a customer's sub-account, with a quantity.",
  interfaces: [ServiceInterface],
  isTypeOf: (s) => (s as OwnedService).kind === 'subAccount',
  id: { resolve: (s) => `${s.owner.customerId}:${s.id}`, parse: (id) => splitIds('SubAccountService', id) },
  loadOne: ([customerId, serviceId], ctx) => {
    return itemOrError(
      (async () => {
        const customer = await ctx.loaders.customer.load(customerId);
        const list = { scope: 'subAccount', ownerId: ctx.mapping.subAccountId(customer) } as const;
        return refetch(ctx, list, { customerId }, serviceId);
      })(),
    );
  },
  fields: (t) => ({
    subAccountId: t.string({
      description: 'The services backend sub-account id.',
      resolve: (s) => s.subAccountId ?? '',
    }),
    quantity: t.int({
      description: 'How many units are provisioned (0 once stopped by decreases).',
      resolve: (s) => s.quantity ?? 0,
    }),
  }),
});
