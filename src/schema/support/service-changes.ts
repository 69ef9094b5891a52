import type { Context } from '../../context.js';
import { OutcomeUnknownError } from '../../errors.js';
import { forgetServices } from '../../loaders.js';
import {
  type ActiveQuantities,
  activeQuantities,
  decreaseOutcome,
  type SkuRemoval,
} from '../../domain/decrease.js';
import { confirmWrite } from '../../upstream/http/ambiguity.js';
import { MAX_PAGE_SIZE, type Service } from '../../upstream/services/services-model.js';
import { owned } from '../refs.js';

/**
 * What the services cancel mutations (src/schema/service-cancel.ts) share: running a change on a
 * customer's sub-account, and the reads that tell after an ambiguous answer whether a change took effect.
 */

/**
 * After an ambiguous cancel: re-reads the owner's services (one page of up to 1000, every status) and
 * confirms when none of those the request matched is still active. Undefined (cannot tell) when some are,
 * when none matched at all (the cancel would have failed), or when they do not fit one page.
 */
export function stoppedNow(page: { count: number; services: Service[] }, matches: (s: Service) => boolean) {
  const matched = page.services.filter(matches);
  const settled = page.services.length === page.count && matched.length > 0;
  return settled && matched.every((s) => s.status === 'STOPPED') ? matched : undefined;
}

export const readBackFilter = (agreementId: number | undefined) =>
  ({ status: 'ALL', agreementId, limit: MAX_PAGE_SIZE }) as const;

/**
 * Runs a services change for a customer's sub-account. The customer is loaded from the WiFi cloud with
 * the caller's token first: that is what limits the change to the token's scope.
 */
export async function changeSubAccount(
  ctx: Context,
  customerId: string,
  spec: {
    operation: string;
    safeToRetry: boolean;
    change: (subAccountId: string) => Promise<Service[]>;
    /** Facts read before a keyed change, for `check` (see DestructiveWrite.prepare). */
    prepare?: (subAccountId: string) => Promise<unknown>;
    check: (subAccountId: string, facts?: unknown) => Promise<Service[] | undefined>;
  },
) {
  const customer = await ctx.loaders.customer.load(customerId);
  const subAccountId = ctx.mapping.subAccountId(customer);
  const withCustomer = (services: Service[]) => ({
    customer,
    services: owned(services, { customerId: customer.id }),
  });
  const prepare = spec.prepare;
  return confirmWrite(ctx, {
    operation: spec.operation,
    safeToRetry: spec.safeToRetry,
    prepare: prepare && (() => prepare(subAccountId)),
    write: async () => withCustomer(await spec.change(subAccountId)),
    check: async (facts) => {
      const stopped = await spec.check(subAccountId, facts);
      return stopped && withCustomer(stopped);
    },
    forget: () => forgetServices(ctx.loaders),
  });
}

/** The sub-account's active quantities of the SKUs a decrease names; undefined if they do not fit one page. */
export async function quantitiesOf(
  ctx: Context,
  subAccountId: string,
  removals: SkuRemoval[],
  agreementId?: number,
) {
  const page = await ctx.services.listSubAccountServices(subAccountId, readBackFilter(agreementId));
  if (page.services.length !== page.count) return undefined;
  return { services: page.services, quantities: activeQuantities(page.services, removals) };
}

/**
 * Whether a decrease took effect, from the quantities recorded before it: the services it changed when it
 * did, undefined when it did not. OutcomeUnknownError when no read can tell (nothing recorded, or the
 * quantities moved otherwise).
 */
export async function decreaseApplied(
  ctx: Context,
  subAccountId: string,
  removals: SkuRemoval[],
  agreementId: number | undefined,
  before: ActiveQuantities | undefined,
): Promise<Service[] | undefined> {
  const now = before && (await quantitiesOf(ctx, subAccountId, removals, agreementId));
  const outcome = now ? decreaseOutcome(before, now.quantities, removals) : 'unknown';
  if (outcome === 'unknown') throw new OutcomeUnknownError('reduceSubAccountServices', false);
  if (outcome === 'notApplied') return undefined;
  const changed = new Set(
    removals.filter((r) => now!.quantities[r.sku] !== before![r.sku]).map((r) => r.sku),
  );
  return now!.services.filter((s) => changed.has(s.sku));
}
