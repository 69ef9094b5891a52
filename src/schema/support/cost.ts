/**
 * What the request limits (src/security/limits.ts) need to know of the schema: how many upstream calls a
 * field may cause (its cost, for @pothos/plugin-complexity) and the caps on list arguments. Fields that
 * make no upstream call cost 0; a field's selection is multiplied by the number of items it returns.
 */

/** Most ids in one `nodes(ids:)` or `customers(ids:)`. Part of the API (stated in schema.graphql). */
export const MAX_IDS = 100;

/**
 * How many items an upstream list of unknown length is priced at: a customer's locations, a location's
 * nodes (typically 1 to 3). Each level of `customer { locations { customer { locations ... } } }`
 * multiplies by it, which is what stops a small document from fanning out.
 */
export const ASSUMED_LIST_SIZE = 5;

/** A field that reads one upstream resource (or makes one change). */
export const UPSTREAM_CALL = 1;

/** A field that lists an upstream resource: one call, and its items' selections priced per item. */
export const UPSTREAM_LIST = { field: 1, multiplier: ASSUMED_LIST_SIZE };

/** `nodes(ids:)`, `customers(ids:)`: up to one call per id, and each id's selection. */
export const perId = ({ ids }: { ids: readonly unknown[] }) => ({
  field: ids.length,
  multiplier: ids.length,
});
