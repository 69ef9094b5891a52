import { z } from 'zod';
import { builder } from '../builder.js';
import { forgetServices } from '../loaders.js';
import type { Confirmed } from '../upstream/http/ambiguity.js';
import { confirmWrite } from '../upstream/http/ambiguity.js';
import type { ActiveQuantities } from '../domain/decrease.js';
import type { Customer, Location } from '../upstream/plume/plume-model.js';
import type { Service } from '../upstream/services/services-model.js';
import { servicesErrors } from './error-types/mutation-errors.js';
import {
  agreementIdSchema,
  customerRefSchema,
  locationGlobalIdSchema,
  skuSchema,
} from '../domain/global-ids.js';
import { destructiveField } from './support/mutation.js';
import { confirmedByField } from './support/read-back.js';
import {
  changeSubAccount,
  decreaseApplied,
  quantitiesOf,
  readBackFilter,
  stoppedNow,
} from './support/service-changes.js';
import {
  CustomerRef,
  LocationRef,
  LocationServiceRef,
  type OwnedService,
  SubAccountServiceRef,
  owned,
} from './refs.js';
import { locationAccountIdDescription, locationAccountIdSchema } from './service-list.js';

/**
 * The three services cancel operations, their inputs and success types. Each first loads the Location or
 * Customer from the WiFi cloud with the caller's token: that is what limits the change to the token's scope.
 */

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

builder.mutationFields((t) => ({
  cancelServices: t.field({
    type: CancelServicesSuccess,
    description:
      'Stops active services on a location (services contract: Services: Cancel (Location)). Without skus, every active service of the location stops.',
    ...destructiveField(CancelServicesInput, [...servicesErrors], async (input, ctx) => {
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
    ...destructiveField(ReduceSubAccountServicesInput, [...servicesErrors], (input, ctx) => {
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
    ...destructiveField(CancelAllSubAccountServicesInput, [...servicesErrors], (input, ctx) => {
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
