import type { ServiceLevelStatus } from '../../domain/service-level.js';
import { NotAuthorizedError } from '../../errors.js';
import { type CallContext, type HttpRequest, path } from '../http/call.js';
import { HttpClient, type HttpClientOptions } from '../http/client.js';
import {
  classifyPlume,
  explain,
  type PlumeOperation,
  type PlumeTarget,
  Unexplained,
} from './plume-errors.js';
import {
  type Customer,
  customerSchema,
  customersSchema,
  deletedSchema,
  type Location,
  locationSchema,
  locationsSchema,
  nodesSchema,
  type ServiceLevel,
  serviceLevelSchema,
  type WifiNode,
} from './plume-model.js';

/**
 * Adapter for the WiFi cloud (docs/backends.md, "WiFi cloud"): typed methods over the shared client. Each
 * call reads its error answers with the backend's table (classifyPlume), then, where one status stands for
 * several rows, with a read that tells them apart (explain): steps 2 and 3 of the path in http/client.ts.
 */

export function createPlumeHttp(baseUrl: string, options: HttpClientOptions): HttpClient {
  return new HttpClient('plume', baseUrl, options);
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
