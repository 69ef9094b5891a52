import { z } from 'zod';
import { builder } from '../builder.js';
import { forgetServices } from '../loaders.js';
import type { Context } from '../context.js';
import { OutcomeUnknownError } from '../errors.js';
import { confirmWrite, type Confirmed } from '../upstream/ambiguity.js';
import {
  type ActiveQuantities,
  activeQuantities,
  decreaseOutcome,
  type SkuRemoval,
} from '../domain/decrease.js';
import type { Customer, Location } from '../upstream/plume.js';
import { MAX_PAGE_SIZE, serviceStatusFilters, type Service } from '../upstream/services.js';
import { servicesErrors } from './errors.js';
import {
  agreementIdSchema,
  customerRefSchema,
  locationGlobalIdSchema,
  skuSchema,
  upstreamIdSchema,
} from './ids.js';
import { UPSTREAM_CALL } from './limits.js';
import { servicesConnection } from './pagination.js';
import { confirmedByField } from './read-back.js';
import {
  CustomerRef,
  LocationRef,
  LocationServiceRef,
  type OwnedService,
  type ServiceOwner,
  SubAccountServiceRef,
} from './refs.js';
import { type OwnerList } from './service-types.js';
import { idempotencyKeyArg } from '../workflows/idempotency.js';
import { destructive } from './mutation.js';

/**
 * Services (SKUs) from the services backend, on locations and on customers' sub-accounts, and the
 * three cancel operations. The backend has no per-customer scope, so every read and cancel goes
 * through a Location or Customer first loaded from the WiFi cloud with the caller's token.
 */

export const ServiceStatusFilter = builder.enumType('ServiceStatusFilter', {
  description: 'Which services a list returns (the backend default is ACTIVE).',
  values: serviceStatusFilters,
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** Services as the graph hands them out: each with the owner it was read through (its global ID). */
/** Services of one owner, carrying it: their global IDs name it (src/schema/service-types.ts). */
export const owned = (services: Service[], owner: ServiceOwner): OwnedService[] =>
  services.map((service) => ({ ...service, owner }));

/** Partner Portal mode's filter (services reference: `locationAccountId`), on location services only. */
const locationAccountIdSchema = upstreamIdSchema;
const locationAccountIdDescription =
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

const CancelServicesInput = builder.inputType('CancelServicesInput', {
  description: 'Which services to stop on a location.',
  fields: (t) => ({
    locationId: t
      .id({ required: true, description: 'The Location global ID.' })
      .validate(locationGlobalIdSchema),
    locationAccountId: t.string({
      description: locationAccountIdDescription,
      validate: locationAccountIdSchema,
    }),
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

const READ_BACK_LIST =
  'After a READ_BACK: every service the request matched, all now stopped (the gateway cannot tell which ones this call stopped).';

const CancelServicesSuccess = builder
  .objectRef<Confirmed<{ location: Location; services: OwnedService[] }>>('CancelServicesSuccess')
  .implement({
    description: 'The services stopped on the location.',
    fields: (t) => ({
      location: t.field({ type: LocationRef, description: 'The location.', resolve: (r) => r.location }),
      stoppedServices: t.field({
        type: [LocationServiceRef],
        description: `Each service this call stopped. ${READ_BACK_LIST}`,
        resolve: (r) => r.services,
      }),
      confirmedBy: t.field(confirmedByField),
    }),
  });

type CustomerServices = Confirmed<{ customer: Customer; services: OwnedService[] }>;

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
      confirmedBy: t.field(confirmedByField),
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
  `Each service this call stopped. ${READ_BACK_LIST}`,
);

/**
 * After an ambiguous cancel: re-reads the owner's services (one page of up to 1000, every status) and
 * confirms when none of those the request matched is still active. Undefined (cannot tell) when some are,
 * when none matched at all (the cancel would have failed), or when they do not fit one page.
 */
function stoppedNow(page: { count: number; services: Service[] }, matches: (s: Service) => boolean) {
  const matched = page.services.filter(matches);
  const settled = page.services.length === page.count && matched.length > 0;
  return settled && matched.every((s) => s.status === 'STOPPED') ? matched : undefined;
}

const readBackFilter = (agreementId: number | undefined) =>
  ({ status: 'ALL', agreementId, limit: MAX_PAGE_SIZE }) as const;

/**
 * Runs a services change for a customer's sub-account. The customer is loaded from the WiFi cloud with
 * the caller's token first: that is what limits the change to the token's scope.
 */
async function changeSubAccount(
  ctx: Context,
  customerId: string,
  spec: {
    operation: string;
    safeToRetry: boolean;
    change: (subAccountId: string) => Promise<Service[]>;
    /** Facts read before a keyed change, for `check` (see DestructiveWrite.prepare). */
    prepare?: (subAccountId: string) => Promise<unknown>;
    check: (subAccountId: string, facts?: unknown) => Promise<Service[] | undefined>;
  },
) {
  const customer = await ctx.loaders.customer.load(customerId);
  const subAccountId = ctx.mapping.subAccountId(customer);
  const withCustomer = (services: Service[]) => ({
    customer,
    services: owned(services, { customerId: customer.id }),
  });
  const prepare = spec.prepare;
  return confirmWrite(ctx, {
    operation: spec.operation,
    safeToRetry: spec.safeToRetry,
    prepare: prepare && (() => prepare(subAccountId)),
    write: async () => withCustomer(await spec.change(subAccountId)),
    check: async (facts) => {
      const stopped = await spec.check(subAccountId, facts);
      return stopped && withCustomer(stopped);
    },
    forget: () => forgetServices(ctx.loaders),
  });
}

/** The sub-account's active quantities of the SKUs a decrease names; undefined if they do not fit one page. */
async function quantitiesOf(
  ctx: Context,
  subAccountId: string,
  removals: SkuRemoval[],
  agreementId?: number,
) {
  const page = await ctx.services.listSubAccountServices(subAccountId, readBackFilter(agreementId));
  if (page.services.length !== page.count) return undefined;
  return { services: page.services, quantities: activeQuantities(page.services, removals) };
}

/**
 * Whether a decrease took effect, from the quantities recorded before it: the services it changed when it
 * did, undefined when it did not. OutcomeUnknownError when no read can tell (nothing recorded, or the
 * quantities moved otherwise).
 */
async function decreaseApplied(
  ctx: Context,
  subAccountId: string,
  removals: SkuRemoval[],
  agreementId: number | undefined,
  before: ActiveQuantities | undefined,
): Promise<Service[] | undefined> {
  const now = before && (await quantitiesOf(ctx, subAccountId, removals, agreementId));
  const outcome = now ? decreaseOutcome(before, now.quantities, removals) : 'unknown';
  if (outcome === 'unknown') throw new OutcomeUnknownError('reduceSubAccountServices', false);
  if (outcome === 'notApplied') return undefined;
  const changed = new Set(
    removals.filter((r) => now!.quantities[r.sku] !== before![r.sku]).map((r) => r.sku),
  );
  return now!.services.filter((s) => changed.has(s.sku));
}

builder.mutationFields((t) => ({
  cancelServices: t.field({
    type: CancelServicesSuccess,
    description:
      'Stops active services on a location (services contract: Services: Cancel (Location)). Without skus, every active service of the location stops.',
    errors: { types: [...servicesErrors, OutcomeUnknownError] },
    complexity: UPSTREAM_CALL,
    args: {
      input: t.arg({ type: CancelServicesInput, required: true, description: 'What to change.' }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: destructive(async (_, { input }, ctx) => {
      const location = await ctx.loaders.location.load(input.locationId);
      const locationId = ctx.mapping.servicesLocationId(location);
      const locationAccountId = input.locationAccountId ?? undefined;
      const agreementId = input.agreementId ?? undefined;
      const skus = input.skus ?? undefined;
      const withLocation = (services: Service[]) => ({
        location,
        services: owned(services, { customerId: location.customerId, locationId: location.id }),
      });
      return confirmWrite(ctx, {
        operation: 'cancelServices',
        // A repeat finds nothing active to stop (NoActiveServicesError): harmless.
        safeToRetry: true,
        write: async () =>
          withLocation(
            await ctx.services.cancelLocationServices({ locationId, locationAccountId, skus, agreementId }),
          ),
        check: async () => {
          const page = await ctx.services.listLocationServices(locationId, {
            ...readBackFilter(agreementId),
            locationAccountId,
          });
          const stopped = stoppedNow(page, (s) => !skus || skus.includes(s.sku));
          return stopped && withLocation(stopped);
        },
        forget: () => forgetServices(ctx.loaders),
      });
    }),
  }),
  reduceSubAccountServices: t.field({
    type: ReduceSubAccountServicesSuccess,
    description:
      "Decreases SKU quantities on a customer's sub-account; a quantity reaching 0 stops the service (services contract: Services: Cancel (Account)). If the backend does not answer, the outcome is OutcomeUnknownError with safeToRetry false (a repeat would subtract again), unless an idempotencyKey was given: the gateway then records the quantities before the decrease, and a read afterwards (or a retry with the same key) tells whether it was applied.",
    errors: { types: [...servicesErrors, OutcomeUnknownError] },
    complexity: UPSTREAM_CALL,
    args: {
      input: t.arg({ type: ReduceSubAccountServicesInput, required: true, description: 'What to change.' }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: destructive((_, { input }, ctx) => {
      const removals = input.skuRemovals.map((r) => ({ sku: r.sku, quantity: r.quantity ?? 1 }));
      const agreementId = input.agreementId ?? undefined;
      return changeSubAccount(ctx, input.customerId, {
        operation: 'reduceSubAccountServices',
        // NOT safe: a second decrease subtracts again.
        safeToRetry: false,
        change: (subAccountId) =>
          ctx.services.reduceSubAccountServices({ subAccountId, skuRemovals: removals, agreementId }),
        // Under an idempotency key the quantities before are recorded, so a read can tell afterwards.
        prepare: async (subAccountId) =>
          (await quantitiesOf(ctx, subAccountId, removals, agreementId))?.quantities,
        check: (subAccountId, before) =>
          decreaseApplied(ctx, subAccountId, removals, agreementId, before as ActiveQuantities | undefined),
      });
    }),
  }),
  cancelAllSubAccountServices: t.field({
    type: CancelAllSubAccountServicesSuccess,
    description:
      "Stops every active service (all quantities) on a customer's sub-account (services contract: Services: Cancel All (Account)).",
    errors: { types: [...servicesErrors, OutcomeUnknownError] },
    complexity: UPSTREAM_CALL,
    args: {
      input: t.arg({
        type: CancelAllSubAccountServicesInput,
        required: true,
        description: 'What to change.',
      }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: destructive((_, { input }, ctx) => {
      const agreementId = input.agreementId ?? undefined;
      return changeSubAccount(ctx, input.customerId, {
        operation: 'cancelAllSubAccountServices',
        // A repeat finds nothing active to stop (NoActiveServicesError): harmless.
        safeToRetry: true,
        change: (subAccountId) => ctx.services.cancelAllSubAccountServices({ subAccountId, agreementId }),
        check: async (subAccountId) =>
          stoppedNow(
            await ctx.services.listSubAccountServices(subAccountId, readBackFilter(agreementId)),
            () => true,
          ),
      });
    }),
  }),
}));
