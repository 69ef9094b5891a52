import { builder } from '../builder.js';
import type { ServiceLevelStatus } from '../domain/service-level.js';
import type { Customer, Location, WifiNode } from '../upstream/plume/plume-model.js';
import type { Service } from '../upstream/services/services-model.js';

/**
 * Type references shared across schema files (declared here, implemented in each type's own file),
 * so that Customer ↔ Location ↔ WifiNode can point at each other without import cycles.
 */
export const CustomerRef = builder.objectRef<Customer>('Customer');
export const LocationRef = builder.objectRef<Location>('Location');
/** The contract's "Node" (a WiFi extender); Relay reserves the name `Node` for its interface. */
export const WifiNodeRef = builder.objectRef<WifiNode & { customerId: string }>('WifiNode');
/** The WiFi cloud owner a service was read through: a location (under its customer) or a customer. */
export interface ServiceOwner {
  customerId: string;
  /** Set for a location's services. */
  locationId?: string;
}
/** A service and its owner: its global ID names the owner, so node(id) can re-read it through the owner. */
export type OwnedService = Service & { owner: ServiceOwner };
/** Services of one owner, carrying it: their global IDs name it (src/schema/service-types.ts). */
export const owned = (services: Service[], owner: ServiceOwner): OwnedService[] =>
  services.map((service) => ({ ...service, owner }));
export const LocationServiceRef = builder.objectRef<OwnedService>('LocationService');
export const SubAccountServiceRef = builder.objectRef<OwnedService>('SubAccountService');

export const ServiceLevel = builder.enumType('ServiceLevel', {
  description:
    "A location's level of WiFi service (WiFi cloud contract: Account Suspension / Reduced functionality).",
  values: {
    NO_SERVICE: { value: 'noService', description: 'Prevents WiFi on access points (suspension).' },
    BASIC_SERVICE: {
      value: 'basicService',
      description: 'Removes some adaptive WiFi and security features.',
    },
    FULL_SERVICE: { value: 'fullService', description: 'Full working service.' },
  } as const satisfies Record<string, { value: ServiceLevelStatus; description: string }>,
});
