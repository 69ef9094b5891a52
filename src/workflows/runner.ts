import type { Context } from '../context.js';
import { DomainError } from '../errors.js';
import { withIdempotencyKey } from './idempotency.js';
import type { Backend, Preview, StepStatus, WorkflowReport } from './report.js';

/**
 * The shared runner: a workflow is a plan (reads only) and the steps built from it (one write each, each
 * idempotent on its own). A dry run plans and reports. A real run stores the plan under the idempotency key
 * before the first write, runs the steps in order, saves after each, and stops at the first failure; the next
 * run with the key resumes from the failed step, with the stored plan.
 */

export interface Step {
  name: string;
  backend: Backend;
  /** What the step does, with the ids it acts on. */
  detail: string;
  /** The step's effect on Plume licenses, as the contracts state it. */
  licenseEffect: string;
  /** The plan already shows the work done (a preview says ALREADY_DONE). */
  alreadyDone: boolean;
  /** The write. Resolves ALREADY_DONE when the backend says it was done before (409, 404, none active). */
  run(ctx: Context): Promise<'DONE' | 'ALREADY_DONE'>;
}

export interface Workflow<I, P> {
  name: string;
  /** Reads only: every id the steps need. Made while the caller's token is proven in scope. */
  plan(ctx: Context, input: I): Promise<P>;
  steps(plan: P): Step[];
  preview(plan: P): Preview;
  /** The ids an audit record names. */
  targets(input: I): Record<string, string>;
  /** More for the run's audit record, e.g. a suspension's reason. */
  auditDetail?(input: I): Record<string, unknown>;
}

export interface WorkflowInput {
  dryRun?: boolean | null;
  idempotencyKey: string;
}

/** Saved under the key: the plan (so a resume needs no fresh proof) and the report so far. */
interface Progress<P> {
  plan: P;
  report: WorkflowReport;
}

const FINISHED: StepStatus[] = ['DONE', 'ALREADY_DONE'];

function firstReport(workflow: string, preview: Preview, steps: Step[], dryRun: boolean) {
  return {
    workflow,
    dryRun,
    replayed: false,
    completed: false,
    preview,
    steps: steps.map((s) => ({
      name: s.name,
      backend: s.backend,
      detail: s.detail,
      licenseEffect: s.licenseEffect,
      status: dryRun ? (s.alreadyDone ? 'ALREADY_DONE' : 'PLANNED') : 'NOT_STARTED',
      upstreamRequestIds: [],
    })),
  } satisfies WorkflowReport;
}

/** What a failed step reports: a domain error as is; anything else masked, its detail in the log. */
function failureOf(ctx: Context, error: unknown): { code: string; message: string } {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  ctx.logger.error({ err: error }, 'workflow step failed unexpectedly');
  return {
    code: 'UPSTREAM_ERROR',
    message: `The step failed unexpectedly; run again with the same idempotencyKey to resume. Request id: ${ctx.requestId}.`,
  };
}

async function runSteps(
  ctx: Context,
  steps: Step[],
  report: WorkflowReport,
  checkpoint: () => Promise<void>,
) {
  for (const [i, step] of steps.entries()) {
    const line = report.steps[i]!;
    if (FINISHED.includes(line.status)) continue;
    const before = ctx.ledger.calls.length;
    try {
      line.status = await step.run(ctx);
      delete line.error;
    } catch (error) {
      line.status = 'FAILED';
      line.error = failureOf(ctx, error);
    }
    line.upstreamRequestIds = ctx.ledger.calls
      .slice(before)
      .flatMap((call) => (call.upstreamRequestId ? [call.upstreamRequestId] : []));
    if (line.status === 'FAILED') break;
    await checkpoint();
  }
  report.completed = report.steps.every((s) => FINISHED.includes(s.status));
}

function audit(
  ctx: Context,
  report: WorkflowReport,
  targets: Record<string, string>,
  detail: Record<string, unknown> = {},
) {
  const common = { targets, requestId: ctx.requestId, dryRun: report.dryRun };
  // A replay ran no step: only the run's own record says it was answered again.
  for (const step of report.replayed ? [] : report.steps) {
    ctx.audit.write(ctx.authorization, {
      ...common,
      operation: `${report.workflow}.${step.name}`,
      outcome: step.status,
      upstreamRequestIds: step.upstreamRequestIds,
      detail: { backend: step.backend, ...(step.error ? { error: step.error.code } : {}) },
    });
  }
  ctx.audit.write(ctx.authorization, {
    ...common,
    operation: report.workflow,
    outcome: report.completed ? 'COMPLETED' : report.dryRun ? 'PREVIEW' : 'INCOMPLETE',
    upstreamRequestIds: report.steps.flatMap((s) => s.upstreamRequestIds),
    detail: { ...detail, replayed: report.replayed },
  });
}

/** Runs a workflow for a GraphQL mutation: a preview, a replay, a resume or a first run. */
export async function runWorkflow<I extends WorkflowInput, P>(
  ctx: Context,
  workflow: Workflow<I, P>,
  input: I,
): Promise<WorkflowReport> {
  const targets = workflow.targets(input);
  const detail = workflow.auditDetail?.(input);
  if (input.dryRun) {
    // A preview changes nothing, the store included: the key stays free for the real run.
    const plan = await workflow.plan(ctx, input);
    const report = firstReport(workflow.name, workflow.preview(plan), workflow.steps(plan), true);
    audit(ctx, report, targets, detail);
    return report;
  }
  const { idempotencyKey, dryRun: _preview, ...request } = input;
  const { outcome, replayed } = await withIdempotencyKey<Progress<P>>(
    ctx,
    { operation: workflow.name, key: idempotencyKey, input: request },
    async (saved, checkpoint) => {
      let progress = saved as Progress<P> | undefined;
      if (!progress) {
        const plan = await workflow.plan(ctx, input);
        const report = firstReport(workflow.name, workflow.preview(plan), workflow.steps(plan), false);
        progress = { plan, report };
        // The plan must be stored before the first write: this refuses (StoreUnavailableError) if it cannot.
        await checkpoint(progress);
      }
      const done = progress;
      // A step's write happened: a progress save that fails after it must not hide it. The steps converge,
      // so a retry resuming from an older save repeats at most that step (ALREADY_DONE).
      const saveProgress = () =>
        checkpoint(done).catch((error: unknown) => {
          ctx.logger.warn({ err: { message: (error as Error).message } }, 'workflow progress not stored');
        });
      await runSteps(ctx, workflow.steps(done.plan), done.report, saveProgress);
      return { outcome: done, finished: done.report.completed };
    },
  );
  const report = { ...outcome.report, replayed };
  audit(ctx, report, targets, detail);
  return report;
}
