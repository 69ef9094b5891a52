import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';

/**
 * Global IDs and the input checks that run before any upstream call, for the schema, bulk jobs and the
 * audit trail alike. A WiFi location is only
 * addressable under its customer, so a Location's global ID carries both ids, and a WifiNode's also
 * its serial. Upstream ids are limited to URL-safe characters: `/`, `..` and `%` never reach a path.
 */

const SAFE = /^[A-Za-z0-9_-]+$/;
// Checked as received, never trimmed: the value that passes is the value that reaches the path.
export const upstreamIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(SAFE, 'may contain only letters, digits, "-" and "_"');

export const serialNumberSchema = upstreamIdSchema;

export const skuSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters');

export const agreementIdSchema = z.number().int().positive('must be a positive agreement id');

export type GlobalTypename =
  'Customer' | 'Location' | 'LocationServiceLevel' | 'WifiNode' | 'LocationService' | 'SubAccountService';

/** The upstream ids inside each type's global ID, in order: a service's names its owner first. */
export interface IdParts {
  Customer: [customerId: string];
  Location: [customerId: string, locationId: string];
  /** A location's service level is keyed by its location: one level per location. */
  LocationServiceLevel: [customerId: string, locationId: string];
  WifiNode: [customerId: string, locationId: string, serialNumber: string];
  LocationService: [customerId: string, locationId: string, serviceId: string];
  SubAccountService: [customerId: string, serviceId: string];
}

const parts: Record<GlobalTypename, number> = {
  Customer: 1,
  Location: 2,
  LocationServiceLevel: 2,
  WifiNode: 3,
  LocationService: 3,
  SubAccountService: 2,
};

export function toGlobalId(typename: GlobalTypename, ...ids: string[]): string {
  return encodeGlobalID(typename, ids.join(':'));
}

/** Splits the id inside a global ID (`customerId:locationId`) into valid upstream ids, or undefined. */
export function idsIn<T extends GlobalTypename>(typename: T, inner: string): IdParts[T] | undefined {
  const ids = inner.split(':');
  const valid = ids.length === parts[typename] && ids.every((id) => upstreamIdSchema.safeParse(id).success);
  return valid ? (ids as IdParts[T]) : undefined;
}

/**
 * A global ID of one of this graph's types, decoded; undefined for anything else. Only our typenames
 * count, so a raw upstream id that happens to be valid base64 is never mistaken for a global ID.
 */
function decodeOwnGlobalId(value: string): { typename: GlobalTypename; id: string } | undefined {
  // Decoded without throwing (a raw id is the common case; building an error per request costs CPU):
  // only exact base64 of `Typename:id` counts, the encoding encodeGlobalID makes.
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (Buffer.from(decoded, 'utf8').toString('base64') !== value) return undefined;
  const colon = decoded.indexOf(':');
  const typename = decoded.slice(0, colon);
  const id = decoded.slice(colon + 1);
  return colon > 0 && id && Object.hasOwn(parts, typename)
    ? { typename: typename as GlobalTypename, id }
    : undefined;
}

/** Decodes a global ID of the given type into its upstream ids, or undefined if it is not a valid one. */
function fromGlobalId<T extends GlobalTypename>(typename: T, value: string): IdParts[T] | undefined {
  const decoded = decodeOwnGlobalId(value);
  return decoded?.typename === typename ? idsIn(typename, decoded.id) : undefined;
}

/** A Location global ID, decoded into the ids the WiFi cloud addresses it by. */
export const locationGlobalIdSchema = z.string().transform((value, ctx) => {
  const [customerId, locationId] = fromGlobalId('Location', value) ?? [];
  if (!customerId || !locationId) {
    ctx.addIssue({ code: 'custom', message: 'must be a Location global ID' });
    return z.NEVER;
  }
  return { customerId, locationId };
});

/**
 * `customer(id:)` takes either a Customer global ID or the WiFi cloud's own customer id. Whatever decodes
 * as one of our global IDs is read as one: a malformed Customer global ID (or another type's) is an
 * input error, never passed on as a raw id.
 */
export const customerRefSchema = z.string().transform((value, ctx) => {
  const global = decodeOwnGlobalId(value);
  const raw = global ? undefined : upstreamIdSchema.safeParse(value);
  const customerId = global?.typename === 'Customer' ? idsIn('Customer', global.id)?.[0] : raw?.data;
  if (customerId !== undefined) return customerId;
  const problem = raw?.error?.issues[0]?.message ?? 'this global ID is not a valid Customer global ID';
  ctx.addIssue({ code: 'custom', message: `must be a Customer global ID or customer id: ${problem}` });
  return z.NEVER;
});
