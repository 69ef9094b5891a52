import type { Context } from '../context.js';
import type { LocationKey } from '../loaders.js';
import { activeServices, archiveLocation, stopLocationServices } from './steps.js';
import type { PlannedService } from './report.js';
import type { Workflow, WorkflowInput } from './runner.js';

/**
 * Cancel a location's service: stop every active service of the location (services backend), then archive
 * it (WiFi cloud, which unclaims its nodes). Services first: if the archive then fails, the subscriber still
 * has WiFi and is no longer billed, and a retry finishes; the other order could leave them billed for a
 * location that no longer works. An archived location whose services are still active is completed.
 */

export interface CancelLocationServiceInput extends WorkflowInput {
  locationId: LocationKey;
}

interface Plan extends LocationKey {
  servicesLocationId: string;
  archived: boolean;
  nodes: string[];
  services: PlannedService[];
  newEmptyLocation: boolean;
}

export const cancelLocationService: Workflow<CancelLocationServiceInput, Plan> = {
  name: 'cancelLocationService',
  targets: ({ locationId }) => ({ ...locationId }),

  async plan(ctx: Context, { locationId: key }) {
    const [location, customer, locations] = await Promise.all([
      ctx.loaders.location.load(key),
      ctx.loaders.customer.load(key.customerId),
      ctx.loaders.locations.load(key.customerId),
    ]);
    const servicesLocationId = ctx.mapping.servicesLocationId(location);
    const [nodes, services] = await Promise.all([
      location.archived ? [] : ctx.loaders.nodes.load(key),
      activeServices(ctx, 'location', servicesLocationId),
    ]);
    const live = locations.filter((l) => !l.archived).length;
    return {
      ...key,
      servicesLocationId,
      archived: location.archived,
      nodes: nodes.map((n) => n.serialNumber),
      services,
      // The contract's last-location rule: a customer not auto-provisioned always keeps one location.
      newEmptyLocation: !location.archived && live === 1 && !customer.autoProvisioned,
    };
  },

  steps: (plan) => [
    stopLocationServices(plan.servicesLocationId, plan.services),
    archiveLocation(plan, plan),
  ],

  preview: (plan) => ({
    nodesToUnclaim: plan.nodes,
    servicesToStop: plan.services,
    locationsToArchive: plan.archived ? [] : [plan.locationId],
    newEmptyLocation: plan.newEmptyLocation,
    gdprDeleteStarts: false,
  }),
};
