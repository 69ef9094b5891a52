import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { builder, type GraphContext } from '../builder.js';
import { BulkJobsUnavailableError } from '../bulk/errors.js';
import { jobIdOf } from '../bulk/ids.js';
import { bulkActions, itemOutcomes } from '../bulk/items.js';
import type { BulkJob } from '../bulk/model.js';
import type { BulkJobs } from '../bulk/service.js';
import { cursorToOffset, offsetToCursor } from './support/pagination.js';
import { SuspensionLevel } from './workflows.js';
import { BulkItem, BulkItemOutcomeEnum, BulkJobPreview } from './bulk-item.js';

/**
 * Bulk jobs (docs/bulk-jobs.md), after Shopify's BulkOperation and AIP-151's Operation: `BulkJob` (a Relay
 * node), its items, `bulkJobs`, and the `bulkJobProgress` subscription. Mutations: bulk-job-mutations.ts.
 * Every read is the caller's own: another caller's job is not found, exactly like one that never existed.
 */

export function bulkOf(ctx: GraphContext): BulkJobs {
  if (!ctx.bulk) throw new BulkJobsUnavailableError();
  return ctx.bulk;
}

export const BulkActionEnum = builder.enumType('BulkAction', {
  description: 'What a bulk job does to each item: one of the lifecycle workflows.',
  values: {
    SUSPEND_LOCATION: { description: 'suspendLocation on each location (needs level and reason).' },
    RESTORE_LOCATION: { description: 'restoreLocation on each location.' },
    CANCEL_LOCATION_SERVICE: { description: 'cancelLocationService on each location.' },
    CANCEL_CUSTOMER_ACCOUNT: { description: 'cancelCustomerAccount on each customer.' },
  } as const satisfies Record<(typeof bulkActions)[number], { description: string }>,
});

const BulkJobStatus = builder.enumType('BulkJobStatus', {
  description: 'Where a bulk job stands.',
  values: {
    CREATED: { description: 'Accepted; its items are being queued.' },
    RUNNING: { description: 'Items are running (on any replica).' },
    COMPLETED: { description: 'Every item has an outcome (some may have FAILED: see failed and items).' },
    FAILED: { description: 'The job stopped (errorCode says why); items not run are NOT_STARTED.' },
    CANCELING: { description: 'Cancelled: items in flight finish, the rest become NOT_STARTED.' },
    CANCELED: { description: 'Cancelled, and every item has an outcome.' },
  } as const,
});

const itemsArgs = z.array(z.enum(itemOutcomes)).max(itemOutcomes.length);

export const BulkJobRef = builder.objectRef<BulkJob>('BulkJob');

builder.node(BulkJobRef, {
  description: 'A bulk lifecycle job: one workflow over many locations or customers, run across replicas.',
  id: {
    resolve: (job) => job.id,
    parse: (id) => {
      if (!/^[0-9a-f-]{36}$/.test(id)) throw new PothosValidationError('Invalid BulkJob global ID.');
      return id;
    },
  },
  loadOne: async (id, ctx) => (await bulkOf(ctx).get(ctx, id)) ?? null,
  fields: (t) => ({
    action: t.field({
      type: BulkActionEnum,
      description: 'What it does to each item.',
      resolve: (j) => j.action,
    }),
    status: t.field({ type: BulkJobStatus, description: 'Where it stands.', resolve: (j) => j.status }),
    dryRun: t.exposeBoolean('dryRun', {
      description: 'A preview: each item planned from live reads, nothing changed.',
    }),
    objectCount: t.exposeInt('objectCount', { description: 'Items (input lines), valid or not.' }),
    succeeded: t.exposeInt('succeeded', { description: 'Items SUCCEEDED or ALREADY_DONE.' }),
    failed: t.exposeInt('failed', { description: 'Items FAILED or INVALID.' }),
    skipped: t.exposeInt('skipped', { description: 'Items SKIPPED, DUPLICATE or NOT_STARTED.' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was accepted.',
      resolve: (j) => j.createdAt,
    }),
    startedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its items began to be queued.',
      resolve: (j) => j.startedAt ?? null,
    }),
    completedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When every item had an outcome.',
      resolve: (j) => j.completedAt ?? null,
    }),
    errorCode: t.string({
      nullable: true,
      description:
        'Why the job stopped: CREDENTIAL_EXPIRED (start it again with the same idempotencyKey and input, under a fresh token, to resume), CREDENTIAL_UNREADABLE (replicas disagree on BULK_CREDENTIAL_KEY).',
      resolve: (j) => j.errorCode ?? null,
    }),
    level: t.field({
      type: SuspensionLevel,
      nullable: true,
      description: 'The level a suspension sets (lines may name their own).',
      resolve: (j) => j.level ?? null,
    }),
    preview: t.field({
      type: BulkJobPreview,
      description:
        "Totals over its items' plans so far (a dry run's totals are complete once it has COMPLETED).",
      resolve: (job) => ({ job, totals: job.preview }),
    }),
    items: t.connection({
      type: BulkItem,
      description:
        'Items with an outcome, in line order; `outcome` keeps only those (e.g. [FAILED, INVALID]).',
      args: {
        outcome: t.arg({
          type: [BulkItemOutcomeEnum],
          description: 'Only items with one of these outcomes.',
          validate: itemsArgs,
        }),
      },
      resolve: async (job, args, ctx) => {
        const first = args.first ?? 100;
        if (args.last != null || args.before != null || first < 0 || first > 1000) {
          throw new GraphQLError('Page forward with first (0 to 1000) and after.', {
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        const after = args.after == null ? -1 : cursorToOffset(args.after);
        if (after === undefined) {
          throw new GraphQLError('after is not a cursor from this connection.', {
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        const page = await bulkOf(ctx).items(job, args.outcome ?? [], after, first);
        const edges = page.results.map((node) => ({ cursor: offsetToCursor(node.index), node }));
        return {
          totalCount: page.totalCount,
          edges,
          pageInfo: {
            hasNextPage: page.hasNextPage,
            hasPreviousPage: after >= 0,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    }),
  }),
});

/** A BulkJob global ID argument, decoded to the job id; a malformed one is an input error. */
export const bulkJobIdSchema = z.string().transform((value, ctx) => {
  const id = jobIdOf(value);
  if (!id) {
    ctx.addIssue({ code: 'custom', message: 'must be a BulkJob global ID' });
    return z.NEVER;
  }
  return id;
});

const CURSOR = /^BulkJobCursor:([0-9a-f-]{36})$/;
const jobCursor = (job: BulkJob) => Buffer.from(`BulkJobCursor:${job.id}`).toString('base64');
/** The job id a `bulkJobs` cursor names, or undefined when it is not one this connection made. */
function jobIdOfCursor(cursor: string): string | undefined {
  const id = CURSOR.exec(Buffer.from(cursor, 'base64').toString('utf8'))?.[1];
  return id && jobCursor({ id } as BulkJob) === cursor ? id : undefined;
}

builder.queryField('bulkJobs', (t) =>
  t.connection({
    type: BulkJobRef,
    description: 'Your bulk jobs, newest first (the newest 1000; each kept 7 days after it ends).',
    args: { status: t.arg({ type: [BulkJobStatus], description: 'Only jobs in one of these statuses.' }) },
    resolve: async (_, args, ctx) => {
      const first = args.first ?? 20;
      if (args.last != null || args.before != null || first < 0 || first > 100) {
        throw new GraphQLError('Page forward with first (0 to 100) and after.', {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      const after = args.after == null ? undefined : jobIdOfCursor(args.after);
      if (args.after != null && !after) {
        throw new GraphQLError('after is not a cursor from this connection.', {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      const page = await bulkOf(ctx).list(ctx, args.status ?? [], after, first);
      const edges = page.jobs.map((node) => ({ cursor: jobCursor(node), node }));
      return {
        totalCount: page.totalCount,
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: after !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
);

builder.subscriptionType({
  description: 'Live updates, over server-sent events (POST with Accept: text/event-stream).',
});

builder.subscriptionField('bulkJobProgress', (t) =>
  t.field({
    type: BulkJobRef,
    description:
      "A bulk job's progress, from any replica: its current state first, then each change, then its final state, and the stream ends. Another caller's job is NOT_FOUND.",
    args: {
      id: t.arg.id({ required: true, description: 'The BulkJob global ID.' }).validate(bulkJobIdSchema),
    },
    subscribe: async (_, { id }, ctx) => {
      const stream = await bulkOf(ctx).watch(ctx, id);
      return stream;
    },
    resolve: (job) => job,
  }),
);
