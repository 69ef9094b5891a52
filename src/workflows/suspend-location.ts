import type { Context } from '../context.js';
import type { LocationKey } from '../loaders.js';
import type { ServiceLevelStatus } from '../domain/service-level.js';
import { NOTHING_REMOVED } from './report.js';
import type { Step, Workflow, WorkflowInput } from './runner.js';
import { LICENSE, levelKey, setServiceLevel } from './steps.js';

/**
 * Suspension for non-payment or tiered service: remember the location's level (gateway store), then set the
 * new one (WiFi cloud). Remember first: a suspension whose earlier level is not stored could only be undone
 * by guessing. A second suspension keeps the first remembered level, so restore returns to the level from
 * before any suspension.
 */

export interface SuspendLocationInput extends WorkflowInput {
  locationId: LocationKey;
  level: Extract<ServiceLevelStatus, 'noService' | 'basicService'>;
  reason: string;
}

interface Plan extends LocationKey {
  from: ServiceLevelStatus;
  to: ServiceLevelStatus;
  remembered?: string;
  reason: string;
}

function rememberLevel(plan: Plan): Step {
  return {
    name: 'rememberLevel',
    backend: 'GATEWAY',
    detail: plan.remembered
      ? `Keep the level remembered from an earlier suspension (${plan.remembered}) for restoreLocation.`
      : `Remember the current level (${plan.from}) for restoreLocation. Reason: ${plan.reason}`,
    licenseEffect: LICENSE.gateway,
    alreadyDone: plan.remembered !== undefined,
    run: async (ctx) =>
      (await ctx.store.rememberLevel(levelKey(plan), plan.from)) ? 'DONE' : 'ALREADY_DONE',
  };
}

export const suspendLocation: Workflow<SuspendLocationInput, Plan> = {
  name: 'suspendLocation',
  targets: ({ locationId }) => ({ ...locationId }),
  auditDetail: ({ level, reason }) => ({ level, reason }),

  async plan(ctx: Context, { locationId: key, level, reason }) {
    const [current, remembered] = await Promise.all([
      ctx.loaders.serviceLevel.load(key),
      ctx.store.recallLevel(levelKey(key)),
    ]);
    return { ...key, from: current.status, to: level, remembered, reason };
  },

  steps: (plan) => [rememberLevel(plan), setServiceLevel(plan, plan.from, plan.to)],

  preview: (plan) => ({ ...NOTHING_REMOVED, serviceLevel: { from: plan.from, to: plan.to } }),
};
