import type { Context } from '../context.js';
import { activeServices, deleteCustomer, stopLocationServices, stopSubAccountServices } from './steps.js';
import type { PlannedService } from './report.js';
import type { Workflow, WorkflowInput } from './runner.js';

/**
 * Full cancellation: stop the services of each of the customer's locations and of its sub-account (services
 * backend), then delete the customer (WiFi cloud: archives every location, unclaims every node, starts the
 * GDPR delete). Deletion last: it cannot be undone, and once the customer is gone the gateway can no longer
 * read it to prove the caller's scope. A failure before it leaves a customer with WiFi who is no longer
 * billed; a retry with the same key finishes from the stored plan, which is the proof of scope, even if the
 * customer was deleted elsewhere in the meantime.
 */

export interface CancelCustomerAccountInput extends WorkflowInput {
  customerId: string;
}

interface Plan {
  customerId: string;
  subAccountId: string;
  /** Locations with active services: one stop step each. */
  locationServices: Array<{ servicesLocationId: string; services: PlannedService[] }>;
  subAccountServices: PlannedService[];
  liveLocations: string[];
  nodes: string[];
}

export const cancelCustomerAccount: Workflow<CancelCustomerAccountInput, Plan> = {
  name: 'cancelCustomerAccount',
  targets: ({ customerId }) => ({ customerId }),

  async plan(ctx: Context, { customerId }) {
    const [customer, locations] = await Promise.all([
      ctx.loaders.customer.load(customerId),
      ctx.loaders.locations.load(customerId),
    ]);
    const live = locations.filter((l) => !l.archived);
    const subAccountId = ctx.mapping.subAccountId(customer);
    const [perLocation, subAccountServices, nodes] = await Promise.all([
      Promise.all(
        locations.map(async (l) => {
          const servicesLocationId = ctx.mapping.servicesLocationId(l);
          return { servicesLocationId, services: await activeServices(ctx, 'location', servicesLocationId) };
        }),
      ),
      activeServices(ctx, 'subAccount', subAccountId),
      Promise.all(live.map((l) => ctx.loaders.nodes.load({ customerId, locationId: l.id }))),
    ]);
    return {
      customerId,
      subAccountId,
      locationServices: perLocation.filter((l) => l.services.length > 0),
      subAccountServices,
      liveLocations: live.map((l) => l.id),
      nodes: nodes.flat().map((n) => n.serialNumber),
    };
  },

  steps: (plan) => [
    ...plan.locationServices.map((l) => stopLocationServices(l.servicesLocationId, l.services)),
    stopSubAccountServices(plan.subAccountId, plan.subAccountServices),
    deleteCustomer(plan.customerId),
  ],

  preview: (plan) => ({
    nodesToUnclaim: plan.nodes,
    servicesToStop: [...plan.locationServices.flatMap((l) => l.services), ...plan.subAccountServices],
    locationsToArchive: plan.liveLocations,
    // The customer is deleted, so the cloud creates no replacement location.
    newEmptyLocation: false,
    gdprDeleteStarts: true,
  }),
};
