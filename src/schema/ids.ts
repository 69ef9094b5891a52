import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';

/**
 * Global IDs and the input checks that run before any upstream call. A WiFi location is only
 * addressable under its customer, so a Location's global ID carries both ids, and a WifiNode's also
 * its serial. Upstream ids are limited to URL-safe characters: `/`, `..` and `%` never reach a path.
 */

const SAFE = /^[A-Za-z0-9_-]+$/;
export const upstreamIdSchema = z
  .string()
  .trim()
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

export type GlobalTypename = 'Customer' | 'Location' | 'WifiNode' | 'LocationService' | 'SubAccountService';

/** A service's global ID names its owner first: `customerId:locationId:serviceId` or `customerId:serviceId`. */
const parts: Record<GlobalTypename, number> = {
  Customer: 1,
  Location: 2,
  WifiNode: 3,
  LocationService: 3,
  SubAccountService: 2,
};

export function toGlobalId(typename: GlobalTypename, ...ids: string[]): string {
  return encodeGlobalID(typename, ids.join(':'));
}

/** Splits the id inside a global ID (`customerId:locationId`) into valid upstream ids, or undefined. */
export function splitIds(typename: GlobalTypename, inner: string): string[] | undefined {
  const ids = inner.split(':');
  const valid = ids.length === parts[typename] && ids.every((id) => upstreamIdSchema.safeParse(id).success);
  return valid ? ids : undefined;
}

/** Decodes a global ID of the given type into its upstream ids, or undefined if it is not one. */
export function fromGlobalId(typename: GlobalTypename, globalId: string): string[] | undefined {
  try {
    const decoded = decodeGlobalID(globalId);
    return decoded.typename === typename ? splitIds(typename, decoded.id) : undefined;
  } catch {
    return undefined;
  }
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

/** `customer(id:)` takes either a Customer global ID or the WiFi cloud's own customer id. */
export const customerRefSchema = z.string().transform((value, ctx) => {
  const [fromGlobal] = fromGlobalId('Customer', value) ?? [];
  const parsed = upstreamIdSchema.safeParse(fromGlobal ?? value);
  if (!parsed.success) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a Customer global ID or customer id: ${parsed.error.issues[0]?.message}`,
    });
    return z.NEVER;
  }
  return parsed.data;
});
