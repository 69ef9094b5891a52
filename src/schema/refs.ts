import { builder } from '../builder.js';
import type { Customer, Location, ServiceLevelStatus, WifiNode } from '../upstream/plume.js';
import type { Service } from '../upstream/services.js';

/**
 * Type references shared across schema files (declared here, implemented in each type's own file),
 * so that Customer ↔ Location ↔ WifiNode can point at each other without import cycles.
 */
export const CustomerRef = builder.objectRef<Customer>('Customer');
export const LocationRef = builder.objectRef<Location>('Location');
/** The contract's "Node" (a WiFi extender); Relay reserves the name `Node` for its interface. */
export const WifiNodeRef = builder.objectRef<WifiNode & { customerId: string }>('WifiNode');
export const LocationServiceRef = builder.objectRef<Service>('LocationService');
export const SubAccountServiceRef = builder.objectRef<Service>('SubAccountService');

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
