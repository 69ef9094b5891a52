import { z } from 'zod';

/** The services backend's models: wire shapes checked at the boundary, and the camelCase model the graph uses. */

export const serviceStatuses = ['ACTIVE', 'STOPPED'] as const;
export const serviceStatusFilters = ['ACTIVE', 'STOPPED', 'ALL'] as const;
export type ServiceStatusFilter = (typeof serviceStatusFilters)[number];

/** The services backend's page size ceiling (contract: `limit <= 1000`). */
export const MAX_PAGE_SIZE = 1000;

export const envelope = <T extends z.ZodType>(response: T) =>
  z.object({ meta: z.object({ uuid: z.string() }), response });

const common = {
  id: z.number().int(),
  sku: z.string(),
  serviceDescription: z.string(),
  agreementId: z.number().int(),
  status: z.enum(serviceStatuses),
  started: z.string(),
  stopped: z.string().nullish(),
  // Reference: a cancelled service's item may carry it, "empty when none".
  stopOnDate: z.string().nullish(),
};
export const locationServiceSchema = z.object({ ...common, locationId: z.string() });
export const subAccountServiceSchema = z.object({
  ...common,
  subAccountId: z.string(),
  serviceQuantity: z.number().int(),
});

/** One model for both kinds of service; `kind` says which backend list it came from. */
export interface Service {
  kind: 'location' | 'subAccount';
  id: number;
  sku: string;
  description: string;
  agreementId: number;
  status: (typeof serviceStatuses)[number];
  startedOn: string;
  stoppedOn?: string;
  /** A cancel reply's `stopOnDate`, as sent; absent when empty. */
  stopOnDate?: string;
  locationId?: string;
  subAccountId?: string;
  quantity?: number;
}

export interface ServicePage {
  count: number;
  services: Service[];
}

export interface ServiceFilter {
  sku?: string;
  status?: ServiceStatusFilter;
  agreementId?: number;
  /** Location lists only, Partner Portal mode: the account the location is in. */
  locationAccountId?: string;
  limit?: number;
  offset?: number;
}

export function toService(
  raw: z.infer<typeof locationServiceSchema> | z.infer<typeof subAccountServiceSchema>,
): Service {
  const base = {
    id: raw.id,
    sku: raw.sku,
    description: raw.serviceDescription,
    agreementId: raw.agreementId,
    status: raw.status,
    startedOn: raw.started,
    stoppedOn: raw.stopped ?? undefined,
    stopOnDate: raw.stopOnDate || undefined,
  };
  return 'locationId' in raw
    ? { ...base, kind: 'location', locationId: raw.locationId }
    : { ...base, kind: 'subAccount', subAccountId: raw.subAccountId, quantity: raw.serviceQuantity };
}

type ListPage = (page: { limit: number; offset: number }) => Promise<ServicePage>;

/**
 * Every page of a list, MAX_PAGE_SIZE at a time, until its count is reached (or a page comes back empty):
 * one call for any owner with up to 1000 services.
 */
export async function* servicePages(list: ListPage): AsyncGenerator<ServicePage> {
  for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
    const page = await list({ limit: MAX_PAGE_SIZE, offset });
    yield page;
    if (page.services.length === 0 || offset + page.services.length >= page.count) return;
  }
}

/** Pages through a list to the first service `match` accepts, and stops there. */
export async function findService(
  list: ListPage,
  match: (service: Service) => boolean,
): Promise<Service | undefined> {
  for await (const page of servicePages(list)) {
    const found = page.services.find(match);
    if (found) return found;
  }
  return undefined;
}
