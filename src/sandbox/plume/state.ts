import { PlumeError } from './errors.js';
import { isPathSegment, parseCredentials, parseCustomerFilter, parseServiceLevelStatus } from './inputs.js';
import {
  toCustomer,
  toLocation,
  toNode,
  toServiceLevel,
  type AccessToken,
  type Customer,
  type CustomerRecord,
  type GdprDeleteRequest,
  type Location,
  type LocationRecord,
  type Node,
  type NodeRecord,
  type ServiceLevel,
} from './models.js';
import { TokenStore } from './tokens.js';
import { SANDBOX_PASSWORD } from '../seed.js';
import { sandboxSeed, type SandboxSeed } from '../scale-seed.js';

export interface PlumeStateOptions {
  /** The clock behind every timestamp and token expiry; tests pass a fixed or steppable one. */
  now?: () => Date;
  /** The data to start from; the demo seed when absent. */
  seed?: SandboxSeed;
}

export interface CustomerInspection {
  deletedAt: string | null;
  locations: Location[];
  claimedSerials: string[];
}

/**
 * One WiFi cloud in memory, with its domain rules (docs/backends.md, "WiFi cloud"). Every operation takes the
 * raw access token and path ids and runs the documented checks in order: token, customer scope, customer
 * exists, location, then the operation's own rule.
 */
export class PlumeState {
  private readonly customers = new Map<string, CustomerRecord>();
  private readonly locations = new Map<string, LocationRecord>();
  private readonly nodes: NodeRecord[];
  private readonly tokens: TokenStore;
  private readonly gdprDeleteRequests: GdprDeleteRequest[] = [];
  private createdLocationCount = 0;
  private readonly now: () => Date;

  constructor({ now = () => new Date(), seed = sandboxSeed() }: PlumeStateOptions = {}) {
    this.now = now;
    // Cloned so that every instance mutates its own copy, never the shared seed.
    for (const customer of structuredClone(seed.customers)) {
      this.customers.set(customer.id, { ...customer, deletedAt: null });
    }
    for (const { archivedAt, serviceLevel, ...location } of structuredClone(seed.locations)) {
      this.locations.set(location.id, {
        ...location,
        archivedAt: archivedAt ?? null,
        serviceLevel: { status: serviceLevel, createdAt: location.createdAt, updatedAt: location.createdAt },
      });
    }
    this.nodes = structuredClone(seed.nodes);
    this.tokens = new TokenStore(seed.tokens, now);
  }

  /** The GDPR delete requests that customer deletes triggered, oldest first. */
  get gdprDeletes(): readonly GdprDeleteRequest[] {
    return this.gdprDeleteRequests;
  }

  loginAdmin(body: unknown): AccessToken {
    const { email, password } = parseCredentials(body);
    return this.tokens.loginAdmin(email, password);
  }

  /** Every live customer logs in with its own email and the sandbox password. */
  loginCustomer(body: unknown): AccessToken {
    const { email, password } = parseCredentials(body);
    const customer = [...this.customers.values()].find((c) => c.email === email && c.deletedAt === null);
    if (!customer || password !== SANDBOX_PASSWORD) {
      throw new PlumeError('INVALID_CREDENTIALS', 'login failed');
    }
    return this.tokens.issueUserToken(customer.id);
  }

  /** Batch read: customers out of scope, unknown or deleted are left out rather than failing the batch. */
  findCustomers(token: string | undefined, filter: string | undefined): Customer[] {
    const session = this.tokens.authenticate(token);
    const ids = parseCustomerFilter(filter);
    const wanted = ids === undefined ? undefined : new Set(ids);
    return [...this.customers.values()]
      .filter((c) => session.customerIds.has(c.id) && c.deletedAt === null && (!wanted || wanted.has(c.id)))
      .sort(byId)
      .map(toCustomer);
  }

  getCustomer(token: string | undefined, customerId: string): Customer {
    return toCustomer(this.requireCustomer(token, customerId));
  }

  listLocations(token: string | undefined, customerId: string): Location[] {
    const customer = this.requireCustomer(token, customerId);
    return this.locationsOf(customer.id).map(toLocation);
  }

  getLocation(token: string | undefined, customerId: string, locationId: string): Location {
    return toLocation(this.requireLocation(token, customerId, locationId).location);
  }

  listClaimedNodes(token: string | undefined, customerId: string, locationId: string): { nodes: Node[] } {
    const { location } = this.requireLocation(token, customerId, locationId);
    const claimed = this.nodesOf(location.id).filter((node) => node.claimed);
    return { nodes: claimed.map((node) => toNode(node, location)) };
  }

  getServiceLevel(token: string | undefined, customerId: string, locationId: string): ServiceLevel {
    return toServiceLevel(this.requireLiveLocation(token, customerId, locationId));
  }

  /** Contract: "Account Suspension / Reduced functionality". */
  setServiceLevel(
    token: string | undefined,
    customerId: string,
    locationId: string,
    body: unknown,
  ): ServiceLevel {
    const location = this.requireLiveLocation(token, customerId, locationId);
    const status = parseServiceLevelStatus(body);
    location.serviceLevel = { ...location.serviceLevel, status, updatedAt: this.timestamp() };
    return toServiceLevel(location);
  }

  /**
   * Contract: "Single Plume Extender/Device RMA". `serial` is empty when the path ends in `/nodes/`.
   * A missing serial is reported first, then a location with nothing left to unclaim, then the node itself.
   */
  unclaimNode(token: string | undefined, customerId: string, locationId: string, serial: string): void {
    const { location } = this.requireLocation(token, customerId, locationId);
    if (serial === '') throw new PlumeError('NODE_NOT_FOUND', 'Node serial number is missing');
    const nodes = this.nodesOf(location.id);
    if (!nodes.some((node) => node.claimed)) {
      throw new PlumeError('NO_CLAIMED_NODES', `Location ${location.id} has no claimed nodes`);
    }
    const node = isPathSegment(serial) ? nodes.find((n) => n.serialNumber === serial) : undefined;
    if (!node) throw new PlumeError('NODE_NOT_FOUND', `Node ${serial} not found at location ${location.id}`);
    if (!node.claimed) throw new PlumeError('NODE_ALREADY_UNCLAIMED', `Node ${serial} is already unclaimed`);
    node.claimed = false;
  }

  /** Contract: "Service Cancellation". */
  archiveLocation(token: string | undefined, customerId: string, locationId: string): void {
    const { customer, location } = this.requireLocation(token, customerId, locationId);
    if (location.archivedAt !== null) {
      throw new PlumeError('LOCATION_ALREADY_ARCHIVED', `Location ${location.id} is already archived`);
    }
    const at = this.timestamp();
    this.archive(location, at);
    // The mobile apps expect at least one location, except for auto-provisioned customers (contract).
    const hasLiveLocation = this.locationsOf(customer.id).some((l) => l.archivedAt === null);
    if (!customer.autoProvisioned && !hasLiveLocation) this.addHomeLocation(customer.id, at);
  }

  /** Contract: "Full Account Service Cancellation". */
  deleteCustomer(token: string | undefined, customerId: string): { count: 1 } {
    const customer = this.requireCustomer(token, customerId);
    const at = this.timestamp();
    for (const location of this.locationsOf(customer.id)) {
      if (location.archivedAt === null) this.archive(location, at);
    }
    customer.deletedAt = at;
    this.gdprDeleteRequests.push({ customerId: customer.id, accountId: customer.accountId, requestedAt: at });
    return { count: 1 };
  }

  /** Simulator-only view past auth and deletion, so tests can see what a delete left behind. */
  inspectCustomer(customerId: string): CustomerInspection | undefined {
    const customer = this.customers.get(customerId);
    if (!customer) return undefined;
    const locations = this.locationsOf(customer.id);
    const claimedSerials = locations.flatMap((location) =>
      this.nodesOf(location.id)
        .filter((node) => node.claimed)
        .map((node) => node.serialNumber),
    );
    return { deletedAt: customer.deletedAt, locations: locations.map(toLocation), claimedSerials };
  }

  /** The first checks of every customer route: token, customer scope, customer exists. */
  private requireCustomer(token: string | undefined, customerId: string): CustomerRecord {
    const session = this.tokens.authenticate(token);
    // Out of scope and unknown answer alike (contract: "CustomerId may not exist or be known").
    const inScope = isPathSegment(customerId) && session.customerIds.has(customerId);
    const customer = inScope ? this.customers.get(customerId) : undefined;
    if (!customer) throw new PlumeError('AUTHORIZATION_REQUIRED', 'Authorization Required');
    if (customer.deletedAt !== null) {
      throw new PlumeError('CUSTOMER_NOT_FOUND', `Customer ${customerId} not found`);
    }
    return customer;
  }

  private requireLocation(
    token: string | undefined,
    customerId: string,
    locationId: string,
  ): { customer: CustomerRecord; location: LocationRecord } {
    const customer = this.requireCustomer(token, customerId);
    const location = isPathSegment(locationId) ? this.locations.get(locationId) : undefined;
    if (!location || location.customerId !== customer.id) {
      throw new PlumeError('LOCATION_NOT_FOUND', `Location ${locationId} not found`);
    }
    return { customer, location };
  }

  /** Service levels exist only for locations that are not archived. */
  private requireLiveLocation(
    token: string | undefined,
    customerId: string,
    locationId: string,
  ): LocationRecord {
    const { location } = this.requireLocation(token, customerId, locationId);
    if (location.archivedAt !== null) {
      throw new PlumeError('LOCATION_ARCHIVED', `Location ${location.id} is archived`);
    }
    return location;
  }

  private archive(location: LocationRecord, at: string): void {
    location.archivedAt = at;
    for (const node of this.nodesOf(location.id)) node.claimed = false;
  }

  private addHomeLocation(customerId: string, at: string): void {
    this.createdLocationCount += 1;
    // Deterministic per instance, in a range of their own so they never collide with the seed's ids.
    const id = `67${String(this.createdLocationCount).padStart(22, '0')}`;
    const serviceLevel: ServiceLevel = { status: 'fullService', createdAt: at, updatedAt: at };
    this.locations.set(id, { id, customerId, name: 'Home', createdAt: at, archivedAt: null, serviceLevel });
  }

  private locationsOf(customerId: string): LocationRecord[] {
    return [...this.locations.values()].filter((l) => l.customerId === customerId).sort(byId);
  }

  private nodesOf(locationId: string): NodeRecord[] {
    return this.nodes.filter((node) => node.locationId === locationId);
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
