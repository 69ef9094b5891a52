/**
 * The deterministic demo data both simulators start from: the same every start, so the README tour,
 * GraphiQL's default query and the tests can name these ids. The services seed (services/seed.ts)
 * derives its locations and sub-accounts from here, as the default id mapping of the gateway expects:
 * services `locationId` = WiFi location id, services `subAccountId` = the customer's `accountId`.
 */

export type ServiceLevelStatus = 'noService' | 'basicService' | 'fullService';

export interface SeedCustomer {
  id: string;
  accountId: string;
  name: string;
  email: string;
  /** Auto-provisioned customers may be left with zero locations (contract: "Service Cancellation"). */
  autoProvisioned: boolean;
  createdAt: string;
}

export interface SeedLocation {
  id: string;
  customerId: string;
  name: string;
  createdAt: string;
  archivedAt?: string;
  serviceLevel: ServiceLevelStatus;
}

export interface SeedNode {
  serialNumber: string;
  locationId: string;
  model: string;
  nickname: string;
  firmwareVersion: string;
  claimed: boolean;
  claimedAt: string;
}

export interface SeedToken {
  token: string;
  role: 'admin' | 'user';
  /** Customer ids the token may act on: a set for an admin, exactly one for a user. */
  customerIds: string[];
  expired?: boolean;
  email: string;
  password: string;
}

export const SANDBOX_PASSWORD = 'sandbox';

export const customerIds = {
  ada: '650000000000000000000001',
  grace: '650000000000000000000002',
  linus: '650000000000000000000003',
  margaret: '650000000000000000000004',
} as const;

export const locationIds = {
  adaHome: '660000000000000000000101',
  adaCottage: '660000000000000000000102',
  adaOldFlat: '660000000000000000000103',
  graceApartment: '660000000000000000000201',
  linusHome: '660000000000000000000301',
  linusGarage: '660000000000000000000302',
  margaretOffice: '660000000000000000000401',
} as const;

const allCustomers = Object.values(customerIds);

export const seedCustomers: SeedCustomer[] = [
  {
    id: customerIds.ada,
    accountId: 'ACC-1001',
    name: 'Ada Lovelace',
    email: 'ada@example.net',
    autoProvisioned: false,
    createdAt: '2023-01-15T09:30:00.000Z',
  },
  {
    id: customerIds.grace,
    accountId: 'ACC-1002',
    name: 'Grace Hopper',
    email: 'grace@example.net',
    autoProvisioned: true,
    createdAt: '2023-03-02T14:05:00.000Z',
  },
  {
    id: customerIds.linus,
    accountId: 'ACC-1003',
    name: 'Linus Torvalds',
    email: 'linus@example.net',
    autoProvisioned: false,
    createdAt: '2023-06-21T08:00:00.000Z',
  },
  {
    id: customerIds.margaret,
    accountId: 'ACC-1004',
    name: 'Margaret Hamilton',
    email: 'margaret@example.net',
    autoProvisioned: false,
    createdAt: '2024-02-10T11:45:00.000Z',
  },
];

export const seedLocations: SeedLocation[] = [
  {
    id: locationIds.adaHome,
    customerId: customerIds.ada,
    name: 'Home',
    createdAt: '2023-01-15T09:31:00.000Z',
    serviceLevel: 'fullService',
  },
  {
    id: locationIds.adaCottage,
    customerId: customerIds.ada,
    name: 'Holiday cottage',
    createdAt: '2023-05-01T10:00:00.000Z',
    serviceLevel: 'basicService',
  },
  {
    id: locationIds.adaOldFlat,
    customerId: customerIds.ada,
    name: 'Old flat',
    createdAt: '2022-11-01T10:00:00.000Z',
    archivedAt: '2023-02-01T12:00:00.000Z',
    serviceLevel: 'noService',
  },
  {
    id: locationIds.graceApartment,
    customerId: customerIds.grace,
    name: 'Apartment',
    createdAt: '2023-03-02T14:06:00.000Z',
    serviceLevel: 'fullService',
  },
  {
    id: locationIds.linusHome,
    customerId: customerIds.linus,
    name: 'Home',
    createdAt: '2023-06-21T08:01:00.000Z',
    serviceLevel: 'fullService',
  },
  {
    id: locationIds.linusGarage,
    customerId: customerIds.linus,
    name: 'Garage',
    createdAt: '2023-07-04T16:20:00.000Z',
    serviceLevel: 'fullService',
  },
  {
    id: locationIds.margaretOffice,
    customerId: customerIds.margaret,
    name: 'Office',
    createdAt: '2024-02-10T11:46:00.000Z',
    serviceLevel: 'fullService',
  },
];

const claimedAt = '2023-01-15T09:40:00.000Z';

export const seedNodes: SeedNode[] = [
  {
    serialNumber: 'AA11000001',
    locationId: locationIds.adaHome,
    model: 'SuperPod',
    nickname: 'Living room',
    firmwareVersion: '4.8.1',
    claimed: true,
    claimedAt,
  },
  {
    serialNumber: 'AA11000002',
    locationId: locationIds.adaHome,
    model: 'SuperPod',
    nickname: 'Office',
    firmwareVersion: '4.8.1',
    claimed: true,
    claimedAt,
  },
  {
    serialNumber: 'AA11000003',
    locationId: locationIds.adaHome,
    model: 'Pod',
    nickname: 'Attic',
    firmwareVersion: '4.7.0',
    claimed: false,
    claimedAt,
  },
  {
    serialNumber: 'AA11000004',
    locationId: locationIds.adaCottage,
    model: 'PowerPod',
    nickname: 'Kitchen',
    firmwareVersion: '4.8.1',
    claimed: true,
    claimedAt,
  },
  {
    serialNumber: 'AA11000005',
    locationId: locationIds.adaOldFlat,
    model: 'Pod',
    nickname: 'Hall',
    firmwareVersion: '4.2.3',
    claimed: false,
    claimedAt,
  },
  {
    serialNumber: 'BB22000001',
    locationId: locationIds.graceApartment,
    model: 'SuperPod',
    nickname: 'Study',
    firmwareVersion: '4.8.1',
    claimed: true,
    claimedAt,
  },
  {
    serialNumber: 'BB22000002',
    locationId: locationIds.graceApartment,
    model: 'Pod',
    nickname: 'Bedroom',
    firmwareVersion: '4.8.1',
    claimed: true,
    claimedAt,
  },
  {
    serialNumber: 'CC33000001',
    locationId: locationIds.linusHome,
    model: 'SuperPod',
    nickname: 'Desk',
    firmwareVersion: '4.8.1',
    claimed: true,
    claimedAt,
  },
  {
    serialNumber: 'CC33000002',
    locationId: locationIds.linusGarage,
    model: 'Pod',
    nickname: 'Workbench',
    firmwareVersion: '4.6.2',
    claimed: false,
    claimedAt,
  },
  {
    serialNumber: 'DD44000001',
    locationId: locationIds.margaretOffice,
    model: 'SuperPod',
    nickname: 'Reception',
    firmwareVersion: '4.8.1',
    claimed: true,
    claimedAt,
  },
];

export const DEMO_ADMIN_TOKEN = 'sandbox-admin-token';

/** The demo tokens by who holds them (scopes in seedTokens below). */
export const demoTokens = {
  admin: DEMO_ADMIN_TOKEN,
  partner: 'sandbox-partner-token',
  ada: 'sandbox-ada-token',
  grace: 'sandbox-grace-token',
  expired: 'sandbox-expired-token',
} as const;

export const seedTokens: SeedToken[] = [
  {
    token: DEMO_ADMIN_TOKEN,
    role: 'admin',
    customerIds: allCustomers,
    email: 'admin@sandbox.test',
    password: SANDBOX_PASSWORD,
  },
  {
    token: demoTokens.partner,
    role: 'admin',
    customerIds: [customerIds.linus, customerIds.margaret],
    email: 'partner@sandbox.test',
    password: SANDBOX_PASSWORD,
  },
  {
    token: demoTokens.ada,
    role: 'user',
    customerIds: [customerIds.ada],
    email: 'ada@example.net',
    password: SANDBOX_PASSWORD,
  },
  {
    token: demoTokens.grace,
    role: 'user',
    customerIds: [customerIds.grace],
    email: 'grace@example.net',
    password: SANDBOX_PASSWORD,
  },
  {
    token: demoTokens.expired,
    role: 'admin',
    customerIds: allCustomers,
    expired: true,
    email: 'expired@sandbox.test',
    password: SANDBOX_PASSWORD,
  },
];

/** The services backend's main account (contract: `accountId` path parameter) and its API key. */
export const SERVICES_ACCOUNT_ID = 'ISP-MAIN';
export const SERVICES_API_KEY = 'sandbox-services-key';
/** The version date the gateway sends as `v` unless configured otherwise (the simulators follow the gateway's default). */
export { DEFAULT_SERVICES_API_VERSION as SERVICES_API_VERSION } from '../config.js';
