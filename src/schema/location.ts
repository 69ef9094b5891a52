import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { LocationAlreadyArchivedError, InvalidServiceLevelError } from '../errors.js';
import { forgetLocation, itemOrError, type LocationKey } from '../loaders.js';
import { confirmWrite, type Confirmed } from '../upstream/http/ambiguity.js';
import type { Location, ServiceLevel as ServiceLevelState } from '../upstream/plume/plume-model.js';
import { destructiveField } from './support/mutation.js';
import { wifiErrors } from './error-types/mutation-errors.js';
import { locationGlobalIdSchema, toGlobalId } from '../domain/global-ids.js';
import { splitIds } from './support/ids.js';
import { keyedLevel, LocationServiceLevelRef as LocationServiceLevel } from './location-service-level.js';
import { UPSTREAM_CALL, UPSTREAM_LIST } from './support/cost.js';
import { confirmedByField } from './support/read-back.js';
import { CustomerRef, LocationRef, LocationServiceRef, ServiceLevel, WifiNodeRef } from './refs.js';
import { servicesConnectionField } from './service-list.js';

/** A customer's home in the WiFi cloud: its nodes, service level and services. */

const keyOf = (location: Location): LocationKey => ({
  customerId: location.customerId,
  locationId: location.id,
});

builder.node(LocationRef, {
  description: "A customer's location (home) in the WiFi cloud.",
  id: {
    resolve: (location) => `${location.customerId}:${location.id}`,
    parse: (id): LocationKey => {
      const [customerId, locationId] = splitIds('Location', id);
      return { customerId, locationId };
    },
  },
  loadOne: (key, ctx) => itemOrError(ctx.loaders.location.load(key)),
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
      nullable: true,
      description: 'The owner. Null (with its error at this path) when reading it fails.',
      complexity: UPSTREAM_CALL,
      resolve: (l, _, ctx) => ctx.loaders.customer.load(l.customerId),
    }),
    nodes: t.field({
      type: [WifiNodeRef],
      nullable: true,
      description:
        'The claimed nodes (WiFi extenders) at this location, as the WiFi cloud reports them (archived locations too: archiving unclaims their nodes, and the cloud is asked rather than assumed).',
      complexity: UPSTREAM_LIST,
      resolve: async (l, _, ctx) =>
        (await ctx.loaders.nodes.load(keyOf(l))).map((node) => ({ ...node, customerId: l.customerId })),
    }),
    serviceLevel: t.field({
      type: LocationServiceLevel,
      nullable: true,
      description:
        'The current service level; null for an archived location, which has none, and null (with its error at this path) when reading it fails.',
      complexity: UPSTREAM_CALL,
      resolve: async (l, _, ctx) =>
        l.archived ? null : keyedLevel(keyOf(l), await ctx.loaders.serviceLevel.load(keyOf(l))),
    }),
    services: servicesConnectionField(
      t,
      LocationServiceRef,
      'Services provisioned on this location (services contract: Services: List (Location)).',
      (l, ctx) => ({
        list: { scope: 'location', ownerId: ctx.mapping.servicesLocationId(l) },
        owner: { customerId: l.customerId, locationId: l.id },
      }),
      { partnerPortal: true },
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
    complexity: UPSTREAM_CALL,
    resolve: (r: { key: LocationKey }, _: unknown, ctx: Context) => ctx.loaders.location.load(r.key),
  }) as const;

type Archived = Confirmed<{ key: LocationKey }>;
const ArchiveLocationSuccess = builder.objectRef<Archived>('ArchiveLocationSuccess').implement({
  description: 'The location is archived and its nodes unclaimed.',
  fields: (t) => ({
    location: t.field(changedLocation('The archived location.')),
    archivedLocationId: t.id({
      description: 'Global ID of the archived location (it stays readable, with archived: true).',
      resolve: (r) => toGlobalId('Location', r.key.customerId, r.key.locationId),
    }),
    customer: t.field({
      type: CustomerRef,
      nullable: true,
      description:
        'The owner: a customer that is not auto-provisioned gets a new empty location after its last one is archived.',
      complexity: UPSTREAM_CALL,
      resolve: (r, _, ctx) => ctx.loaders.customer.load(r.key.customerId),
    }),
    confirmedBy: t.field(confirmedByField),
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
  .objectRef<Confirmed<{ key: LocationKey; serviceLevel: ServiceLevelState }>>('SetServiceLevelSuccess')
  .implement({
    description: 'The new service level is set.',
    fields: (t) => ({
      serviceLevel: t.field({
        type: LocationServiceLevel,
        description: 'The level as the WiFi cloud answered it (or as the read-back found it).',
        resolve: (r) => keyedLevel(r.key, r.serviceLevel),
      }),
      confirmedBy: t.field(confirmedByField),
      location: t.field(changedLocation('The location as it is now.')),
    }),
  });

builder.mutationFields((t) => ({
  archiveLocation: t.field({
    type: ArchiveLocationSuccess,
    description:
      "Service cancellation (WiFi cloud contract): archives the location, putting its WiFi configuration beyond use, and unclaims all its hardware. License note: reduces the number of Plume licenses consumed by the ISP. The location's services are not touched: cancel them with cancelServices.",
    ...destructiveField(
      LocationInput('ArchiveLocationInput', 'The location to archive.'),
      [...wifiErrors, LocationAlreadyArchivedError],
      (input, ctx) => {
        const key = input.locationId;
        return confirmWrite(ctx, {
          operation: 'archiveLocation',
          // A second archive is a 409 (already archived): harmless.
          safeToRetry: true,
          write: async () => {
            await ctx.plume.archiveLocation(key.customerId, key.locationId);
            return { key };
          },
          check: async () =>
            (await ctx.plume.getLocation(key.customerId, key.locationId)).archived ? { key } : undefined,
          forget: () => forgetLocation(ctx.loaders, key),
        });
      },
    ),
  }),
  setServiceLevel: t.field({
    type: SetServiceLevelSuccess,
    description:
      'Account suspension or reduced functionality (WiFi cloud contract): sets the service level of a location. License note: may not affect the number of Plume licenses consumed by the ISP.',
    ...destructiveField(
      SetServiceLevelInput,
      [...wifiErrors, InvalidServiceLevelError],
      async (input, ctx) => {
        const key = input.locationId;
        const result = await confirmWrite(ctx, {
          operation: 'setServiceLevel',
          // Setting the same level again changes nothing.
          safeToRetry: true,
          write: async () => ({
            key,
            serviceLevel: await ctx.plume.setServiceLevel(key.customerId, key.locationId, input.level),
          }),
          check: async () => {
            const serviceLevel = await ctx.plume.getServiceLevel(key.customerId, key.locationId);
            return serviceLevel.status === input.level ? { key, serviceLevel } : undefined;
          },
          forget: () => ctx.loaders.serviceLevel.clear(key),
        });
        ctx.loaders.serviceLevel.prime(key, result.serviceLevel);
        return result;
      },
    ),
  }),
}));
