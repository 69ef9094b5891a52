import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { LocationAlreadyArchivedError, InvalidServiceLevelError } from '../errors.js';
import { forgetLocation, itemOrError, type LocationKey } from '../loaders.js';
import type { Location, ServiceLevel as ServiceLevelState } from '../upstream/plume.js';
import { idempotencyKeyArg, idempotent } from '../workflows/idempotency.js';
import { wifiErrors } from './errors.js';
import { locationGlobalIdSchema, splitIds } from './ids.js';
import { CustomerRef, LocationRef, LocationServiceRef, ServiceLevel, WifiNodeRef } from './refs.js';
import { servicesConnectionField } from './service.js';

/** A customer's home in the WiFi cloud: its nodes, service level and services. */

const keyOf = (location: Location): LocationKey => ({
  customerId: location.customerId,
  locationId: location.id,
});

const LocationServiceLevel = builder.objectRef<ServiceLevelState>('LocationServiceLevel').implement({
  description: 'The service level of a location and when it last changed.',
  fields: (t) => ({
    level: t.field({ type: ServiceLevel, description: 'The current level.', resolve: (s) => s.status }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the level was first set.',
      resolve: (s) => s.createdAt,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When the level last changed.',
      resolve: (s) => s.updatedAt,
    }),
  }),
});

builder.node(LocationRef, {
  description: "A customer's location (home) in the WiFi cloud.",
  id: { resolve: (location) => `${location.customerId}:${location.id}` },
  loadOne: (id, ctx) => {
    const [customerId, locationId] = splitIds('Location', id) ?? [];
    return customerId && locationId
      ? itemOrError(ctx.loaders.location.load({ customerId, locationId }))
      : null;
  },
  fields: (t) => ({
    locationId: t.exposeString('id', {
      description: 'The WiFi cloud location id (also the services backend location id by default).',
    }),
    name: t.exposeString('name', { description: 'The name the customer gave it.' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the location was created.',
      resolve: (l) => l.createdAt,
    }),
    archived: t.exposeBoolean('archived', {
      description: 'Archived locations are cancelled: WiFi is beyond use and hardware unclaimed.',
    }),
    archivedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was archived.',
      resolve: (l) => l.archivedAt ?? null,
    }),
    customer: t.field({
      type: CustomerRef,
      description: 'The owner.',
      resolve: (l, _, ctx) => ctx.loaders.customer.load(l.customerId),
    }),
    nodes: t.field({
      type: [WifiNodeRef],
      description: 'The claimed nodes (WiFi extenders) at this location; none once archived.',
      resolve: async (l, _, ctx) =>
        l.archived
          ? []
          : (await ctx.loaders.nodes.load(keyOf(l))).map((node) => ({ ...node, customerId: l.customerId })),
    }),
    serviceLevel: t.field({
      type: LocationServiceLevel,
      nullable: true,
      description: 'The current service level; null for an archived location, which has none.',
      resolve: (l, _, ctx) => (l.archived ? null : ctx.loaders.serviceLevel.load(keyOf(l))),
    }),
    services: servicesConnectionField(
      t,
      LocationServiceRef,
      'Services provisioned on this location (services contract: Services: List (Location)).',
      (l, ctx) => ({ scope: 'location', ownerId: ctx.mapping.servicesLocationId(l) }),
    ),
  }),
});

const LocationInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({
      locationId: t
        .id({ required: true, description: 'The Location global ID.' })
        .validate(locationGlobalIdSchema),
    }),
  });

/**
 * Success payloads read the changed objects afresh, field by field and nullable: if that read fails, the
 * client still learns that the change itself happened (a field error, not a lost success).
 */
const changedLocation = (description: string) =>
  ({
    type: LocationRef,
    nullable: true,
    description: `${description} Null (with an error) only if re-reading it failed after the change succeeded.`,
    resolve: (r: { key: LocationKey }, _: unknown, ctx: Context) => ctx.loaders.location.load(r.key),
  }) as const;

const ArchiveLocationSuccess = builder.objectRef<{ key: LocationKey }>('ArchiveLocationSuccess').implement({
  description: 'The location is archived and its nodes unclaimed.',
  fields: (t) => ({
    location: t.field(changedLocation('The archived location.')),
    customer: t.field({
      type: CustomerRef,
      nullable: true,
      description:
        'The owner: a customer that is not auto-provisioned gets a new empty location after its last one is archived.',
      resolve: (r, _, ctx) => ctx.loaders.customer.load(r.key.customerId),
    }),
  }),
});

const SetServiceLevelInput = builder.inputType('SetServiceLevelInput', {
  description: 'The location and the level to set.',
  fields: (t) => ({
    locationId: t
      .id({ required: true, description: 'The Location global ID.' })
      .validate(locationGlobalIdSchema),
    level: t.field({ type: ServiceLevel, required: true, description: 'The new level.' }),
  }),
});

const SetServiceLevelSuccess = builder
  .objectRef<{ key: LocationKey; serviceLevel: ServiceLevelState }>('SetServiceLevelSuccess')
  .implement({
    description: 'The new service level is set.',
    fields: (t) => ({
      serviceLevel: t.field({
        type: LocationServiceLevel,
        description: 'The level as the WiFi cloud answered it.',
        resolve: (r) => r.serviceLevel,
      }),
      location: t.field(changedLocation('The location as it is now.')),
    }),
  });

builder.mutationFields((t) => ({
  archiveLocation: t.field({
    type: ArchiveLocationSuccess,
    description:
      "Service cancellation (WiFi cloud contract): archives the location, putting its WiFi configuration beyond use, and unclaims all its hardware. License note: reduces the number of Plume licenses consumed by the ISP. The location's services are not touched: cancel them with cancelServices.",
    errors: { types: [...wifiErrors, LocationAlreadyArchivedError] },
    args: {
      input: t.arg({
        type: LocationInput('ArchiveLocationInput', 'The location to archive.'),
        required: true,
        description: 'What to change.',
      }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: idempotent(async (_, { input }, ctx) => {
      await ctx.plume.archiveLocation(input.locationId.customerId, input.locationId.locationId);
      forgetLocation(ctx.loaders, input.locationId);
      return { key: input.locationId };
    }),
  }),
  setServiceLevel: t.field({
    type: SetServiceLevelSuccess,
    description:
      'Account suspension or reduced functionality (WiFi cloud contract): sets the service level of a location. License note: may not affect the number of Plume licenses consumed by the ISP.',
    errors: { types: [...wifiErrors, InvalidServiceLevelError] },
    args: {
      input: t.arg({ type: SetServiceLevelInput, required: true, description: 'What to change.' }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: idempotent(async (_, { input }, ctx) => {
      const key = input.locationId;
      const serviceLevel = await ctx.plume.setServiceLevel(key.customerId, key.locationId, input.level);
      ctx.loaders.serviceLevel.clear(key).prime(key, serviceLevel);
      return { key, serviceLevel };
    }),
  }),
}));
