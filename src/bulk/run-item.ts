import type { Context } from '../context.js';
import {
  DomainError,
  InProgressError,
  NotAuthorizedError,
  NothingToRestoreError,
  RateLimitedError,
  StoreUnavailableError,
  UpstreamError,
  UpstreamUnavailableError,
} from '../errors.js';
import { cancelCustomerAccount } from '../workflows/cancel-customer-account.js';
import { cancelLocationService } from '../workflows/cancel-location-service.js';
import { restoreLocation } from '../workflows/restore-location.js';
import type { WorkflowReport } from '../workflows/report.js';
import { runWorkflow, type Workflow } from '../workflows/runner.js';
import { suspendLocation } from '../workflows/suspend-location.js';
import type { BulkAction, ItemOutcome, RunnableItem } from './items.js';
import type { JobPreview } from './model.js';

/**
 * One bulk item: the action's workflow, run with the job owner's credential and an idempotency key derived
 * from the job and the item, so a second run (a replica died, the item was retried) resumes from the
 * workflow's stored plan or replays its outcome. What it answers decides the item's outcome, or that it
 * must wait and run again (a rate limit, a busy key, a store or backend briefly away), or that the job's
 * credential has expired.
 */

export type ItemVerdict =
  | {
      kind: 'done';
      outcome: ItemOutcome;
      report?: WorkflowReport;
      error?: { code: string; message: string };
      preview?: Partial<JobPreview>;
    }
  /** Nothing went wrong with the item itself: run it again in `afterMs`. */
  | { kind: 'later'; afterMs: number; reason: string }
  /** The backend no longer accepts the job's credential: stop the job. */
  | { kind: 'credential-expired' }
  /** Something unexpected (a backend 5xx, a bug): worth a few more tries before the item fails. */
  | { kind: 'unexpected'; error: { code: string; message: string } };

/** The key an item's workflow runs under: a second run of the item resumes or replays the first. */
export const itemKey = (jobId: string, index: number) => `bulk:${jobId}:${index}`;

const WORKFLOWS: Record<BulkAction, Workflow<any, any>> = {
  SUSPEND_LOCATION: suspendLocation,
  RESTORE_LOCATION: restoreLocation,
  CANCEL_LOCATION_SERVICE: cancelLocationService,
  CANCEL_CUSTOMER_ACCOUNT: cancelCustomerAccount,
};

/** Step error codes that say "not now" rather than "not this item". */
const RETRY_LATER = new Set(['RATE_LIMITED', 'UPSTREAM_UNAVAILABLE', 'STORE_UNAVAILABLE', 'IN_PROGRESS']);
const DEFAULT_LATER_MS = 1_000;

function inputOf(jobId: string, item: RunnableItem, dryRun: boolean) {
  const { customerId, locationId } = item.target;
  return {
    ...(locationId ? { locationId: { customerId, locationId } } : { customerId }),
    ...(item.level ? { level: item.level, reason: item.reason } : {}),
    dryRun,
    idempotencyKey: itemKey(jobId, item.index),
  };
}

export function previewTotals(report: WorkflowReport): Partial<JobPreview> {
  const { preview } = report;
  return {
    nodesToUnclaim: preview.nodesToUnclaim.length,
    servicesToStop: preview.servicesToStop.length,
    locationsToArchive: preview.locationsToArchive.length,
    gdprDeletes: preview.gdprDeleteStarts ? 1 : 0,
    newEmptyLocations: preview.newEmptyLocation ? 1 : 0,
    serviceLevelChanges:
      preview.serviceLevel && preview.serviceLevel.from !== preview.serviceLevel.to ? 1 : 0,
  };
}

function verdictOfReport(report: WorkflowReport): ItemVerdict {
  const failed = report.steps.find((step) => step.status === 'FAILED');
  if (!failed) {
    const nothingToDo = report.steps.every((step) => step.status === 'ALREADY_DONE');
    return {
      kind: 'done',
      outcome: nothingToDo ? 'ALREADY_DONE' : 'SUCCEEDED',
      report,
      preview: previewTotals(report),
    };
  }
  const error = failed.error ?? { code: 'UPSTREAM_ERROR', message: 'The step failed.' };
  if (RETRY_LATER.has(error.code)) return { kind: 'later', afterMs: DEFAULT_LATER_MS, reason: error.code };
  if (error.code === 'UPSTREAM_ERROR') return { kind: 'unexpected', error };
  return { kind: 'done', outcome: 'FAILED', report, error, preview: previewTotals(report) };
}

function verdictOfError(ctx: Context, error: unknown): ItemVerdict {
  if (
    error instanceof RateLimitedError ||
    error instanceof UpstreamUnavailableError ||
    error instanceof StoreUnavailableError ||
    error instanceof InProgressError
  ) {
    return { kind: 'later', afterMs: error.retryAfterSeconds * 1000, reason: error.code };
  }
  if (error instanceof NotAuthorizedError && error.reason === 'TOKEN') return { kind: 'credential-expired' };
  const described = error instanceof DomainError ? { code: error.code, message: error.message } : undefined;
  if (error instanceof NothingToRestoreError) return { kind: 'done', outcome: 'SKIPPED', error: described };
  if (described) return { kind: 'done', outcome: 'FAILED', error: described };
  const upstream = error instanceof UpstreamError;
  ctx.logger[upstream ? 'warn' : 'error']({ err: error }, 'bulk item failed unexpectedly');
  return {
    kind: 'unexpected',
    error: {
      code: upstream ? 'UPSTREAM_ERROR' : 'INTERNAL_SERVER_ERROR',
      message: `Unexpected error. Quote the requestId when reporting it. Request id: ${ctx.requestId}.`,
    },
  };
}

/**
 * A step refused with 401 says "not authorized" for a customer out of scope and for a token that expired
 * alike (a report keeps only the code): the batch read tells them apart, as src/upstream/plume/plume-errors.ts does.
 */
async function tokenExpired(ctx: Context, item: RunnableItem): Promise<boolean> {
  try {
    await ctx.plume.getCustomers([item.target.customerId]);
    return false;
  } catch (error) {
    return error instanceof NotAuthorizedError;
  }
}

/** Runs one item in `ctx` (made with the owner's credential) and says what became of it. */
export async function runItem(
  ctx: Context,
  jobId: string,
  action: BulkAction,
  dryRun: boolean,
  item: RunnableItem,
): Promise<ItemVerdict> {
  let verdict: ItemVerdict;
  try {
    verdict = verdictOfReport(await runWorkflow(ctx, WORKFLOWS[action], inputOf(jobId, item, dryRun)));
  } catch (error) {
    return verdictOfError(ctx, error);
  }
  // Resuming the job resumes this item from its failed step (its key kept the progress).
  const refused = verdict.kind === 'done' && verdict.error?.code === 'NOT_AUTHORIZED';
  return refused && (await tokenExpired(ctx, item)) ? { kind: 'credential-expired' } : verdict;
}
