import { SERVICES_ACCOUNT_ID } from '../seed.js';
import { ErrorCode, ServicesApiError } from './envelope.js';
import type { Cancelled, LocationService, ServicePage, SubAccountService } from './model.js';
import { seedLocationAccounts, seedLocationServices, seedSubAccountServices } from './seed.js';

/** The rules of docs/backends.md ("Services: Behaviour") over one simulator's in-memory services. */

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
export const statusFilters = ['ACTIVE', 'STOPPED', 'ALL'] as const;
export type StatusFilter = (typeof statusFilters)[number];

export interface ListFilter {
  sku?: string;
  /** `ACTIVE` when absent. */
  status?: StatusFilter;
  agreementId?: number;
  /** `DEFAULT_LIMIT` when absent. */
  limit?: number;
  offset?: number;
}

/** Partner Portal mode: only locations in this account (main account or a sub-account). */
interface LocationAccountFilter {
  locationAccountId?: string;
}

export interface CancelLocationRequest extends LocationAccountFilter {
  locationId: string;
  agreementId?: number;
  /** Every active service of the location when absent. */
  skus?: string[];
}

export interface SkuRemoval {
  sku: string;
  /** 1 when absent. */
  quantity?: number;
}

export interface DecreaseRequest {
  subAccountId: string;
  skuRemovals: SkuRemoval[];
  agreementId?: number;
}

export interface CancelAllRequest {
  subAccountId: string;
  agreementId?: number;
}

export interface ServicesStateOptions {
  /** The clock that dates `stopped`; the real one when absent. */
  now?: () => Date;
  locationServices?: LocationService[];
  subAccountServices?: SubAccountService[];
  /** The account each location is in; the main account for a location missing here. */
  locationAccounts?: Map<string, string>;
}

type AnyService = LocationService | SubAccountService;

export class ServicesState {
  private readonly locationServices: LocationService[];
  private readonly subAccountServices: SubAccountService[];
  private readonly locationAccounts: Map<string, string>;
  private readonly now: () => Date;

  constructor({
    now = () => new Date(),
    locationServices = seedLocationServices(),
    subAccountServices = seedSubAccountServices(),
    locationAccounts = seedLocationAccounts(),
  }: ServicesStateOptions = {}) {
    this.now = now;
    this.locationServices = locationServices;
    this.subAccountServices = subAccountServices;
    this.locationAccounts = locationAccounts;
  }

  listLocationServices(
    filter: ListFilter & LocationAccountFilter & { locationId?: string },
  ): ServicePage<LocationService> {
    const { locationId } = filter;
    return page(
      this.locationServices.filter(
        (s) => (locationId === undefined || s.locationId === locationId) && this.inAccount(s, filter),
      ),
      filter,
    );
  }

  listSubAccountServices(filter: ListFilter & { subAccountId?: string }): ServicePage<SubAccountService> {
    const { subAccountId } = filter;
    return page(
      this.subAccountServices.filter((s) => subAccountId === undefined || s.subAccountId === subAccountId),
      filter,
    );
  }

  /** Stops the location's active services (those with one of `skus`, when given); returns them. */
  cancelLocationServices(request: CancelLocationRequest): Cancelled<LocationService>[] {
    const { locationId, agreementId, skus } = request;
    const matched = this.locationServices.filter(
      (s) =>
        s.locationId === locationId &&
        this.inAccount(s, request) &&
        isActiveUnder(s, agreementId) &&
        (skus === undefined || skus.includes(s.sku)),
    );
    if (matched.length === 0) {
      throw ServicesApiError.of(
        ErrorCode.NoActiveServiceMatched,
        `No active service matched on location ${locationId}`,
      );
    }
    matched.forEach((s) => this.stop(s));
    return matched.map(cancelled);
  }

  /**
   * Lowers each removal's SKU on the first (lowest id) active matching service; one reaching 0 stops.
   * Returns the services it changed, as they are now, in id order.
   */
  decreaseSubAccountServices({
    subAccountId,
    skuRemovals,
    agreementId,
  }: DecreaseRequest): Cancelled<SubAccountService>[] {
    const changed = new Set<SubAccountService>();
    for (const { sku, quantity = 1 } of skuRemovals) {
      const service = this.subAccountServices.find(
        (s) => s.subAccountId === subAccountId && s.sku === sku && isActiveUnder(s, agreementId),
      );
      if (!service) continue;
      service.serviceQuantity = Math.max(0, service.serviceQuantity - quantity);
      if (service.serviceQuantity === 0) this.stop(service);
      changed.add(service);
    }
    if (changed.size === 0) {
      throw ServicesApiError.of(
        ErrorCode.NoActiveServiceMatched,
        `No active service of sub-account ${subAccountId} has any of the SKUs to remove`,
      );
    }
    return [...changed].sort(byId).map(cancelled);
  }

  /** Stops every active service of the sub-account, keeping its quantity as the contract's sample does. */
  cancelAllSubAccountServices({
    subAccountId,
    agreementId,
  }: CancelAllRequest): Cancelled<SubAccountService>[] {
    const matched = this.subAccountServices.filter(
      (s) => s.subAccountId === subAccountId && isActiveUnder(s, agreementId),
    );
    if (matched.length === 0) {
      throw ServicesApiError.of(
        ErrorCode.NoActiveServiceMatched,
        `Sub-account ${subAccountId} has no active service to cancel`,
      );
    }
    matched.forEach((s) => this.stop(s));
    return matched.map(cancelled);
  }

  /** A location with no known account is in the main account. */
  private inAccount(service: LocationService, { locationAccountId }: LocationAccountFilter): boolean {
    const account = this.locationAccounts.get(service.locationId) ?? SERVICES_ACCOUNT_ID;
    return locationAccountId === undefined || account === locationAccountId;
  }

  private stop(service: AnyService): void {
    service.status = 'STOPPED';
    service.stopped = this.now().toISOString().slice(0, 10);
  }
}

function isActiveUnder(service: AnyService, agreementId: number | undefined): boolean {
  return service.status === 'ACTIVE' && (agreementId === undefined || service.agreementId === agreementId);
}

function page<T extends AnyService>(
  services: T[],
  { sku, status = 'ACTIVE', agreementId, limit = DEFAULT_LIMIT, offset = 0 }: ListFilter,
): ServicePage<T> {
  const matches = services
    .filter(
      (s) =>
        (status === 'ALL' || s.status === status) &&
        (sku === undefined || s.sku === sku) &&
        (agreementId === undefined || s.agreementId === agreementId),
    )
    .sort(byId);
  return { count: matches.length, services: matches.slice(offset, offset + limit).map(copy) };
}

function byId(a: AnyService, b: AnyService): number {
  return a.id - b.id;
}

/** Callers get copies, so nothing outside the state can change a service behind its back. */
function copy<T extends AnyService>(service: T): T {
  return { ...service };
}

/** A cancel reply's item: the service now, and no scheduled stop (it stopped or changed at once). */
function cancelled<T extends AnyService>(service: T): Cancelled<T> {
  return { ...service, stopOnDate: '' };
}
