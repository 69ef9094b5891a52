import { builder } from '../builder.js';
import { itemOutcomes } from '../bulk/items.js';
import type { BulkJob, ItemResult, JobPreview } from '../bulk/model.js';
import { WorkflowReportRef } from './workflow-report.js';

/** A bulk job's items and its preview totals (src/schema/bulk-job.ts exposes them on BulkJob). */

export const BulkItemOutcomeEnum = builder.enumType('BulkItemOutcome', {
  description: 'What became of one item. succeeded + failed + skipped count every item once.',
  values: {
    SUCCEEDED: {
      description: 'The workflow completed (a dry run: its preview was made). Counted in succeeded.',
    },
    ALREADY_DONE: { description: 'Every step was found done already. Counted in succeeded.' },
    FAILED: {
      description: 'The workflow failed (its report and error say where and why). Counted in failed.',
    },
    SKIPPED: { description: 'Nothing to do (e.g. no suspension to restore). Counted in skipped.' },
    INVALID: {
      description: 'The line could not be used (its error says why); never run. Counted in failed.',
    },
    DUPLICATE: {
      description: 'An earlier line names the same item; it runs once, there. Counted in skipped.',
    },
    NOT_STARTED: {
      description: 'The job was cancelled or stopped before this item ran. Counted in skipped.',
    },
  } as const satisfies Record<(typeof itemOutcomes)[number], { description: string }>,
});

const BulkItemError = builder.objectRef<{ code: string; message: string }>('BulkItemError').implement({
  description: 'Why an item failed, was invalid, or was skipped.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description: 'e.g. NOT_AUTHORIZED, NOT_FOUND, INVALID_ITEM, DUPLICATE_ITEM.',
    }),
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
  }),
});

export const BulkItem = builder.objectRef<ItemResult>('BulkItem').implement({
  description: 'One item of a bulk job and what became of it.',
  fields: (t) => ({
    line: t.exposeInt('line', {
      description: 'Its line in the input (the upload, or the items list), from 1.',
    }),
    itemId: t.id({
      nullable: true,
      description: 'The Location or Customer global ID; null for a line that names none.',
      resolve: (item) => item.itemId ?? null,
    }),
    outcome: t.field({
      type: BulkItemOutcomeEnum,
      description: 'What became of it.',
      resolve: (i) => i.outcome,
    }),
    report: t.field({
      type: WorkflowReportRef,
      nullable: true,
      description: "The item's workflow report; null when it never ran (INVALID, DUPLICATE, NOT_STARTED).",
      resolve: (item) => item.report ?? null,
    }),
    error: t.field({
      type: BulkItemError,
      nullable: true,
      description: 'Why it failed, was invalid, duplicate or skipped; null otherwise.',
      resolve: (item) => item.error ?? null,
    }),
  }),
});

const LICENSE_EFFECT: Record<string, string> = {
  SUSPEND_LOCATION:
    'May not affect the number of Plume licenses consumed by the ISP (WiFi cloud contract: Account Suspension).',
  RESTORE_LOCATION:
    'May not affect the number of Plume licenses consumed by the ISP (WiFi cloud contract: Account Suspension).',
};

export const BulkJobPreview = builder
  .objectRef<{ job: BulkJob; totals: JobPreview }>('BulkJobPreview')
  .implement({
    description: "Totals over the job's item plans (a dry run: what a real run would do), from live reads.",
    fields: (t) => ({
      nodesToUnclaim: t.int({ description: 'Nodes unclaimed.', resolve: (p) => p.totals.nodesToUnclaim }),
      servicesToStop: t.int({ description: 'Services stopped.', resolve: (p) => p.totals.servicesToStop }),
      locationsToArchive: t.int({
        description: 'Locations archived.',
        resolve: (p) => p.totals.locationsToArchive,
      }),
      gdprDeletes: t.int({
        description: 'Customers deleted (GDPR delete starts).',
        resolve: (p) => p.totals.gdprDeletes,
      }),
      newEmptyLocations: t.int({
        description: "New empty locations the WiFi cloud creates (the contract's last-location rule).",
        resolve: (p) => p.totals.newEmptyLocations,
      }),
      serviceLevelChanges: t.int({
        description: 'Locations whose service level changes.',
        resolve: (p) => p.totals.serviceLevelChanges,
      }),
      licenseEffect: t.string({
        description: 'The effect on the Plume licenses the ISP consumes, as the contracts state it.',
        resolve: ({ job, totals }) =>
          LICENSE_EFFECT[job.action] ??
          `Reduces the number of Plume licenses consumed by the ISP: ${totals.locationsToArchive} locations archived (WiFi cloud contract: Service Cancellation).`,
      }),
    }),
  });
