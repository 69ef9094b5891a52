import { describe, expect, it } from 'vitest';
import { locationIds, seedCustomers, seedLocations } from '../../src/sandbox/seed.js';
import {
  countLocationServices,
  countSubAccountServices,
  errorReply,
  idsOf,
  listLocationServices,
  listSubAccountServices,
  useServicesSimulator,
} from './services-client.js';

/** The two list endpoints: defaults, paging, status and filters, and the seed they start from. */

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('services simulator: location services list', () => {
  const simulator = useServicesSimulator();
  const adaHome = { locationId: locationIds.adaHome };

  it('returns the first 100 active services in id order with the count of all matches', async () => {
    const { status, body } = await listLocationServices(simulator());

    expect(status).toBe(200);
    expect(body.response.count).toBe(144);
    expect(body.response.services).toHaveLength(100);
    expect(body.response.services.every((s) => s.status === 'ACTIVE' && !('stopped' in s))).toBe(true);
    // 8009 is one of the stopped ones.
    expect(idsOf(body.response.services).slice(0, 10)).toEqual([
      8000, 8001, 8002, 8003, 8004, 8005, 8006, 8007, 8008, 8010,
    ]);
  });

  it('returns up to 1000 in one page', async () => {
    const all = await listLocationServices(simulator(), { limit: 1000, status: 'ALL' });

    expect(all.body.response.count).toBe(164);
    expect(idsOf(all.body.response.services)).toEqual(range(8000, 8163));
  });

  it.each([
    { limit: 1001 },
    { limit: 0 },
    { limit: 'ten' },
    { limit: '1e3' },
    { offset: -1 },
    { offset: '1.5' },
  ])('rejects %j with 2002', async (query) => {
    expect(await listLocationServices(simulator(), query)).toEqual(errorReply(400, 2002));
  });

  it('pages through Ada’s 150 services with no gap and no overlap', async () => {
    const seen: number[] = [];
    for (let offset = 0; offset <= 160; offset += 40) {
      const page = await listLocationServices(simulator(), { ...adaHome, status: 'ALL', limit: 40, offset });
      expect(page.body.response.count).toBe(150);
      expect(page.body.response.services).toHaveLength(Math.max(0, Math.min(40, 150 - offset)));
      seen.push(...idsOf(page.body.response.services));
    }
    expect(seen).toEqual(range(8000, 8149));
  });

  it('pages the default limit of 100 over her 135 active services', async () => {
    const first = await listLocationServices(simulator(), adaHome);
    const second = await listLocationServices(simulator(), { ...adaHome, offset: 100 });

    expect([first.body.response.count, second.body.response.count]).toEqual([135, 135]);
    expect(first.body.response.services).toHaveLength(100);
    expect(second.body.response.services).toHaveLength(35);
    expect(first.body.response.services.at(-1)?.id).toBe(8110);
    expect(second.body.response.services[0]?.id).toBe(8111);
    expect(second.body.response.services.at(-1)?.id).toBe(8148);
  });

  it('filters on status STOPPED and ALL', async () => {
    const stopped = await listLocationServices(simulator(), { ...adaHome, status: 'STOPPED' });

    expect(stopped.body.response.count).toBe(15);
    expect(idsOf(stopped.body.response.services)).toEqual(range(0, 14).map((i) => 8009 + 10 * i));
    expect(stopped.body.response.services[0]).toEqual({
      id: 8009,
      sku: 'SKU-00000167',
      serviceDescription: 'Location Cloud Starter (Partner)',
      agreementId: 1588,
      locationId: locationIds.adaHome,
      status: 'STOPPED',
      started: '2023-01-24',
      stopped: '2023-04-24',
    });
    expect(await countLocationServices(simulator(), { ...adaHome, status: 'ALL' })).toBe(150);
  });

  it.each(['active', 'CANCELLED', ''])('rejects status=%j with 2002', async (status) => {
    expect(await listLocationServices(simulator(), { status })).toEqual(errorReply(400, 2002));
  });

  it('filters on sku, agreementId and locationId, alone and together', async () => {
    const count = (query: Record<string, string | number>) => countLocationServices(simulator(), query);

    expect(await count({ sku: 'SKU-00000167' })).toBe(48);
    expect(await count({ sku: 'SKU-00000167', ...adaHome })).toBe(45);
    expect(await count({ agreementId: 1601 })).toBe(47);
    expect(await count({ agreementId: 1601, ...adaHome })).toBe(45);
    expect(await count({ sku: 'SKU-99999999' })).toBe(0);
    expect(await count({ locationId: 'no-such-location' })).toBe(0);

    const narrow = await listLocationServices(simulator(), {
      ...adaHome,
      sku: 'SKU-00000168',
      agreementId: 1601,
      status: 'STOPPED',
    });
    expect(idsOf(narrow.body.response.services)).toEqual([8109, 8139]);
    const badAgreement = await listLocationServices(simulator(), { agreementId: 'renewal' });
    expect(badAgreement).toEqual(errorReply(400, 2002));
  });

  it('lists only stopped services, stopped on the archive day, on the archived location', async () => {
    const oldFlat = { locationId: locationIds.adaOldFlat };
    expect(await countLocationServices(simulator(), oldFlat)).toBe(0);

    const all = await listLocationServices(simulator(), { ...oldFlat, status: 'ALL' });
    expect(all.body.response.services.map((s) => [s.id, s.sku, s.status, s.stopped])).toEqual([
      [8153, 'SKU-00000167', 'STOPPED', '2023-02-01'],
      [8154, 'SKU-00000170', 'STOPPED', '2023-02-01'],
    ]);
  });

  it('seeds every location as docs/sandbox-services.md lists', async () => {
    const { body } = await listLocationServices(simulator(), { status: 'ALL', limit: 1000 });
    const all = body.response.services;
    const tally = (locationId: string) => [
      all.filter((s) => s.locationId === locationId && s.status === 'ACTIVE').length,
      all.filter((s) => s.locationId === locationId && s.status === 'STOPPED').length,
    ];

    expect(seedLocations.every((location) => all.some((s) => s.locationId === location.id))).toBe(true);
    expect(Object.fromEntries(Object.entries(locationIds).map(([name, id]) => [name, tally(id)]))).toEqual({
      adaHome: [135, 15],
      adaCottage: [2, 1],
      adaOldFlat: [0, 2],
      graceApartment: [2, 0],
      linusHome: [3, 1],
      linusGarage: [1, 0],
      margaretOffice: [1, 1],
    });
    const adaHomeSkus = new Set(all.filter((s) => s.locationId === locationIds.adaHome).map((s) => s.sku));
    expect(adaHomeSkus).toEqual(new Set(['SKU-00000167', 'SKU-00000168', 'SKU-00000171']));
  });
});

describe('services simulator: sub-account services list', () => {
  const simulator = useServicesSimulator();

  it('returns the active services of every sub-account in id order', async () => {
    const { status, body } = await listSubAccountServices(simulator());

    expect(status).toBe(200);
    expect(body.response.count).toBe(7);
    expect(idsOf(body.response.services)).toEqual([9000, 9001, 9002, 9004, 9006, 9007, 9008]);
    expect(body.response.services[0]).toEqual({
      id: 9000,
      subAccountId: 'ACC-1001',
      agreementId: 1588,
      sku: 'SKU-00000195',
      serviceDescription: 'Answers Experience',
      serviceQuantity: 3,
      status: 'ACTIVE',
      started: '2023-01-15',
    });
  });

  it('filters on subAccountId, status, sku and agreementId', async () => {
    const ada = await listSubAccountServices(simulator(), { subAccountId: 'ACC-1001', status: 'ALL' });
    expect(ada.body.response.services.map((s) => [s.id, s.sku, s.serviceQuantity, s.status])).toEqual([
      [9000, 'SKU-00000195', 3, 'ACTIVE'],
      [9001, 'SKU-00000196', 1, 'ACTIVE'],
      [9002, 'SKU-00000197', 2, 'ACTIVE'],
      [9003, 'SKU-00000210', 1, 'STOPPED'],
    ]);

    const stopped = await listSubAccountServices(simulator(), { status: 'STOPPED' });
    expect(idsOf(stopped.body.response.services)).toEqual([9003, 9005, 9009]);
    const answers = await listSubAccountServices(simulator(), { sku: 'SKU-00000195' });
    expect(answers.body.response.services.map((s) => [s.subAccountId, s.serviceQuantity])).toEqual([
      ['ACC-1001', 3],
      ['ACC-1002', 1],
      ['ACC-1003', 5],
    ]);
    const renewal = await listSubAccountServices(simulator(), { agreementId: 1601 });
    expect(idsOf(renewal.body.response.services)).toEqual([9002, 9007]);
    expect(await countSubAccountServices(simulator(), { subAccountId: 'ACC-9999' })).toBe(0);
  });

  it('pages with limit and offset', async () => {
    const page = await listSubAccountServices(simulator(), { limit: 3, offset: 3 });

    expect(page.body.response.count).toBe(7);
    expect(idsOf(page.body.response.services)).toEqual([9004, 9006, 9007]);
    expect((await listSubAccountServices(simulator(), { offset: 7 })).body.response.services).toEqual([]);
  });

  it.each([{ limit: 1001 }, { status: 'ANY' }, { agreementId: '15.88' }, { offset: 'x' }])(
    'rejects %j with 2002',
    async (query) => {
      expect(await listSubAccountServices(simulator(), query)).toEqual(errorReply(400, 2002));
    },
  );

  it('seeds every customer’s sub-account, some with quantities above 1', async () => {
    const all = (await listSubAccountServices(simulator(), { status: 'ALL' })).body.response.services;
    const perCustomer = seedCustomers.map((c) => all.filter((s) => s.subAccountId === c.accountId).length);

    expect(perCustomer).toEqual([4, 2, 2, 2]);
    expect(idsOf(all.filter((s) => s.serviceQuantity > 1))).toEqual([9000, 9002, 9005, 9006, 9007, 9008]);
  });
});
