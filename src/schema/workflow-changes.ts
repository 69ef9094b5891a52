import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { forgetServices } from '../loaders.js';
import type { WorkflowReport } from '../workflows/report.js';
import { toGlobalId } from '../domain/global-ids.js';
import { UPSTREAM_CALL, UPSTREAM_LIST } from './support/cost.js';
import { mutationTarget } from './support/mutation-target.js';
import { CustomerRef, LocationRef } from './refs.js';
import { WorkflowReportRef } from './workflow-report.js';

/**
 * What a workflow changed, as objects a normalised client cache updates from (archived, service level,
 * nodes, services), so a screen is right after a workflow without a refetch. The location or customer
 * comes from the mutation's input; the report itself names raw ids only.
 */

const FINISHED = ['DONE', 'ALREADY_DONE'];

const customerDeleted = (report: WorkflowReport) =>
  report.steps.some((step) => step.name === 'deleteCustomer' && FINISHED.includes(step.status));

const refreshed = new WeakSet<WorkflowReport>();

/**
 * The plan read these before the steps changed them: read them afresh, once per report (its fields resolve
 * side by side, and a second clear would drop the first field's reads in flight).
 */
function forgetPlanReads(report: WorkflowReport, ctx: Context) {
  if (report.dryRun || refreshed.has(report)) return;
  refreshed.add(report);
  for (const loader of [ctx.loaders.location, ctx.loaders.locations, ctx.loaders.nodes]) loader.clearAll();
  ctx.loaders.serviceLevel.clearAll();
  forgetServices(ctx.loaders);
}

builder.objectFields(WorkflowReportRef, (t) => ({
  locations: t.field({
    type: [LocationRef],
    nullable: true,
    complexity: UPSTREAM_LIST,
    description:
      "The locations the workflow acts on, read after it ran (a preview: as they are now). cancelCustomerAccount: the customer's locations, archived ones too, and none once the customer is deleted (see deletedCustomerId). Null (with its error at this path) when reading them fails.",
    resolve: async (report, _, ctx, info) => {
      const { customerId, locationId } = mutationTarget(info);
      if (!customerId) return [];
      forgetPlanReads(report, ctx);
      if (locationId) return [await ctx.loaders.location.load({ customerId, locationId })];
      if (customerDeleted(report)) return [];
      const locations = await ctx.loaders.locations.load(customerId);
      return [...locations].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
  }),
  customer: t.field({
    type: CustomerRef,
    nullable: true,
    complexity: UPSTREAM_CALL,
    description:
      'The customer the workflow acts on, read after it ran (its live locations change when one is archived); null once cancelCustomerAccount deleted it, and (with its error at this path) when reading it fails.',
    resolve: (report, _, ctx, info) => {
      const { customerId } = mutationTarget(info);
      if (!customerId || customerDeleted(report)) return null;
      forgetPlanReads(report, ctx);
      return ctx.loaders.customer.load(customerId);
    },
  }),
  deletedCustomerId: t.id({
    nullable: true,
    description:
      "cancelCustomerAccount: global ID of the customer once its deleteCustomer step is done (remove it from a client's store); null otherwise.",
    resolve: (report, _, _ctx, info) => {
      const { customerId, locationId } = mutationTarget(info);
      return customerId && !locationId && customerDeleted(report) ? toGlobalId('Customer', customerId) : null;
    },
  }),
}));
