import { z } from 'zod';
import { NoActiveServicesError, ServicesRequestRejectedError } from '../errors.js';
import {
  type CallContext,
  type ClassifyError,
  HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  appendPath,
  path,
} from './http.js';

/** Adapter for the services backend (docs/backends.md, "Services"): typed methods over the shared client. */

export const serviceStatuses = ['ACTIVE', 'STOPPED'] as const;
export const serviceStatusFilters = ['ACTIVE', 'STOPPED', 'ALL'] as const;
export type ServiceStatusFilter = (typeof serviceStatusFilters)[number];

/** The services backend's page size ceiling (contract: `limit <= 1000`). */
export const MAX_PAGE_SIZE = 1000;

const upstreamErrorSchema = z.object({ code: z.number(), message: z.string() });
const metaSchema = z.object({ uuid: z.string(), errors: z.array(upstreamErrorSchema) });
type Envelope<T> = { meta: z.infer<typeof metaSchema>; response: T };
const envelope = <T>(response: z.ZodType<T>) =>
  z.object({ meta: metaSchema, response }) as unknown as z.ZodType<Envelope<T>>;

const common = {
  id: z.number().int(),
  sku: z.string(),
  serviceDescription: z.string(),
  agreementId: z.number().int(),
  status: z.enum(serviceStatuses),
  started: z.string(),
  stopped: z.string().nullish(),
};
const locationServiceSchema = z.object({ ...common, locationId: z.string() });
const subAccountServiceSchema = z.object({
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
  limit?: number;
  offset?: number;
}

function toService(
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
  };
  return 'locationId' in raw
    ? { ...base, kind: 'location', locationId: raw.locationId }
    : { ...base, kind: 'subAccount', subAccountId: raw.subAccountId, quantity: raw.serviceQuantity };
}

const firstError = (body: unknown) => envelope(z.unknown()).safeParse(body).data?.meta.errors[0];

/**
 * Error codes from docs/backends.md. 2003 is the contract's "must have active services" rule; 2001/2002
 * mean the backend rejected input the gateway passed on. Everything else (a bad `v`, a wrong API key or
 * account: the gateway's own configuration) is unexpected and masked.
 */
const classify: ClassifyError = (_status, body) => {
  const error = firstError(body);
  if (error?.code === 2003) return new NoActiveServicesError(error.message);
  if (error?.code === 2001 || error?.code === 2002)
    return new ServicesRequestRejectedError(error.message, error.code);
  return undefined;
};

export function createServicesHttp(
  baseUrl: string,
  options: Omit<HttpClientOptions, 'classify' | 'upstreamRequestId'>,
): HttpClient {
  return new HttpClient('services', baseUrl, {
    ...options,
    classify,
    upstreamRequestId: (body) => envelope(z.unknown()).safeParse(body).data?.meta.uuid,
  });
}

export interface ServicesAccount {
  accountId: string;
  apiKey: string;
  version: string;
}

/** One instance per GraphQL request. The API key is the gateway's own secret, sent in a header only. */
export class ServicesApi {
  constructor(
    private readonly http: HttpClient,
    private readonly account: ServicesAccount,
    private readonly call: CallContext,
  ) {}

  private async send<T>(
    req: Omit<HttpRequest<unknown>, 'schema' | 'path'> & { path: string; response: z.ZodType<T> },
  ): Promise<T> {
    const { response } = await this.http.request(
      {
        ...req,
        path: appendPath(path`/v2/accounts/${this.account.accountId}`, req.path),
        query: { ...req.query, v: this.account.version },
        headers: { 'api-key': this.account.apiKey },
        schema: envelope(req.response),
      },
      this.call,
    );
    return response;
  }

  private async list(
    operation: string,
    listPath: string,
    query: Record<string, string | number | undefined>,
  ) {
    const page = await this.send({
      operation,
      method: 'GET',
      path: listPath,
      query,
      response: z.object({
        count: z.number().int(),
        services: z.array(z.union([locationServiceSchema, subAccountServiceSchema])),
      }),
    });
    return { count: page.count, services: page.services.map(toService) };
  }

  /** Contract: Services: List (Location). */
  listLocationServices(locationId: string, filter: ServiceFilter = {}): Promise<ServicePage> {
    return this.list('listLocationServices', '/services', { locationId, ...filter });
  }

  /** Contract: Services: List (Sub-Account). */
  listSubAccountServices(subAccountId: string, filter: ServiceFilter = {}): Promise<ServicePage> {
    return this.list('listSubAccountServices', '/accountservices', { subAccountId, ...filter });
  }

  /** Contract: Services: Cancel (Location). */
  async cancelLocationServices(input: {
    locationId: string;
    skus?: string[];
    agreementId?: number;
  }): Promise<Service[]> {
    const stopped = await this.send({
      operation: 'cancelLocationServices',
      method: 'POST',
      path: '/cancelservices',
      body: input,
      response: z.array(locationServiceSchema),
    });
    return stopped.map(toService);
  }

  /** Contract: Services: Cancel (Account) — decreases quantities; 0 stops the service. */
  async reduceSubAccountServices(input: {
    subAccountId: string;
    skuRemovals: Array<{ sku: string; quantity?: number }>;
    agreementId?: number;
  }): Promise<Service[]> {
    const changed = await this.send({
      operation: 'reduceSubAccountServices',
      method: 'POST',
      path: '/accountservices/cancel',
      body: input,
      response: z.array(subAccountServiceSchema),
    });
    return changed.map(toService);
  }

  /** Contract: Services: Cancel All (Account). */
  async cancelAllSubAccountServices(input: {
    subAccountId: string;
    agreementId?: number;
  }): Promise<Service[]> {
    const stopped = await this.send({
      operation: 'cancelAllSubAccountServices',
      method: 'POST',
      path: '/accountservices/cancelall',
      body: input,
      response: z.array(subAccountServiceSchema),
    });
    return stopped.map(toService);
  }
}
