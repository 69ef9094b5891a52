import { z } from 'zod';
import type { ServiceLevelStatus } from '../domain/service-level.js';
import {
  customerRefSchema,
  locationGlobalIdSchema,
  toGlobalId,
  upstreamIdSchema,
} from '../domain/global-ids.js';

/**
 * What a bulk job acts on: each input line (an inline id or a line of an upload) as stored, and how it
 * becomes a runnable item for the job's action, or an INVALID item with the reason, before any upstream call.
 */

export const bulkActions = [
  'SUSPEND_LOCATION',
  'RESTORE_LOCATION',
  'CANCEL_LOCATION_SERVICE',
  'CANCEL_CUSTOMER_ACCOUNT',
] as const;
export type BulkAction = (typeof bulkActions)[number];

export const itemOutcomes = [
  'SUCCEEDED',
  'ALREADY_DONE',
  'FAILED',
  'SKIPPED',
  'INVALID',
  'DUPLICATE',
  'NOT_STARTED',
] as const;
export type ItemOutcome = (typeof itemOutcomes)[number];

/** Which of the job's three counters an outcome adds to: succeeded + failed + skipped = objectCount at the end. */
export const COUNTER_OF: Record<ItemOutcome, 'succeeded' | 'failed' | 'skipped'> = {
  SUCCEEDED: 'succeeded',
  ALREADY_DONE: 'succeeded',
  FAILED: 'failed',
  INVALID: 'failed',
  SKIPPED: 'skipped',
  DUPLICATE: 'skipped',
  NOT_STARTED: 'skipped',
};

export type SuspensionLevel = Extract<ServiceLevelStatus, 'noService' | 'basicService'>;

/** One input line as stored: the fields it named, or why it could not be read. Line numbers count from 1. */
export interface InputLine {
  line: number;
  id?: string;
  customerId?: string;
  locationId?: string;
  level?: string;
  reason?: string;
  /** The line could not be read (malformed CSV or JSON, an unknown field value). */
  error?: string;
}

export interface ItemTarget {
  customerId: string;
  locationId?: string;
}

/** An item ready to run: what a BullMQ job carries. */
export interface RunnableItem {
  index: number;
  line: number;
  /** The global ID of the location or customer. */
  itemId: string;
  target: ItemTarget;
  level?: SuspensionLevel;
  reason?: string;
}

export type Classified =
  { ok: true; item: RunnableItem; dedupeKey: string } | { ok: false; error: string; itemId?: string };

const LEVELS: Record<string, SuspensionLevel> = {
  NO_SERVICE: 'noService',
  BASIC_SERVICE: 'basicService',
  noService: 'noService',
  basicService: 'basicService',
};

export const reasonSchema = z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters');

/** A level as a line may spell it (the graph's NO_SERVICE or the WiFi cloud's noService), or undefined. */
export function suspensionLevelOf(text: string): SuspensionLevel | undefined {
  return Object.hasOwn(LEVELS, text) ? LEVELS[text] : undefined;
}

const needsLocation = (action: BulkAction) => action !== 'CANCEL_CUSTOMER_ACCOUNT';

/** The target a line names: a global ID (Location or Customer), or the WiFi cloud's own ids. */
function targetOf(line: InputLine): ItemTarget | string {
  if (line.id !== undefined) {
    const location = locationGlobalIdSchema.safeParse(line.id);
    if (location.success) return location.data;
    const customer = customerRefSchema.safeParse(line.id);
    // Only a Customer global ID, never a bare id: `id` is always a global ID.
    if (customer.success && toGlobalId('Customer', customer.data) === line.id) {
      return { customerId: customer.data };
    }
    return 'id must be a Location or Customer global ID';
  }
  if (line.customerId === undefined) return 'names no item: give id, or customerId (and locationId)';
  for (const [name, value] of [
    ['customerId', line.customerId],
    ['locationId', line.locationId],
  ] as const) {
    if (value === undefined) continue;
    const checked = upstreamIdSchema.safeParse(value);
    if (!checked.success) return `${name} ${checked.error.issues[0]?.message ?? 'is invalid'}`;
  }
  return { customerId: line.customerId, ...(line.locationId ? { locationId: line.locationId } : {}) };
}

/**
 * A line for a job's action: runnable (with the key that finds its duplicates) or INVALID with why.
 * `defaults` are the job's level and reason; a line's own take precedence.
 */
export function classify(
  action: BulkAction,
  index: number,
  line: InputLine,
  defaults: { level?: SuspensionLevel; reason?: string },
): Classified {
  if (line.error) return { ok: false, error: line.error };
  const target = targetOf(line);
  if (typeof target === 'string') return { ok: false, error: target };
  const itemId = target.locationId
    ? toGlobalId('Location', target.customerId, target.locationId)
    : toGlobalId('Customer', target.customerId);
  if (needsLocation(action) && !target.locationId) {
    return {
      ok: false,
      itemId,
      error: `${action} acts on locations: give a Location global ID, or customerId and locationId`,
    };
  }
  if (!needsLocation(action) && target.locationId) {
    return {
      ok: false,
      itemId,
      error: `${action} acts on customers: give a Customer global ID, or customerId alone`,
    };
  }
  const item: RunnableItem = { index, line: line.line, itemId, target };
  if (action === 'SUSPEND_LOCATION') {
    const level = line.level === undefined ? defaults.level : suspensionLevelOf(line.level);
    if (!level) return { ok: false, itemId, error: 'level must be NO_SERVICE or BASIC_SERVICE' };
    const reason = reasonSchema.safeParse(line.reason ?? defaults.reason ?? '');
    if (!reason.success) return { ok: false, itemId, error: `reason ${reason.error.issues[0]?.message}` };
    Object.assign(item, { level, reason: reason.data });
  }
  return { ok: true, item, dedupeKey: `${target.customerId}:${target.locationId ?? ''}` };
}
