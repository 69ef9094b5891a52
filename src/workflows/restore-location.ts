import type { Context } from '../context.js';
import { NothingToRestoreError } from '../errors.js';
import type { LocationKey } from '../loaders.js';
import { serviceLevelStatuses, type ServiceLevelStatus } from '../domain/service-level.js';
import { NOTHING_REMOVED } from './report.js';
import type { Workflow, WorkflowInput } from './runner.js';
import { LICENSE, levelKey, setServiceLevel } from './steps.js';

/**
 * Ends a suspension: set the level remembered by suspendLocation (WiFi cloud), then forget it (gateway
 * store). Set first: forgetting first and then failing to set would lose the one record of the level to go
 * back to; the other way round, a retry sets the same level again, which is harmless.
 */

export interface RestoreLocationInput extends WorkflowInput {
  locationId: LocationKey;
}

interface Plan extends LocationKey {
  from: ServiceLevelStatus;
  to: ServiceLevelStatus;
}

const isLevel = (value: string | undefined): value is ServiceLevelStatus =>
  (serviceLevelStatuses as readonly string[]).includes(value ?? '');

export const restoreLocation: Workflow<RestoreLocationInput, Plan> = {
  name: 'restoreLocation',
  targets: ({ locationId }) => ({ ...locationId }),

  async plan(ctx: Context, { locationId: key }) {
    const [current, remembered] = await Promise.all([
      ctx.loaders.serviceLevel.load(key),
      ctx.store.recallLevel(levelKey(key)),
    ]);
    if (!isLevel(remembered)) throw new NothingToRestoreError(key.locationId);
    return { ...key, from: current.status, to: remembered };
  },

  steps: (plan) => [
    setServiceLevel(plan, plan.from, plan.to),
    {
      name: 'forgetLevel',
      backend: 'GATEWAY',
      detail: `Forget the remembered level (${plan.to}): the suspension is over.`,
      licenseEffect: LICENSE.gateway,
      alreadyDone: false,
      run: async (ctx) => {
        await ctx.store.forgetLevel(levelKey(plan));
        return 'DONE';
      },
    },
  ],

  preview: (plan) => ({ ...NOTHING_REMOVED, serviceLevel: { from: plan.from, to: plan.to } }),
};
