import {
  DEMO_ADMIN_TOKEN,
  seedCustomers,
  seedLocations,
  seedNodes,
  seedTokens,
  type SeedCustomer,
  type SeedLocation,
  type SeedNode,
  type SeedToken,
} from './seed.js';

/**
 * The demo seed, optionally with one extra customer owning `scale` locations (`SANDBOX_SCALE=N`), so the
 * benchmark can count upstream calls per request as a screen grows. Each extra location has one claimed
 * node and (through the services seed's default plan) one active service; the demo admin token sees it.
 */
export interface SandboxSeed {
  customers: SeedCustomer[];
  locations: SeedLocation[];
  nodes: SeedNode[];
  tokens: SeedToken[];
}

export const scaleCustomerId = '650000000000000000000099';

const createdAt = '2025-01-01T00:00:00.000Z';
const padded = (n: number, width: number) => String(n).padStart(width, '0');

export function sandboxSeed(scale = 0): SandboxSeed {
  const base = { customers: seedCustomers, locations: seedLocations, nodes: seedNodes, tokens: seedTokens };
  if (scale <= 0) return base;
  const locations: SeedLocation[] = Array.from({ length: scale }, (_, i) => ({
    id: `67${padded(i + 1, 22)}`,
    customerId: scaleCustomerId,
    name: `Site ${i + 1}`,
    createdAt,
    serviceLevel: 'fullService',
  }));
  const nodes: SeedNode[] = locations.map((location, i) => ({
    serialNumber: `SC${padded(i + 1, 8)}`,
    locationId: location.id,
    model: 'SuperPod',
    nickname: 'Hall',
    firmwareVersion: '4.8.1',
    claimed: true,
    claimedAt: createdAt,
  }));
  const customer: SeedCustomer = {
    id: scaleCustomerId,
    accountId: 'ACC-1099',
    name: 'Scale Test',
    email: 'scale@example.net',
    autoProvisioned: false,
    createdAt,
  };
  return {
    customers: [...base.customers, customer],
    locations: [...base.locations, ...locations],
    nodes: [...base.nodes, ...nodes],
    tokens: base.tokens.map((token) =>
      token.token === DEMO_ADMIN_TOKEN
        ? { ...token, customerIds: [...token.customerIds, scaleCustomerId] }
        : token,
    ),
  };
}
