import type { Service } from '../upstream/services/services-model.js';

/**
 * Whether a decrease of SKU quantities took effect, told by comparing the active quantities of its SKUs
 * before the write (recorded with the idempotency key's intent) with those read now. A decrease is the one
 * write that is not safe to repeat, so a retry under its key decides by this before it writes again.
 */

export interface SkuRemoval {
  sku: string;
  quantity: number;
}

/** The total active quantity of each SKU the decrease names. */
export type ActiveQuantities = Record<string, number>;

export function activeQuantities(services: Service[], removals: SkuRemoval[]): ActiveQuantities {
  const totals: ActiveQuantities = Object.fromEntries(removals.map((r) => [r.sku, 0]));
  for (const service of services) {
    if (service.status !== 'ACTIVE' || !(service.sku in totals)) continue;
    totals[service.sku]! += service.quantity ?? 1;
  }
  return totals;
}

/**
 * `applied` when every named SKU that had an active quantity went down by at least 1 and at most its
 * removal (a service reaching 0 stops, so less may go), `notApplied` when nothing moved, `unknown` when
 * something else changed them meanwhile.
 */
export function decreaseOutcome(
  before: ActiveQuantities,
  now: ActiveQuantities,
  removals: SkuRemoval[],
): 'applied' | 'notApplied' | 'unknown' {
  const drops = removals.map((r) => ({
    had: before[r.sku] ?? 0,
    drop: (before[r.sku] ?? 0) - (now[r.sku] ?? 0),
    max: r.quantity,
  }));
  if (drops.every((d) => d.drop === 0)) return 'notApplied';
  const applied = drops.every((d) => (d.had === 0 ? d.drop === 0 : d.drop >= 1 && d.drop <= d.max));
  return applied ? 'applied' : 'unknown';
}
