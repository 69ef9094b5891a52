import {
  customerIds,
  locationIds,
  SERVICES_ACCOUNT_ID,
  seedCustomers,
  seedLocations,
  type SeedCustomer,
  type SeedLocation,
} from '../seed.js';
import type { LocationService, ServiceStatus, SubAccountService } from './model.js';

/**
 * Deterministic services derived from the shared seed: services `locationId` = WiFi location id and
 * `subAccountId` = the customer's `accountId`. Every location and every customer gets services; Ada's home
 * gets 150 so that paging (limit 100 by default) is real. See docs/sandbox-services.md for the counts.
 */

export const FIRST_LOCATION_SERVICE_ID = 8000;
export const FIRST_SUB_ACCOUNT_SERVICE_ID = 9000;
export const agreementIds = { original: 1588, renewal: 1601 } as const;
export const BULK_LOCATION_SERVICE_COUNT = 150;

interface Product {
  sku: string;
  serviceDescription: string;
}

export const locationProducts = {
  starter: { sku: 'SKU-00000167', serviceDescription: 'Location Cloud Starter (Partner)' },
  pro: { sku: 'SKU-00000168', serviceDescription: 'Location Cloud Pro (Partner)' },
  axciom: { sku: 'SKU-00000170', serviceDescription: 'Axciom Add-on (Partner)' },
  guestWifi: { sku: 'SKU-00000171', serviceDescription: 'Guest WiFi Add-on (Partner)' },
} as const satisfies Record<string, Product>;

export const accountProducts = {
  answers: { sku: 'SKU-00000195', serviceDescription: 'Answers Experience' },
  answers2: { sku: 'SKU-00000196', serviceDescription: 'Answers Experience 2' },
  answers3: { sku: 'SKU-00000197', serviceDescription: 'Answers Experience 3' },
  supportSeat: { sku: 'SKU-00000210', serviceDescription: 'Premium Support Seat' },
} as const satisfies Record<string, Product>;

interface PlannedService {
  product: Product;
  agreementId?: number;
  quantity?: number;
  /** The day it started; the location's or customer's creation day when absent. */
  started?: string;
  /** The day it stopped; active when absent. */
  stopped?: string;
}

/**
 * Partner Portal mode: the account each location is in (`locationAccountId`). Margaret's office is in her
 * own sub-account; every other location is in the main account.
 */
const locationAccountIds: Record<string, string> = {
  [locationIds.margaretOffice]: seedCustomers.find((c) => c.id === customerIds.margaret)!.accountId,
};

export function seedLocationAccounts(): Map<string, string> {
  return new Map(seedLocations.map((l) => [l.id, locationAccountIds[l.id] ?? SERVICES_ACCOUNT_ID]));
}

const { starter, pro, axciom, guestWifi } = locationProducts;

/** Locations other than Ada's home; a location missing here gets the default plan. */
const defaultLocationPlan: PlannedService[] = [{ product: starter }];
const locationPlans: Record<string, PlannedService[]> = {
  [locationIds.adaCottage]: [
    { product: starter },
    { product: guestWifi },
    { product: pro, stopped: '2023-09-30' },
  ],
  // Archived: its services stop on the archive day whatever is planned here.
  [locationIds.adaOldFlat]: [{ product: starter }, { product: axciom }],
  [locationIds.graceApartment]: [{ product: starter }, { product: axciom }],
  [locationIds.linusHome]: [
    { product: pro },
    { product: guestWifi },
    { product: axciom, agreementId: agreementIds.renewal },
    { product: starter, stopped: '2023-08-01' },
  ],
  [locationIds.linusGarage]: [{ product: starter }],
  [locationIds.margaretOffice]: [
    { product: pro, agreementId: agreementIds.renewal },
    { product: guestWifi, stopped: '2024-06-15' },
  ],
};

const { answers, answers2, answers3, supportSeat } = accountProducts;

/** Sub-account services per customer; a customer missing here gets the default plan. */
const defaultSubAccountPlan: PlannedService[] = [{ product: answers }];
const subAccountPlans: Record<string, PlannedService[]> = {
  [customerIds.ada]: [
    { product: answers, quantity: 3 },
    { product: answers2 },
    { product: answers3, quantity: 2, agreementId: agreementIds.renewal },
    { product: supportSeat, stopped: '2023-12-31' },
  ],
  [customerIds.grace]: [{ product: answers }, { product: answers2, quantity: 2, stopped: '2023-10-01' }],
  [customerIds.linus]: [
    { product: answers, quantity: 5 },
    { product: supportSeat, quantity: 2, agreementId: agreementIds.renewal },
  ],
  [customerIds.margaret]: [
    { product: answers2, quantity: 2 },
    { product: answers3, stopped: '2024-05-01' },
  ],
};

/**
 * Ada's home: SKUs rotate starter/pro/guest WiFi, every tenth service is stopped, and the last 50 were added
 * under the renewal agreement, so filters and paging both have something to bite on.
 */
function bulkPlan(location: SeedLocation): PlannedService[] {
  const rotation = [starter, pro, guestWifi];
  return Array.from({ length: BULK_LOCATION_SERVICE_COUNT }, (_, i) => {
    const started = addDays(dateOf(location.createdAt), i);
    return {
      product: rotation[i % rotation.length]!,
      agreementId: i < 100 ? agreementIds.original : agreementIds.renewal,
      started,
      ...(i % 10 === 9 ? { stopped: addDays(started, 90) } : {}),
    };
  });
}

function dateOf(isoTime: string): string {
  return isoTime.slice(0, 10);
}

function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

/** `status`, `started`, `stopped` in wire order; `stopped` only once stopped. */
function lifecycle(
  started: string,
  stopped: string | undefined,
): { status: ServiceStatus; started: string; stopped?: string } {
  return stopped === undefined ? { status: 'ACTIVE', started } : { status: 'STOPPED', started, stopped };
}

function plannedForLocation(location: SeedLocation): PlannedService[] {
  if (location.id === locationIds.adaHome) return bulkPlan(location);
  const plan = locationPlans[location.id] ?? defaultLocationPlan;
  const { archivedAt } = location;
  if (archivedAt === undefined) return plan;
  return plan.map((planned) => ({ ...planned, stopped: dateOf(archivedAt) }));
}

/** Fresh records on every call, so each simulator instance owns its state. */
export function seedLocationServices(locations: readonly SeedLocation[] = seedLocations): LocationService[] {
  let id = FIRST_LOCATION_SERVICE_ID;
  return locations.flatMap((location) =>
    plannedForLocation(location).map((planned) => ({
      id: id++,
      sku: planned.product.sku,
      serviceDescription: planned.product.serviceDescription,
      agreementId: planned.agreementId ?? agreementIds.original,
      locationId: location.id,
      ...lifecycle(planned.started ?? dateOf(location.createdAt), planned.stopped),
    })),
  );
}

export function seedSubAccountServices(
  customers: readonly SeedCustomer[] = seedCustomers,
): SubAccountService[] {
  let id = FIRST_SUB_ACCOUNT_SERVICE_ID;
  return customers.flatMap((customer) =>
    (subAccountPlans[customer.id] ?? defaultSubAccountPlan).map((planned) => ({
      id: id++,
      subAccountId: customer.accountId,
      agreementId: planned.agreementId ?? agreementIds.original,
      sku: planned.product.sku,
      serviceDescription: planned.product.serviceDescription,
      serviceQuantity: planned.quantity ?? 1,
      ...lifecycle(planned.started ?? dateOf(customer.createdAt), planned.stopped),
    })),
  );
}
