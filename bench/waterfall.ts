import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { SERVICES, TOKEN } from './targets.js';

/**
 * The nested screen as a REST client builds it without the graph: the customer, then its locations, then
 * each location's service level, nodes and first three services in parallel. Three dependent waves; for Linus
 * 1 + 1 + 2 × 3 = 8 calls. Keep-alive pools, as a real client would keep.
 */
export class WaterfallClient {
  private readonly plume: Pool;
  private readonly services: Pool;

  constructor(plumeUrl: string, servicesUrl: string) {
    this.plume = new Pool(plumeUrl, { connections: 32 });
    this.services = new Pool(servicesUrl, { connections: 32 });
  }

  private async get<T>(pool: Pool, path: string, headers: Record<string, string>): Promise<T> {
    const response = await pool.request({
      method: 'GET',
      path,
      headers: { ...headers, 'x-request-id': randomUUID() },
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`GET ${path}: ${response.statusCode}`);
    }
    return (await response.body.json()) as T;
  }

  private plumeGet<T>(path: string) {
    return this.get<T>(this.plume, `/api/Customers/${path}`, { authorization: TOKEN });
  }

  /** One screen; returns the number of upstream calls it made. */
  async screen(customerId: string): Promise<number> {
    const { id } = await this.plumeGet<{ id: string }>(customerId);
    const locations = await this.plumeGet<Array<{ id: string; archived: boolean }>>(`${id}/locations`);
    const live = locations.filter((l) => !l.archived);
    const query = (locationId: string) =>
      `/v2/accounts/${SERVICES.accountId}/services?v=${SERVICES.version}&locationId=${locationId}&limit=3`;
    await Promise.all(
      live.flatMap((l) => [
        this.plumeGet(`${id}/locations/${l.id}/serviceLevel`),
        this.plumeGet(`${id}/locations/${l.id}/nodes`),
        this.get(this.services, query(l.id), { 'api-key': SERVICES.apiKey }),
      ]),
    );
    return 2 + live.length * 3;
  }

  async close(): Promise<void> {
    await Promise.all([this.plume.close(), this.services.close()]);
  }
}
