import { builder } from '../builder.js';
import { itemOrError, type LocationKey } from '../loaders.js';
import type { ServiceLevel as ServiceLevelState } from '../upstream/plume/plume-model.js';
import { splitIds } from './support/ids.js';
import { ServiceLevel } from './refs.js';

/**
 * A location's service level, keyed by its location: a location has exactly one, so its global ID names
 * the location and a normalised cache (Apollo, graphcache, Relay) updates it in place when a mutation
 * answers the new level (SetServiceLevelSuccess.serviceLevel), wherever a screen shows it.
 */

export type KeyedServiceLevel = ServiceLevelState & { location: LocationKey };

export const keyedLevel = (location: LocationKey, level: ServiceLevelState): KeyedServiceLevel => ({
  ...level,
  location,
});

export const LocationServiceLevelRef = builder.objectRef<KeyedServiceLevel>('LocationServiceLevel');

builder.node(LocationServiceLevelRef, {
  description: 'The service level of a location and when it last changed; its global ID names the location.',
  id: {
    resolve: (level) => `${level.location.customerId}:${level.location.locationId}`,
    parse: (id): LocationKey => {
      const [customerId, locationId] = splitIds('LocationServiceLevel', id);
      return { customerId, locationId };
    },
  },
  loadOne: (key, ctx) => itemOrError(ctx.loaders.serviceLevel.load(key).then((s) => keyedLevel(key, s))),
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
