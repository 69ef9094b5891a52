import { z } from 'zod';
import { builder } from '../builder.js';
import { forgetServices } from '../loaders.js';
import type { Context } from '../context.js';
import type { ServicePageKey } from '../loaders.js';
import type { Customer, Location } from '../upstream/plume.js';
import { MAX_PAGE_SIZE, serviceStatusFilters, serviceStatuses, type Service } from '../upstream/services.js';
import { servicesErrors } from './errors.js';
import { agreementIdSchema, customerRefSchema, locationGlobalIdSchema, skuSchema } from './ids.js';
import { servicesConnection } from './pagination.js';
import { idempotencyKeyArg, idempotent } from '../workflows/idempotency.js';
import { CustomerRef, LocationRef, LocationServiceRef, SubAccountServiceRef } from './refs.js';

/**
 * Services (SKUs) from the services backend, on locations and on customers' sub-accounts, and the
 * three cancel operations. The backend has no per-customer scope, so every read and cancel goes
 * through a Location or Customer first loaded from the WiFi cloud with the caller's token.
 */

export const ServiceStatus = builder.enumType('ServiceStatus', {
  description: 'Whether a service is provisioned now.',
  values: serviceStatuses,
});

export const ServiceStatusFilter = builder.enumType('ServiceStatusFilter', {
  description: 'Which services a list returns (the backend default is ACTIVE).',
  values: serviceStatusFilters,
});

export const ServiceInterface = builder.interfaceRef<Service>('Service').implement({
  description: 'A service (SKU) provisioned in the services backend.',
  resolveType: (service) => (service.kind === 'location' ? 'LocationService' : 'SubAccountService'),
  fields: (t) => ({
    id: t.id({ description: 'Unique per service type.', resolve: (s) => `${s.kind}:${s.id}` }),
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
  }),
});

LocationServiceRef.implement({
  description: 'A service provisioned on a location.',
  interfaces: [ServiceInterface],
  isTypeOf: (s) => (s as Service).kind === 'location',
  fields: (t) => ({
    locationId: t.string({
      description: 'The services backend location id.',
      resolve: (s) => s.locationId ?? '',
    }),
  }),
});

SubAccountServiceRef.implement({
  description: "A service provisioned on a customer's sub-account, with a quantity.",
  interfaces: [ServiceInterface],
  isTypeOf: (s) => (s as Service).kind === 'subAccount',
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

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type OwnerKey = Omit<ServicePageKey, 'limit' | 'offset' | 'status' | 'sku' | 'agreementId'>;

/** A services connection field with the contract's filters, for Location.services and Customer.services. */
export function servicesConnectionField<Parent>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Parent>,
  type: typeof LocationServiceRef,
  description: string,
  owner: (parent: Parent, ctx: Context) => OwnerKey | Promise<OwnerKey>,
) {
  return t.connection({
    type,
    description: `${description} Pages map onto the backend's limit/offset: first is at most ${MAX_PAGE_SIZE} (default 100); only forward paging.`,
    args: {
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
    resolve: async (parent, args, ctx) =>
      servicesConnection(
        ctx,
        {
          ...(await owner(parent, ctx)),
          status: args.status,
          sku: args.sku ?? undefined,
          agreementId: args.agreementId ?? undefined,
        },
        args,
      ),
  });
}

const CancelServicesInput = builder.inputType('CancelServicesInput', {
  description: 'Which services to stop on a location.',
  fields: (t) => ({
    locationId: t
      .id({ required: true, description: 'The Location global ID.' })
      .validate(locationGlobalIdSchema),
    skus: t.stringList({
      description: 'Only these SKUs; all active services of the location when omitted.',
      validate: z
        .array(skuSchema)
        .min(1, 'give at least one SKU, or omit skus to cancel all')
        .max(1000, 'at most 1000 SKUs'),
    }),
    agreementId: t.int({
      description: 'Only services under this agreement (advanced).',
      validate: agreementIdSchema,
    }),
  }),
});

const SkuRemovalInput = builder.inputType('SkuRemovalInput', {
  description: 'A SKU to remove from a sub-account, or to decrease by a quantity.',
  fields: (t) => ({
    sku: t.string({ required: true, description: 'The SKU.', validate: skuSchema }),
    quantity: t.int({
      description: 'How many units to remove (default 1). Reaching 0 stops the service.',
      validate: z.number().int().min(1, 'must be at least 1').max(1_000_000, 'is too large'),
    }),
  }),
});

const ReduceSubAccountServicesInput = builder.inputType('ReduceSubAccountServicesInput', {
  description: "Decrease or remove SKUs on a customer's sub-account.",
  fields: (t) => ({
    customerId: t
      .id({ required: true, description: 'The Customer global ID, or the WiFi cloud customer id.' })
      .validate(customerRefSchema),
    skuRemovals: t.field({
      type: [SkuRemovalInput],
      required: true,
      description: 'The SKUs to decrease; at least one must be active.',
      validate: z
        .array(z.unknown())
        .min(1, 'give at least one SKU removal')
        .max(1000, 'at most 1000 SKU removals'),
    }),
    agreementId: t.int({
      description: 'Only services under this agreement (advanced).',
      validate: agreementIdSchema,
    }),
  }),
});

const CancelAllSubAccountServicesInput = builder.inputType('CancelAllSubAccountServicesInput', {
  description: "Stop every active service on a customer's sub-account.",
  fields: (t) => ({
    customerId: t
      .id({ required: true, description: 'The Customer global ID, or the WiFi cloud customer id.' })
      .validate(customerRefSchema),
    agreementId: t.int({
      description: 'Only services under this agreement (advanced).',
      validate: agreementIdSchema,
    }),
  }),
});

const CancelServicesSuccess = builder
  .objectRef<{ location: Location; services: Service[] }>('CancelServicesSuccess')
  .implement({
    description: 'The services stopped on the location.',
    fields: (t) => ({
      location: t.field({ type: LocationRef, description: 'The location.', resolve: (r) => r.location }),
      stoppedServices: t.field({
        type: [LocationServiceRef],
        description: 'Each service this call stopped.',
        resolve: (r) => r.services,
      }),
    }),
  });

type CustomerServices = { customer: Customer; services: Service[] };

const subAccountSuccess = (name: string, description: string, listDescription: string) =>
  builder.objectRef<CustomerServices>(name).implement({
    description,
    fields: (t) => ({
      customer: t.field({
        type: CustomerRef,
        description: 'The customer owning the sub-account.',
        resolve: (r) => r.customer,
      }),
      services: t.field({
        type: [SubAccountServiceRef],
        description: listDescription,
        resolve: (r) => r.services,
      }),
    }),
  });

const ReduceSubAccountServicesSuccess = subAccountSuccess(
  'ReduceSubAccountServicesSuccess',
  'The sub-account services after the decrease.',
  'Each service this call changed, as it is now (STOPPED when its quantity reached 0).',
);
const CancelAllSubAccountServicesSuccess = subAccountSuccess(
  'CancelAllSubAccountServicesSuccess',
  'The sub-account services this call stopped.',
  'Each service this call stopped.',
);

/**
 * Runs a services change for a customer's sub-account. The customer is loaded from the WiFi cloud with
 * the caller's token first: that is what limits the change to the token's scope.
 */
async function changeSubAccount(
  ctx: Context,
  customerId: string,
  change: (subAccountId: string) => Promise<Service[]>,
) {
  const customer = await ctx.loaders.customer.load(customerId);
  const services = await change(ctx.mapping.subAccountId(customer));
  forgetServices(ctx.loaders);
  return { customer, services };
}

builder.mutationFields((t) => ({
  cancelServices: t.field({
    type: CancelServicesSuccess,
    description:
      'Stops active services on a location (services contract: Services: Cancel (Location)). Without skus, every active service of the location stops.',
    errors: { types: servicesErrors },
    args: {
      input: t.arg({ type: CancelServicesInput, required: true, description: 'What to change.' }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: idempotent(async (_, { input }, ctx) => {
      const location = await ctx.loaders.location.load(input.locationId);
      const services = await ctx.services.cancelLocationServices({
        locationId: ctx.mapping.servicesLocationId(location),
        skus: input.skus ?? undefined,
        agreementId: input.agreementId ?? undefined,
      });
      forgetServices(ctx.loaders);
      return { location, services };
    }),
  }),
  reduceSubAccountServices: t.field({
    type: ReduceSubAccountServicesSuccess,
    description:
      "Decreases SKU quantities on a customer's sub-account; a quantity reaching 0 stops the service (services contract: Services: Cancel (Account)).",
    errors: { types: servicesErrors },
    args: {
      input: t.arg({ type: ReduceSubAccountServicesInput, required: true, description: 'What to change.' }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: idempotent((_, { input }, ctx) =>
      changeSubAccount(ctx, input.customerId, (subAccountId) =>
        ctx.services.reduceSubAccountServices({
          subAccountId,
          skuRemovals: input.skuRemovals.map((r) => ({ sku: r.sku, quantity: r.quantity ?? 1 })),
          agreementId: input.agreementId ?? undefined,
        }),
      ),
    ),
  }),
  cancelAllSubAccountServices: t.field({
    type: CancelAllSubAccountServicesSuccess,
    description:
      "Stops every active service (all quantities) on a customer's sub-account (services contract: Services: Cancel All (Account)).",
    errors: { types: servicesErrors },
    args: {
      input: t.arg({
        type: CancelAllSubAccountServicesInput,
        required: true,
        description: 'What to change.',
      }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: idempotent((_, { input }, ctx) =>
      changeSubAccount(ctx, input.customerId, (subAccountId) =>
        ctx.services.cancelAllSubAccountServices({
          subAccountId,
          agreementId: input.agreementId ?? undefined,
        }),
      ),
    ),
  }),
}));
