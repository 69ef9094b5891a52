import { z } from 'zod';
import { serviceLevelStatuses, type ServiceLevelStatus } from '../domain/service-level.js';
import { NotAuthorizedError } from '../errors.js';
import { type CallContext, path } from './call.js';
import { HttpClient, type HttpClientOptions, type HttpRequest } from './http.js';
import {
  classifyPlume,
  explain,
  type PlumeOperation,
  type PlumeTarget,
  Unexplained,
} from './plume-errors.js';

/** Adapter for the WiFi cloud (docs/backends.md, "WiFi cloud"): typed methods over the shared client. */

const customerSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  email: z.string(),
  autoProvisioned: z.boolean(),
  createdAt: z.string(),
});
const locationSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  archived: z.boolean(),
  archivedAt: z.string().nullish(),
});
const nodeSchema = z.object({
  id: z.string(),
  serialNumber: z.string(),
  locationId: z.string(),
  model: z.string(),
  nickname: z.string().nullish(),
  firmwareVersion: z.string().nullish(),
  connectionState: z.string(),
  claimedAt: z.string().nullish(),
});
const serviceLevelSchema = z.object({
  status: z.enum(serviceLevelStatuses),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// Built once (zod compiles a schema on first use), not per call.
const customersSchema = z.array(customerSchema);
const locationsSchema = z.array(locationSchema);
const nodesSchema = z.object({ nodes: z.array(nodeSchema) });
const deletedSchema = z.object({ count: z.number() });

export type Customer = z.infer<typeof customerSchema>;
export type Location = z.infer<typeof locationSchema>;
export type WifiNode = z.infer<typeof nodeSchema>;
export type ServiceLevel = z.infer<typeof serviceLevelSchema>;

export function createPlumeHttp(baseUrl: string, options: Omit<HttpClientOptions, 'classify'>): HttpClient {
  // Every PlumeApi call brings its own mapping (classifyPlume): which row a status is depends on the call.
  return new HttpClient('plume', baseUrl, { ...options, classify: () => undefined });
}

/** One instance per GraphQL request: it carries the caller's token, forwarded as is. */
export class PlumeApi {
  constructor(
    private readonly http: HttpClient,
    private readonly call: CallContext & { authorization?: string },
  ) {}

  private async send<T>(
    target: PlumeTarget,
    req: Omit<HttpRequest<T>, 'classify' | 'operation'> & { operation: PlumeOperation },
  ): Promise<T> {
    // A missing token can only end in 401: answer it without a round trip.
    if (!this.call.authorization) throw new NotAuthorizedError('TOKEN');
    const classify = classifyPlume(req.operation, target);
    try {
      return await this.http.request(
        { ...req, classify, headers: { authorization: this.call.authorization } },
        this.call,
      );
    } catch (error) {
      throw error instanceof Unexplained ? await explain(this, req.operation, target, error.status) : error;
    }
  }

  getCustomer(customerId: string): Promise<Customer> {
    return this.send(
      { customerId },
      {
        operation: 'getCustomer',
        method: 'GET',
        path: path`/api/Customers/${customerId}`,
        schema: customerSchema,
      },
    );
  }

  /** Batch read; ids out of scope or deleted are left out of the answer. */
  getCustomers(customerIds: readonly string[]): Promise<Customer[]> {
    return this.send(
      { customerId: customerIds.join(',') },
      {
        operation: 'getCustomers',
        method: 'GET',
        path: '/api/Customers',
        query: { filter: JSON.stringify({ where: { id: { inq: customerIds } } }) },
        schema: customersSchema,
      },
    );
  }

  listLocations(customerId: string): Promise<Location[]> {
    return this.send(
      { customerId },
      {
        operation: 'listLocations',
        method: 'GET',
        path: path`/api/Customers/${customerId}/locations`,
        schema: locationsSchema,
      },
    );
  }

  getLocation(customerId: string, locationId: string): Promise<Location> {
    return this.send(
      { customerId, locationId },
      {
        operation: 'getLocation',
        method: 'GET',
        path: path`/api/Customers/${customerId}/locations/${locationId}`,
        schema: locationSchema,
      },
    );
  }

  async listNodes(customerId: string, locationId: string): Promise<WifiNode[]> {
    const { nodes } = await this.send(
      { customerId, locationId },
      {
        operation: 'listNodes',
        method: 'GET',
        path: path`/api/Customers/${customerId}/locations/${locationId}/nodes`,
        schema: nodesSchema,
      },
    );
    return nodes;
  }

  getServiceLevel(customerId: string, locationId: string): Promise<ServiceLevel> {
    return this.send(
      { customerId, locationId },
      {
        operation: 'getServiceLevel',
        method: 'GET',
        path: path`/api/Customers/${customerId}/locations/${locationId}/serviceLevel`,
        schema: serviceLevelSchema,
      },
    );
  }

  /** Contract: Account Suspension / Reduced functionality. */
  setServiceLevel(customerId: string, locationId: string, status: ServiceLevelStatus): Promise<ServiceLevel> {
    return this.send(
      { customerId, locationId, status },
      {
        operation: 'setServiceLevel',
        method: 'PATCH',
        path: path`/api/Customers/${customerId}/locations/${locationId}/serviceLevel`,
        body: { status },
        schema: serviceLevelSchema,
      },
    );
  }

  /** Contract: Single Plume Extender/Device RMA. */
  unclaimNode(customerId: string, locationId: string, serialNumber: string): Promise<void> {
    return this.send(
      { customerId, locationId, serialNumber },
      {
        operation: 'unclaimNode',
        method: 'DELETE',
        path: path`/api/Customers/${customerId}/locations/${locationId}/nodes/${serialNumber}`,
      },
    );
  }

  /** Contract: Service Cancellation. */
  archiveLocation(customerId: string, locationId: string): Promise<void> {
    return this.send(
      { customerId, locationId },
      {
        operation: 'archiveLocation',
        method: 'DELETE',
        path: path`/api/Customers/${customerId}/locations/${locationId}`,
      },
    );
  }

  /** Contract: Full Account Service Cancellation (also starts the cloud's GDPR delete). */
  deleteCustomer(customerId: string): Promise<{ count: number }> {
    return this.send(
      { customerId },
      {
        operation: 'deleteCustomer',
        method: 'DELETE',
        path: path`/api/Customers/${customerId}`,
        schema: deletedSchema,
      },
    );
  }
}
