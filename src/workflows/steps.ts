import type { Context } from '../context.js';
import { LocationAlreadyArchivedError, NoActiveServicesError, NotFoundError } from '../errors.js';
import type { ServiceLevelStatus } from '../domain/service-level.js';
import { type Service, servicePages } from '../upstream/services/services-model.js';
import type { PlannedService } from './report.js';
import type { Step } from './runner.js';

/**
 * The reads plans share and the steps workflows are made of. Each step calls one adapter method and turns
 * "already done" answers (409 archived, 404 customer gone, no active service left) into ALREADY_DONE, so a
 * retried workflow converges. Steps take ids from the stored plan, never from a fresh read.
 */

/** License effects as the contracts state them. */
export const LICENSE = {
  archive:
    'Reduces the number of Plume licenses consumed by the ISP (WiFi cloud contract: Service Cancellation).',
  deleteCustomer:
    'Reduces the number of Plume licenses consumed by the ISP (WiFi cloud contract: Full Account Service Cancellation).',
  serviceLevel:
    'May not affect the number of Plume licenses consumed by the ISP (WiFi cloud contract: Account Suspension).',
  services: 'None stated by the services contract; stops billing for these services.',
  gateway: "None: the gateway's own memory.",
} as const;

const planned =
  (ownerId: string) =>
  (s: Service): PlannedService => ({
    kind: s.kind,
    serviceId: s.id,
    sku: s.sku,
    quantity: s.quantity ?? 1,
    agreementId: s.agreementId,
    ownerId,
  });

/** Every active service of a location or sub-account, however many pages. */
export async function activeServices(
  ctx: Context,
  scope: 'location' | 'subAccount',
  ownerId: string,
): Promise<PlannedService[]> {
  const all: Service[] = [];
  const list = (page: { limit: number; offset: number }) =>
    scope === 'location'
      ? ctx.services.listLocationServices(ownerId, { status: 'ACTIVE', ...page })
      : ctx.services.listSubAccountServices(ownerId, { status: 'ACTIVE', ...page });
  for await (const page of servicePages(list)) all.push(...page.services);
  return all.map(planned(ownerId));
}

/** Resolves ALREADY_DONE when `write` fails with an error that means its work was done before. */
async function unlessDone(
  write: () => Promise<unknown>,
  done: (error: unknown) => boolean,
): Promise<'DONE' | 'ALREADY_DONE'> {
  try {
    await write();
    return 'DONE';
  } catch (error) {
    if (done(error)) return 'ALREADY_DONE';
    throw error;
  }
}

const skus = (services: PlannedService[]) => [...new Set(services.map((s) => s.sku))].join(', ');

export function stopLocationServices(servicesLocationId: string, services: PlannedService[]): Step {
  return {
    name: 'stopLocationServices',
    backend: 'SERVICES',
    detail: `Stop the ${services.length} active services of location ${servicesLocationId}${services.length ? ` (${skus(services)})` : ''}.`,
    licenseEffect: LICENSE.services,
    alreadyDone: services.length === 0,
    run: (ctx) =>
      unlessDone(
        () => ctx.services.cancelLocationServices({ locationId: servicesLocationId }),
        (e) => e instanceof NoActiveServicesError,
      ),
  };
}

export function stopSubAccountServices(subAccountId: string, services: PlannedService[]): Step {
  return {
    name: 'stopSubAccountServices',
    backend: 'SERVICES',
    detail: `Stop the ${services.length} active services of sub-account ${subAccountId}${services.length ? ` (${skus(services)})` : ''}.`,
    licenseEffect: LICENSE.services,
    alreadyDone: services.length === 0,
    run: (ctx) =>
      unlessDone(
        () => ctx.services.cancelAllSubAccountServices({ subAccountId }),
        (e) => e instanceof NoActiveServicesError,
      ),
  };
}

export function archiveLocation(
  ids: { customerId: string; locationId: string },
  plan: { archived: boolean; nodes: string[]; newEmptyLocation: boolean },
): Step {
  const nodes = plan.nodes.length ? ` and unclaim its nodes ${plan.nodes.join(', ')}` : '';
  const home = plan.newEmptyLocation ? '; the cloud then creates a new empty location "Home"' : '';
  return {
    name: 'archiveLocation',
    backend: 'WIFI_CLOUD',
    detail: plan.archived
      ? `Location ${ids.locationId} is already archived.`
      : `Archive location ${ids.locationId}${nodes}${home}.`,
    licenseEffect: LICENSE.archive,
    alreadyDone: plan.archived,
    run: (ctx) =>
      unlessDone(
        () => ctx.plume.archiveLocation(ids.customerId, ids.locationId),
        (e) => e instanceof LocationAlreadyArchivedError,
      ),
  };
}

export function deleteCustomer(customerId: string): Step {
  return {
    name: 'deleteCustomer',
    backend: 'WIFI_CLOUD',
    detail: `Delete customer ${customerId}: archives its locations, unclaims its nodes and starts a GDPR delete.`,
    licenseEffect: LICENSE.deleteCustomer,
    alreadyDone: false,
    run: (ctx) =>
      unlessDone(
        () => ctx.plume.deleteCustomer(customerId),
        (e) => e instanceof NotFoundError && e.resource === 'Customer',
      ),
  };
}

export function setServiceLevel(
  ids: { customerId: string; locationId: string },
  from: string,
  to: ServiceLevelStatus,
): Step {
  return {
    name: 'setServiceLevel',
    backend: 'WIFI_CLOUD',
    detail: `Set the service level of location ${ids.locationId} from ${from} to ${to}.`,
    licenseEffect: LICENSE.serviceLevel,
    alreadyDone: from === to,
    run: async (ctx) => {
      await ctx.plume.setServiceLevel(ids.customerId, ids.locationId, to);
      return from === to ? 'ALREADY_DONE' : 'DONE';
    },
  };
}

/** The store's key for a location's remembered level. */
export const levelKey = (ids: { customerId: string; locationId: string }) =>
  `${ids.customerId}:${ids.locationId}`;
