/** The services backend's records, shaped as docs/backends.md ("Services: Models") puts them on the wire. */

export type ServiceStatus = 'ACTIVE' | 'STOPPED';

interface ServiceRecord {
  id: number;
  sku: string;
  serviceDescription: string;
  agreementId: number;
  status: ServiceStatus;
  /** `YYYY-MM-DD`. */
  started: string;
  /** `YYYY-MM-DD`; absent while the service is active. */
  stopped?: string;
}

export interface LocationService extends ServiceRecord {
  locationId: string;
}

export interface SubAccountService extends ServiceRecord {
  subAccountId: string;
  serviceQuantity: number;
}

export interface ServicePage<T> {
  /** Matches before paging. */
  count: number;
  services: T[];
}

/** An item of a cancel reply (reference: "may also carry `stopOnDate` (a string, empty when none)"). */
export type Cancelled<T> = T & { stopOnDate: string };
