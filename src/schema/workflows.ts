import { AUDITS_ITSELF } from '../security/identity.js';
import type { InputObjectRef } from '@pothos/core';
import { builder } from '../builder.js';
import { z } from 'zod';
import { NothingToRestoreError } from '../errors.js';
import { cancelCustomerAccount } from '../workflows/cancel-customer-account.js';
import { cancelLocationService } from '../workflows/cancel-location-service.js';
import { restoreLocation } from '../workflows/restore-location.js';
import { suspendLocation } from '../workflows/suspend-location.js';
import { runWorkflow, type Workflow, type WorkflowInput } from '../workflows/runner.js';
import { idempotencyKeySchema } from '../workflows/idempotency.js';
import { answeredAsData } from './support/mutation.js';
import { servicesErrors } from './error-types/mutation-errors.js';
import { customerRefSchema, locationGlobalIdSchema } from '../domain/global-ids.js';
import { WorkflowReportRef } from './workflow-report.js';

/**
 * Subscriber lifecycle workflows across both backends (docs/workflows.md). Each takes a required
 * idempotencyKey and an optional dryRun, and answers a WorkflowReport.
 */

type InputFields = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

const workflowFields = (t: InputFields) => ({
  dryRun: t.boolean({
    required: true,
    defaultValue: false,
    description: 'Preview only: change nothing and report what would happen, from live reads.',
  }),
  idempotencyKey: t.string({
    required: true,
    description:
      'Required. The same key and input return the first outcome (replayed: true); after a failed step, the same key resumes from it. Kept for IDEMPOTENCY_TTL (default 24 h), scoped to your token.',
    validate: idempotencyKeySchema,
  }),
});

const locationIdField = (t: InputFields) =>
  t.id({ required: true, description: 'The Location global ID.' }).validate(locationGlobalIdSchema);

const CancelLocationServiceInput = builder.inputType('CancelLocationServiceInput', {
  description: 'The location whose service to cancel.',
  fields: (t) => ({ locationId: locationIdField(t), ...workflowFields(t) }),
});

const CancelCustomerAccountInput = builder.inputType('CancelCustomerAccountInput', {
  description: 'The customer whose account to cancel.',
  fields: (t) => ({
    customerId: t
      .id({ required: true, description: 'The Customer global ID, or the WiFi cloud customer id.' })
      .validate(customerRefSchema),
    ...workflowFields(t),
  }),
});

export const SuspensionLevel = builder.enumType('SuspensionLevel', {
  description: 'The level a suspension sets.',
  values: {
    NO_SERVICE: { value: 'noService', description: 'No WiFi on the access points (non-payment).' },
    BASIC_SERVICE: { value: 'basicService', description: 'Basic WiFi only (tiered service).' },
  } as const,
});

const SuspendLocationInput = builder.inputType('SuspendLocationInput', {
  description: 'The location to suspend, the level to set and why.',
  fields: (t) => ({
    locationId: locationIdField(t),
    level: t.field({ type: SuspensionLevel, required: true, description: 'The level to set.' }),
    reason: t.string({
      required: true,
      description: 'Why, for the audit trail (e.g. "non-payment").',
      validate: z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters'),
    }),
    ...workflowFields(t),
  }),
});

const RestoreLocationInput = builder.inputType('RestoreLocationInput', {
  description: 'The suspended location to restore.',
  fields: (t) => ({ locationId: locationIdField(t), ...workflowFields(t) }),
});

/** A workflow mutation field: one input, a WorkflowReport or an expected error. */
function workflowField<I extends WorkflowInput>(
  workflow: Workflow<I, any>,
  input: InputObjectRef<any, I>,
  description: string,
  extraErrors: Array<new (...args: any[]) => Error> = [],
) {
  builder.mutationField(workflow.name, (t) =>
    t.field({
      type: WorkflowReportRef,
      description,
      errors: { types: [...servicesErrors, ...extraErrors] },
      extensions: { [AUDITS_ITSELF]: true },
      args: { input: t.arg({ type: input, required: true, description: 'What to do.' }) },
      resolve: answeredAsData((_, args, ctx) => runWorkflow(ctx, workflow, (args as { input: I }).input)),
    }),
  );
}

workflowField(
  cancelLocationService,
  CancelLocationServiceInput,
  'Cancels a location: stops every active service of the location (services backend), then archives it (WiFi cloud: unclaims its nodes; license note: reduces the Plume licenses consumed by the ISP). Services first, so a failure half-way leaves the subscriber with WiFi but no longer billed, never billed without WiFi; a retry with the same key finishes. Works on an archived location whose services are still active.',
);

workflowField(
  cancelCustomerAccount,
  CancelCustomerAccountInput,
  "Cancels a customer's whole account: stops the services of each of its locations and of its sub-account (services backend), then deletes the customer (WiFi cloud: archives its locations, unclaims its nodes, starts a GDPR delete; license note: reduces the Plume licenses consumed by the ISP). Deletion last: it cannot be undone, and a failure before it leaves the subscriber with WiFi but no longer billed. The plan, stored with the key before the first write, lets a retry stop the remaining services even after the customer is gone.",
);

workflowField(
  suspendLocation,
  SuspendLocationInput,
  "Suspends a location (non-payment or tiered service): remembers its current level in the gateway's store, then sets NO_SERVICE or BASIC_SERVICE (WiFi cloud; license note: may not affect the Plume licenses consumed by the ISP). Remember first, so restoreLocation never has to guess; a second suspension keeps the first remembered level.",
);

workflowField(
  restoreLocation,
  RestoreLocationInput,
  'Ends a suspension: sets exactly the level remembered by suspendLocation, then forgets it. Set first, so a failure never loses the remembered level; NothingToRestoreError when none is remembered.',
  [NothingToRestoreError],
);
