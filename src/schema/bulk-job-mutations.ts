import { InputValidationError } from '@pothos/plugin-validation';
import { z } from 'zod';
import { builder } from '../builder.js';
import {
  BulkJobFinishedError,
  BulkJobNotFoundError,
  BulkJobsUnavailableError,
  UploadNotFoundError,
} from '../bulk/errors.js';
import { reasonSchema } from '../bulk/items.js';
import type { BulkJob } from '../bulk/model.js';
import {
  IdempotencyKeyReusedError,
  NotAuthorizedError,
  StoreUnavailableError,
  UnexpectedError,
} from '../errors.js';
import { AUDITS_ITSELF } from '../security/identity.js';
import { idempotencyKeySchema } from '../workflows/idempotency.js';
import { BulkActionEnum, BulkJobRef, bulkJobIdSchema, bulkOf } from './bulk-job.js';
import { ErrorInterface } from './error-types/error-interface.js';
import { answeredAsData } from './support/mutation.js';
import { SuspensionLevel } from './workflows.js';

/** startBulkJob and cancelBulkJob, and the errors only bulk jobs answer (docs/bulk-jobs.md). */

export const MAX_INLINE_ITEMS = 1000;

const errorType = (cls: new (...args: any[]) => Error & { code: string }, description: string) =>
  builder.objectType(cls, { name: cls.name, description, interfaces: [ErrorInterface] });

errorType(
  BulkJobsUnavailableError,
  'Bulk jobs need Redis (REDIS_URL, or redis-server on the embedded default) and, with a shared Redis, BULK_CREDENTIAL_KEY. The message says which is missing.',
);
errorType(BulkJobNotFoundError, "No such bulk job for you (another caller's job answers the same).");
builder.objectFields(BulkJobNotFoundError, (t) => ({
  id: t.id({ description: 'The BulkJob id as asked for.', resolve: (e) => e.id }),
}));
errorType(UploadNotFoundError, 'No such upload for you, or it expired (uploads are kept for 24 hours).');
builder.objectFields(UploadNotFoundError, (t) => ({
  uploadId: t.id({ description: 'The upload id as sent.', resolve: (e) => e.uploadId }),
}));
errorType(BulkJobFinishedError, 'The bulk job already ended: there is nothing left to cancel.');

const StartBulkJobInput = builder.inputType('StartBulkJobInput', {
  description: 'A bulk job: the action, its items (inline ids or a staged upload), and its idempotency key.',
  fields: (t) => ({
    action: t.field({ type: BulkActionEnum, required: true, description: 'What to do to each item.' }),
    items: t.idList({
      description: `Location (or, for CANCEL_CUSTOMER_ACCOUNT, Customer) global IDs: at most ${MAX_INLINE_ITEMS}; more go through an upload (POST /bulk/uploads). A malformed one is an INVALID item.`,
    }),
    uploadId: t.id({
      description: 'The uploadId POST /bulk/uploads answered (CSV or NDJSON, up to 100,000 lines).',
    }),
    level: t.field({
      type: SuspensionLevel,
      description: 'SUSPEND_LOCATION: the level to set (an upload line may name its own).',
    }),
    reason: t.string({
      description: 'SUSPEND_LOCATION: why, for the audit trail (an upload line may name its own).',
    }),
    dryRun: t.boolean({
      required: true,
      defaultValue: false,
      description: 'Plan every item from live reads and total the plans (preview); change nothing.',
    }),
    idempotencyKey: t.string({
      required: true,
      description:
        "Required. The same key and input answer the same job; after the job's credential expired, they resume it (under the new token). Each item runs under a key derived from the job and the item.",
      validate: idempotencyKeySchema,
    }),
  }),
});

type StartInput = typeof StartBulkJobInput.$inferInput;

const startInputSchema = z.custom<StartInput>().superRefine((input, ctx) => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const inline = input.items != null;
  if (inline === (input.uploadId != null)) issue('items', 'give either items or uploadId');
  if (inline && input.items!.length === 0) issue('items', 'give at least one item');
  if (inline && input.items!.length > MAX_INLINE_ITEMS) {
    issue(
      'items',
      `at most ${MAX_INLINE_ITEMS} items: upload a CSV or NDJSON file (POST /bulk/uploads) for more`,
    );
  }
  if (input.uploadId != null && input.uploadId.length > 100) issue('uploadId', 'is not an upload id');
  if (input.action !== 'SUSPEND_LOCATION') {
    if (input.level != null) issue('level', 'only for SUSPEND_LOCATION');
    if (input.reason != null) issue('reason', 'only for SUSPEND_LOCATION');
    return;
  }
  if (input.reason != null && !reasonSchema.safeParse(input.reason).success) {
    issue('reason', 'must be 1 to 500 characters');
  }
  // An upload's lines may name their own; the service checks those against the upload.
  if (inline && input.level == null) issue('level', 'required for a suspension');
  if (inline && input.reason == null) issue('reason', 'required for a suspension');
});

const JobPayload = (name: string, description: string) =>
  builder.objectRef<{ job: BulkJob }>(name).implement({
    description,
    fields: (t) => ({ job: t.field({ type: BulkJobRef, description: 'The job.', resolve: (p) => p.job }) }),
  });

const StartBulkJobSuccess = JobPayload(
  'StartBulkJobSuccess',
  'The job, as accepted (or as it is now, for a repeated idempotencyKey). Follow it with bulkJobProgress or node(id).',
);
const CancelBulkJobSuccess = JobPayload(
  'CancelBulkJobSuccess',
  'The job, now CANCELING (or already CANCELING).',
);

const CancelBulkJobInput = builder.inputType('CancelBulkJobInput', {
  description: 'The bulk job to cancel.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The BulkJob global ID.' }).validate(bulkJobIdSchema),
  }),
});

const common = [
  InputValidationError,
  NotAuthorizedError,
  BulkJobsUnavailableError,
  StoreUnavailableError,
  UnexpectedError,
];

builder.mutationField('startBulkJob', (t) =>
  t.field({
    type: StartBulkJobSuccess,
    description:
      "Starts a bulk job (docs/bulk-jobs.md): the action's workflow on each item, with your authority, across every replica, at the backends' shared bulk rate. Items: inline global IDs (at most 1000) or an upload. Follow it with bulkJobProgress.",
    errors: { types: [...common, UploadNotFoundError, IdempotencyKeyReusedError] },
    extensions: { [AUDITS_ITSELF]: true },
    args: {
      input: t.arg({
        type: StartBulkJobInput,
        required: true,
        description: 'The job.',
        validate: startInputSchema,
      }),
    },
    resolve: answeredAsData(async (_, { input }, ctx) => ({
      job: await bulkOf(ctx).start(ctx, {
        ...input,
        action: input.action as never,
        level: input.level as never,
      }),
    })),
  }),
);

builder.mutationField('cancelBulkJob', (t) =>
  t.field({
    type: CancelBulkJobSuccess,
    description:
      'Cancels a bulk job: items in flight finish, the rest become NOT_STARTED; the job ends CANCELED. A job that already ended is BulkJobFinishedError.',
    errors: { types: [...common, BulkJobNotFoundError, BulkJobFinishedError] },
    extensions: { [AUDITS_ITSELF]: true },
    args: { input: t.arg({ type: CancelBulkJobInput, required: true, description: 'Which job.' }) },
    resolve: answeredAsData(async (_, { input }, ctx) => ({ job: await bulkOf(ctx).cancel(ctx, input.id) })),
  }),
);
