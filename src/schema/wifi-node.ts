import { builder } from '../builder.js';
import { NoClaimedNodesError, NodeAlreadyUnclaimedError } from '../errors.js';
import { forgetLocation, type LocationKey } from '../loaders.js';
import { confirmWrite, type Confirmed } from '../upstream/http/ambiguity.js';
import { destructiveField } from './support/mutation.js';
import { wifiErrors } from './error-types/mutation-errors.js';
import { locationGlobalIdSchema, serialNumberSchema, toGlobalId } from '../domain/global-ids.js';
import { splitIds } from './support/ids.js';
import { UPSTREAM_CALL } from './support/cost.js';
import { confirmedByField } from './support/read-back.js';
import { LocationRef, WifiNodeRef } from './refs.js';

/** A WiFi extender (the contract's "node"), claimed to a location, and its RMA. */

const ConnectionState = builder.enumType('ConnectionState', {
  description: 'Whether the node is online.',
  values: ['CONNECTED', 'DISCONNECTED', 'UNKNOWN'] as const,
});

builder.node(WifiNodeRef, {
  description: 'A WiFi extender (the WiFi cloud calls it a node), identified by its serial number.',
  id: {
    resolve: (node) => `${node.customerId}:${node.locationId}:${node.serialNumber}`,
    parse: (id) => splitIds('WifiNode', id),
  },
  loadOne: async ([customerId, locationId, serialNumber], ctx) => {
    const nodes = await ctx.loaders.nodes.load({ customerId, locationId });
    const node = nodes.find((n) => n.serialNumber === serialNumber);
    return node ? { ...node, customerId } : null;
  },
  fields: (t) => ({
    serialNumber: t.exposeString('serialNumber', { description: 'The serial number, used for RMA.' }),
    model: t.exposeString('model', { description: 'Hardware model.' }),
    nickname: t.string({
      nullable: true,
      description: 'The name the customer gave it.',
      resolve: (n) => n.nickname ?? null,
    }),
    firmwareVersion: t.string({
      nullable: true,
      description: 'Installed firmware.',
      resolve: (n) => n.firmwareVersion ?? null,
    }),
    connectionState: t.field({
      type: ConnectionState,
      description: 'Online state as the WiFi cloud last saw it.',
      resolve: (n) =>
        n.connectionState === 'connected'
          ? 'CONNECTED'
          : n.connectionState === 'disconnected'
            ? 'DISCONNECTED'
            : 'UNKNOWN',
    }),
    claimedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was claimed to the location.',
      resolve: (n) => n.claimedAt ?? null,
    }),
    location: t.field({
      type: LocationRef,
      nullable: true,
      description: 'The location it is claimed to. Null (with its error at this path) when reading it fails.',
      complexity: UPSTREAM_CALL,
      resolve: (n, _, ctx) =>
        ctx.loaders.location.load({ customerId: n.customerId, locationId: n.locationId }),
    }),
  }),
});

const UnclaimNodeInput = builder.inputType('UnclaimNodeInput', {
  description: 'The node to unclaim for RMA.',
  fields: (t) => ({
    locationId: t
      .id({ required: true, description: 'The Location global ID the node is claimed to.' })
      .validate(locationGlobalIdSchema),
    serialNumber: t.string({
      required: true,
      description: 'The serial number of the node.',
      validate: serialNumberSchema,
    }),
  }),
});

const UnclaimNodeSuccess = builder
  .objectRef<Confirmed<{ key: LocationKey; serialNumber: string }>>('UnclaimNodeSuccess')
  .implement({
    description: 'The node is unclaimed and can be shipped back for replacement.',
    fields: (t) => ({
      serialNumber: t.exposeString('serialNumber', { description: 'The unclaimed serial number.' }),
      unclaimedNodeId: t.id({
        description:
          "Global ID of the unclaimed WifiNode, which no longer exists at the location: remove it from a client's store (Relay's @deleteRecord, Apollo's cache.evict).",
        resolve: (r) => toGlobalId('WifiNode', r.key.customerId, r.key.locationId, r.serialNumber),
      }),
      confirmedBy: t.field(confirmedByField),
      location: t.field({
        type: LocationRef,
        nullable: true,
        description:
          'The location, without the node. Null (with an error) only if re-reading it failed after the unclaim succeeded.',
        complexity: UPSTREAM_CALL,
        resolve: (r, _, ctx) => ctx.loaders.location.load(r.key),
      }),
    }),
  });

builder.mutationField('unclaimNode', (t) =>
  t.field({
    type: UnclaimNodeSuccess,
    description:
      'Single extender RMA (WiFi cloud contract): unclaims one node from its location so it can be returned. License note: reduces the number of Plume licenses consumed by the ISP.',
    ...destructiveField(
      UnclaimNodeInput,
      [...wifiErrors, NoClaimedNodesError, NodeAlreadyUnclaimedError],
      (input, ctx) => {
        const key = input.locationId;
        const { serialNumber } = input;
        return confirmWrite(ctx, {
          operation: 'unclaimNode',
          // A second unclaim of the same node is a 400 (already unclaimed): harmless.
          safeToRetry: true,
          write: async () => {
            await ctx.plume.unclaimNode(key.customerId, key.locationId, serialNumber);
            return { key, serialNumber };
          },
          check: async () => {
            const claimed = await ctx.plume.listNodes(key.customerId, key.locationId);
            return claimed.some((node) => node.serialNumber === serialNumber)
              ? undefined
              : { key, serialNumber };
          },
          forget: () => forgetLocation(ctx.loaders, key),
        });
      },
    ),
  }),
);
