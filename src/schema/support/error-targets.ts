import { builder } from '../../builder.js';
import {
  LocationAlreadyArchivedError,
  NoClaimedNodesError,
  NotFoundError,
  NothingToRestoreError,
} from '../../errors.js';
import { toGlobalId } from '../../domain/global-ids.js';
import { UPSTREAM_CALL } from './cost.js';
import { mutationTarget } from './mutation-target.js';
import { LocationRef } from '../refs.js';

/**
 * What an expected error names, in ids a client can pass back: global IDs beside the raw upstream ids the
 * errors first shipped with (those are deprecated, never removed: docs/schema-changelog.md). A Location's
 * global ID needs its customer too, which comes from the mutation's input (src/schema/support/mutation-target.ts).
 */

builder.objectFields(NotFoundError, (t) => ({
  resourceId: t.id({
    nullable: true,
    description:
      'The global ID of what was not found, in the form queries and mutations take it. Null for a SUB_ACCOUNT (it has no global ID), and when the mutation names no customer for a location or node.',
    resolve: (error, _, _ctx, info) => {
      const target = mutationTarget(info);
      if (error.resource === 'Customer') return toGlobalId('Customer', error.id);
      if (!target.customerId) return null;
      if (error.resource === 'Location') return toGlobalId('Location', target.customerId, error.id);
      if (error.resource === 'Node' && target.locationId)
        return toGlobalId('WifiNode', target.customerId, target.locationId, error.id);
      return null;
    },
  }),
}));

/** The location an error names, read as it is now (a cache learns e.g. that it is archived). */
for (const cls of [NoClaimedNodesError, LocationAlreadyArchivedError, NothingToRestoreError]) {
  builder.objectFields(cls, (t) => ({
    location: t.field({
      type: LocationRef,
      nullable: true,
      description:
        'The location, as it is now. Null when the mutation names no customer for it, or (with an error) when reading it fails.',
      complexity: UPSTREAM_CALL,
      resolve: (error, _, ctx, info) => {
        const { customerId } = mutationTarget(info);
        return customerId ? ctx.loaders.location.load({ customerId, locationId: error.locationId }) : null;
      },
    }),
  }));
}
