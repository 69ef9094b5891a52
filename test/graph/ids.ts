import { encodeGlobalID } from '@pothos/plugin-relay';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';

/**
 * Global IDs of seeded objects, encoded the way the graph encodes them (src/schema/ids.ts): a Location
 * carries its customer id, a WifiNode its customer and location ids, joined with `:`.
 */

export type CustomerName = keyof typeof customerIds;
export type LocationName = keyof typeof locationIds;

/** The customer owning each seeded location. */
const ownerOf: Record<LocationName, CustomerName> = {
  adaHome: 'ada',
  adaCottage: 'ada',
  adaOldFlat: 'ada',
  graceApartment: 'grace',
  linusHome: 'linus',
  linusGarage: 'linus',
  margaretOffice: 'margaret',
};

export const customerGlobalId = (name: CustomerName): string => encodeGlobalID('Customer', customerIds[name]);

export const locationGlobalId = (name: LocationName): string =>
  encodeGlobalID('Location', `${customerIds[ownerOf[name]]}:${locationIds[name]}`);

export const wifiNodeGlobalId = (location: LocationName, serialNumber: string): string =>
  encodeGlobalID('WifiNode', `${customerIds[ownerOf[location]]}:${locationIds[location]}:${serialNumber}`);

/** The seed's demo tokens (docs/sandbox-plume.md), by who holds them. */
export const tokens = {
  admin: 'sandbox-admin-token',
  partner: 'sandbox-partner-token',
  ada: 'sandbox-ada-token',
  grace: 'sandbox-grace-token',
  expired: 'sandbox-expired-token',
} as const;

/** Narrows a `node(id)` result to one type of the union, failing the test when it is another (or null). */
export function ofType<T extends { __typename: string }, N extends T['__typename']>(
  value: T | null | undefined,
  typename: N,
): Extract<T, { __typename: N }> {
  if (value?.__typename !== typename) throw new Error(`expected a ${typename}, got ${JSON.stringify(value)}`);
  return value as Extract<T, { __typename: N }>;
}
