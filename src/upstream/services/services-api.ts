import { z } from 'zod';
import { NoActiveServicesError, ServicesRequestRejectedError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { appendPath, type CallContext, type HttpRequest, path } from '../http/call.js';
import { HttpClient, type HttpClientOptions } from '../http/client.js';
import {
  envelope,
  findService,
  locationServiceSchema,
  type Service,
  type ServiceFilter,
  type ServicePage,
  subAccountServiceSchema,
  toService,
} from './services-model.js';
import { refusalOf, ServicesRefusal, upstreamRequestIdOf } from './services-refusals.js';

/**
 * Adapter for the services backend (docs/backends.md, "Services"): typed methods over the shared client.
 * Each call reads its error answers with the backend's table (refusalOf); a refused cancel is then told
 * apart by the facts, a read of whether its services are still active: steps 2 and 3 of the path in
 * http/client.ts.
 */

export function createServicesHttp(
  baseUrl: string,
  options: Omit<HttpClientOptions, 'upstreamRequestId'>,
): HttpClient {
  return new HttpClient('services', baseUrl, { ...options, upstreamRequestId: upstreamRequestIdOf });
}

export interface ServicesAccount {
  accountId: string;
  apiKey: string;
  version: string;
}

// Built once: zod compiles a schema on first use, and these run on every call.
type Enveloped<T> = z.ZodType<{ meta: { uuid: string }; response: T }>;
const pageSchema = envelope(
  z.object({
    count: z.number().int(),
    services: z.array(z.union([locationServiceSchema, subAccountServiceSchema])),
  }),
);
const locationCancelSchema = envelope(z.array(locationServiceSchema));
const subAccountCancelSchema = envelope(z.array(subAccountServiceSchema));

/** One instance per GraphQL request. The API key is the gateway's own secret, sent in a header only. */
export class ServicesApi {
  constructor(
    private readonly http: HttpClient,
    private readonly account: ServicesAccount,
    private readonly call: CallContext,
    private readonly logger: Logger,
  ) {}

  private async send<T>(
    req: Omit<HttpRequest<unknown>, 'schema' | 'path'> & { path: string; response: Enveloped<T> },
  ): Promise<T> {
    const { response } = await this.http.request(
      {
        ...req,
        path: appendPath(path`/v2/accounts/${this.account.accountId}`, req.path),
        query: { ...req.query, v: this.account.version },
        headers: { 'api-key': this.account.apiKey },
        schema: req.response,
        classify: (status, body) => refusalOf(req.operation, status, body, this.account.apiKey),
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
      response: pageSchema,
    }).catch((error: unknown) => {
      // Masked (src/yoga.ts logs it without the backend's words): the words go to the debug log here.
      if (error instanceof ServicesRefusal) this.logRefusal(error);
      throw error;
    });
    return { count: page.count, services: page.services.map(toService) };
  }

  /**
   * Logs a refusal. The backend's message is free text that can name customers: it goes to the debug log
   * only (with emails and the API key already cut out, see refusalOf); info gets the status, code and the
   * message's length, enough to see that a message came and to find it under `upstreamRequestId`.
   */
  private logRefusal(error: ServicesRefusal, outcome?: string): void {
    const { operation, status, upstreamCode, upstreamMessage } = error;
    const { upstreamRequestId } = error.details;
    const fields = { operation, status, upstreamCode, upstreamRequestId, ...(outcome ? { outcome } : {}) };
    this.logger.debug({ ...fields, upstreamMessage }, `services refused ${operation}: its message`);
    if (outcome) {
      const upstreamMessageLength = upstreamMessage?.length ?? 0;
      this.logger.info({ ...fields, upstreamMessageLength }, `services refused ${operation}`);
    }
  }

  /**
   * Runs a cancel. A refusal is told apart by the facts, not by a code: if none of the services the
   * request names is active any more, it is the contract's "must have active services" row
   * (NoActiveServicesError); otherwise the backend refused for a reason of its own (e.g. a minimum
   * commitment) and nothing is claimed to have changed. The upstream message goes to the debug log only.
   */
  private async cancel<W extends Parameters<typeof toService>[0]>(
    operation: string,
    body: object,
    cancelPath: string,
    schema: Enveloped<W[]>,
    stillActive: () => Promise<boolean>,
  ): Promise<Service[]> {
    try {
      const changed = await this.send({
        operation,
        method: 'POST',
        path: cancelPath,
        body,
        response: schema,
      });
      return changed.map(toService);
    } catch (error) {
      if (!(error instanceof ServicesRefusal)) throw error;
      const outcome = (await stillActive())
        ? new ServicesRequestRejectedError(error.upstreamCode)
        : new NoActiveServicesError();
      this.logRefusal(error, outcome.code);
      throw outcome;
    }
  }

  /** Whether any service a list finds is ACTIVE, with one of `skus` when given (pages through them). */
  private async anyActive(
    list: (filter: ServiceFilter) => Promise<ServicePage>,
    filter: ServiceFilter,
    skus?: string[],
  ): Promise<boolean> {
    const active = { ...filter, status: 'ACTIVE' } as const;
    if (!skus) return (await list({ ...active, limit: 1 })).count > 0;
    const wanted = new Set(skus);
    const found = await findService(
      (page) => list({ ...active, ...page }),
      (s) => wanted.has(s.sku),
    );
    return found !== undefined;
  }

  /** Contract: Services: List (Location). */
  listLocationServices(locationId: string, filter: ServiceFilter = {}): Promise<ServicePage> {
    return this.list('listLocationServices', '/services', { locationId, ...filter });
  }

  /** Contract: Services: List (Sub-Account). */
  listSubAccountServices(subAccountId: string, filter: ServiceFilter = {}): Promise<ServicePage> {
    const { locationAccountId: _locationsOnly, ...subAccountFilter } = filter;
    return this.list('listSubAccountServices', '/subaccountservices', { subAccountId, ...subAccountFilter });
  }

  /** Contract: Services: Cancel (Location). */
  cancelLocationServices(input: {
    locationId: string;
    locationAccountId?: string;
    skus?: string[];
    agreementId?: number;
  }): Promise<Service[]> {
    const { locationId, skus, ...filter } = input;
    return this.cancel('cancelLocationServices', input, '/cancelservices', locationCancelSchema, () =>
      this.anyActive((f) => this.listLocationServices(locationId, f), filter, skus),
    );
  }

  /** Contract: Services: Cancel (Account) — decreases quantities; 0 stops the service. */
  reduceSubAccountServices(input: {
    subAccountId: string;
    skuRemovals: Array<{ sku: string; quantity?: number }>;
    agreementId?: number;
  }): Promise<Service[]> {
    const { subAccountId, skuRemovals, agreementId } = input;
    const skus = skuRemovals.map((r) => r.sku);
    return this.cancel(
      'reduceSubAccountServices',
      input,
      '/cancelsubaccountservices',
      subAccountCancelSchema,
      () => this.anyActive((f) => this.listSubAccountServices(subAccountId, f), { agreementId }, skus),
    );
  }

  /** Contract: Services: Cancel All (Account). */
  cancelAllSubAccountServices(input: { subAccountId: string; agreementId?: number }): Promise<Service[]> {
    const { subAccountId, agreementId } = input;
    return this.cancel(
      'cancelAllSubAccountServices',
      input,
      '/cancelallsubaccountservices',
      subAccountCancelSchema,
      () => this.anyActive((f) => this.listSubAccountServices(subAccountId, f), { agreementId }),
    );
  }
}
