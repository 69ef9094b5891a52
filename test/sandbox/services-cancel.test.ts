import { describe, expect, it } from 'vitest';
import { locationIds, SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import {
  cancelAllSubAccountServices,
  cancelLocationServices,
  countLocationServices,
  countSubAccountServices,
  decreaseSubAccountServices,
  errorReply,
  idsOf,
  listLocationServices,
  listSubAccountServices,
  todayUtc,
  useServicesSimulator,
} from './services-client.js';

/** The three cancel endpoints: what they stop or lower, what they answer, and what they refuse. */

describe('services simulator: cancel (location)', () => {
  const simulator = useServicesSimulator();

  it('stops every active service of the location when no skus are given', async () => {
    const reply = await cancelLocationServices(simulator(), { locationId: locationIds.linusHome });

    expect(reply.status).toBe(200);
    expect(reply.body.meta.errors).toEqual([]);
    expect(reply.body.response).toEqual([
      expect.objectContaining({ id: 8157, sku: 'SKU-00000168', agreementId: 1588 }),
      expect.objectContaining({ id: 8158, sku: 'SKU-00000171', agreementId: 1588 }),
      expect.objectContaining({ id: 8159, sku: 'SKU-00000170', agreementId: 1601 }),
    ]);
    expect(reply.body.response.every((s) => s.status === 'STOPPED' && s.stopped === todayUtc())).toBe(true);

    const linusHome = { locationId: locationIds.linusHome };
    expect(await countLocationServices(simulator(), linusHome)).toBe(0);
    const stopped = await listLocationServices(simulator(), { ...linusHome, status: 'STOPPED' });
    expect(stopped.body.response.services.map((s) => [s.id, s.stopped])).toEqual([
      [8157, todayUtc()],
      [8158, todayUtc()],
      [8159, todayUtc()],
      [8160, '2023-08-01'],
    ]);
  });

  it('stops all 135 active services of Ada’s home at once, beyond any page size', async () => {
    const reply = await cancelLocationServices(simulator(), { locationId: locationIds.adaHome });

    expect(reply.body.response).toHaveLength(135);
    expect(await countLocationServices(simulator())).toBe(144 - 135);
  });

  it('stops only the active services with the given skus', async () => {
    const reply = await cancelLocationServices(simulator(), {
      locationId: locationIds.adaHome,
      skus: ['SKU-00000168', 'SKU-99999999'],
    });

    expect(reply.body.response).toHaveLength(45);
    expect(new Set(reply.body.response.map((s) => s.sku))).toEqual(new Set(['SKU-00000168']));
    expect(reply.body.response[0]).toEqual({
      id: 8001,
      sku: 'SKU-00000168',
      serviceDescription: 'Location Cloud Pro (Partner)',
      agreementId: 1588,
      locationId: locationIds.adaHome,
      status: 'STOPPED',
      started: '2023-01-16',
      stopped: todayUtc(),
      stopOnDate: '',
    });
    const remaining = await listLocationServices(simulator(), {
      locationId: locationIds.adaHome,
      limit: 200,
    });
    expect(remaining.body.response.count).toBe(90);
    expect(remaining.body.response.services.some((s) => s.sku === 'SKU-00000168')).toBe(false);
  });

  it('narrows to the agreement when one is given, and to the location account (Partner Portal mode)', async () => {
    const reply = await cancelLocationServices(simulator(), {
      locationId: locationIds.adaHome,
      locationAccountId: SERVICES_ACCOUNT_ID,
      agreementId: 1601,
      skus: ['SKU-00000171'],
    });

    expect(idsOf(reply.body.response)).toEqual([
      8101, 8104, 8107, 8110, 8113, 8116, 8122, 8125, 8128, 8131, 8134, 8137, 8140, 8143, 8146,
    ]);
  });

  it.each([
    ['an archived location', { locationId: locationIds.adaOldFlat }],
    ['skus with only stopped services', { locationId: locationIds.adaCottage, skus: ['SKU-00000168'] }],
    ['an empty skus list', { locationId: locationIds.adaCottage, skus: [] }],
    ['another agreement', { locationId: locationIds.linusGarage, agreementId: 1601 }],
    ['an unknown location', { locationId: 'no-such-location' }],
  ])('answers 2003 when nothing active matches: %s', async (_, body) => {
    expect(await cancelLocationServices(simulator(), body)).toEqual(errorReply(400, 2003));
  });

  it('answers 2003 when the same cancel comes twice', async () => {
    const body = { locationId: locationIds.linusGarage };

    expect(idsOf((await cancelLocationServices(simulator(), body)).body.response)).toEqual([8161]);
    expect(await cancelLocationServices(simulator(), body)).toEqual(errorReply(400, 2003));
  });

  it('answers 2001 without locationId', async () => {
    const reply = await cancelLocationServices(simulator(), { skus: ['SKU-00000167'] });
    expect(reply).toEqual(errorReply(400, 2001));
  });

  it.each([
    { locationId: 42 },
    { skus: 'SKU-00000167' },
    { skus: [167] },
    { agreementId: '1588' },
    { agreementId: 15.88 },
  ])('answers 2002 for %j and stops nothing', async (invalid) => {
    const garage = { locationId: locationIds.linusGarage };
    const reply = await cancelLocationServices(simulator(), { ...garage, ...invalid });

    expect(reply).toEqual(errorReply(400, 2002));
    expect(await countLocationServices(simulator(), garage)).toBe(1);
  });
});

describe('services simulator: Partner Portal mode (locationAccountId)', () => {
  const simulator = useServicesSimulator();
  const office = { locationId: locationIds.margaretOffice };

  it('cancels on a location only under the account the location is in', async () => {
    const elsewhere = { ...office, locationAccountId: SERVICES_ACCOUNT_ID };
    expect(await cancelLocationServices(simulator(), elsewhere)).toEqual(errorReply(400, 2003));
    expect(await countLocationServices(simulator(), office)).toBe(1);

    const reply = await cancelLocationServices(simulator(), { ...office, locationAccountId: 'ACC-1004' });
    expect(idsOf(reply.body.response)).toEqual([8162]);
    expect(await countLocationServices(simulator(), office)).toBe(0);
  });

  it('lists only the locations of the given account', async () => {
    const inSubAccount = await listLocationServices(simulator(), {
      locationAccountId: 'ACC-1004',
      status: 'ALL',
    });
    expect(idsOf(inSubAccount.body.response.services)).toEqual([8162, 8163]);
    expect(await countLocationServices(simulator(), { locationAccountId: SERVICES_ACCOUNT_ID })).toBe(
      144 - 1,
    );
    expect(await countLocationServices(simulator(), { locationAccountId: 'ACC-9999' })).toBe(0);
  });
});

describe('services simulator: cancel (account), decreasing quantities', () => {
  const simulator = useServicesSimulator();

  const quantities = async (subAccountId: string) => {
    const { body } = await listSubAccountServices(simulator(), { subAccountId, status: 'ALL' });
    return body.response.services.map((s) => [s.id, s.serviceQuantity, s.status]);
  };

  it('lowers the quantity by the given amount, and by 1 by default', async () => {
    const byTwo = await decreaseSubAccountServices(simulator(), {
      subAccountId: 'ACC-1003',
      skuRemovals: [{ sku: 'SKU-00000195', quantity: 2 }],
    });
    expect(byTwo.status).toBe(200);
    expect(byTwo.body.response).toEqual([
      {
        id: 9006,
        subAccountId: 'ACC-1003',
        agreementId: 1588,
        sku: 'SKU-00000195',
        serviceDescription: 'Answers Experience',
        serviceQuantity: 3,
        status: 'ACTIVE',
        started: '2023-06-21',
        stopOnDate: '',
      },
    ]);

    const byDefault = await decreaseSubAccountServices(simulator(), {
      subAccountId: 'ACC-1003',
      skuRemovals: [{ sku: 'SKU-00000195' }],
    });
    expect(byDefault.body.response.map((s) => s.serviceQuantity)).toEqual([2]);
    expect(await quantities('ACC-1003')).toEqual([
      [9006, 2, 'ACTIVE'],
      [9007, 2, 'ACTIVE'],
    ]);
  });

  it('stops a service whose quantity reaches 0, and ignores unmatched SKUs when one matched', async () => {
    const reply = await decreaseSubAccountServices(simulator(), {
      subAccountId: 'ACC-1001',
      skuRemovals: [{ sku: 'SKU-00000197', quantity: 5 }, { sku: 'SKU-99999999' }, { sku: 'SKU-00000196' }],
    });

    expect(reply.body.response.map((s) => [s.id, s.serviceQuantity, s.status, s.stopped])).toEqual([
      [9001, 0, 'STOPPED', todayUtc()],
      [9002, 0, 'STOPPED', todayUtc()],
    ]);
    const active = await listSubAccountServices(simulator(), { subAccountId: 'ACC-1001' });
    expect(idsOf(active.body.response.services)).toEqual([9000]);
  });

  it.each([
    ['only stopped SKUs', { subAccountId: 'ACC-1001', skuRemovals: [{ sku: 'SKU-00000210' }] }],
    ['an unknown sub-account', { subAccountId: 'ACC-9999', skuRemovals: [{ sku: 'SKU-00000195' }] }],
    [
      'another agreement',
      { subAccountId: 'ACC-1002', agreementId: 1601, skuRemovals: [{ sku: 'SKU-00000195' }] },
    ],
  ])('answers 2003 when nothing active matches: %s', async (_, body) => {
    expect(await decreaseSubAccountServices(simulator(), body)).toEqual(errorReply(400, 2003));
  });

  it.each([
    ['skuRemovals', { subAccountId: 'ACC-1001' }],
    ['subAccountId', { skuRemovals: [{ sku: 'SKU-00000195' }] }],
  ])('answers 2001 without %s', async (_, body) => {
    expect(await decreaseSubAccountServices(simulator(), body)).toEqual(errorReply(400, 2001));
  });

  it.each([
    ['quantity 0', [{ sku: 'SKU-00000195', quantity: 0 }]],
    ['a negative quantity', [{ sku: 'SKU-00000195', quantity: -1 }]],
    ['a fractional quantity', [{ sku: 'SKU-00000195', quantity: 1.5 }]],
    ['an empty list', []],
    ['a SKU that is not a string', [{ sku: 195 }]],
    ['a removal without a SKU', [{ quantity: 1 }]],
    ['one bad removal among good ones', [{ sku: 'SKU-00000195' }, { sku: 'SKU-00000196', quantity: 0 }]],
  ])('answers 2002 for %s and changes nothing', async (_, skuRemovals) => {
    const reply = await decreaseSubAccountServices(simulator(), { subAccountId: 'ACC-1001', skuRemovals });

    expect(reply).toEqual(errorReply(400, 2002));
    expect(await quantities('ACC-1001')).toEqual([
      [9000, 3, 'ACTIVE'],
      [9001, 1, 'ACTIVE'],
      [9002, 2, 'ACTIVE'],
      [9003, 1, 'STOPPED'],
    ]);
  });
});

describe('services simulator: cancel all (account)', () => {
  const simulator = useServicesSimulator();
  const ada = { subAccountId: 'ACC-1001' };

  it('stops every active service of the sub-account, keeping their quantities', async () => {
    const reply = await cancelAllSubAccountServices(simulator(), ada);

    expect(reply.status).toBe(200);
    expect(reply.body.response.map((s) => [s.id, s.serviceQuantity, s.status, s.stopped])).toEqual([
      [9000, 3, 'STOPPED', todayUtc()],
      [9001, 1, 'STOPPED', todayUtc()],
      [9002, 2, 'STOPPED', todayUtc()],
    ]);
    expect(await countSubAccountServices(simulator(), ada)).toBe(0);
    expect(await countSubAccountServices(simulator(), { subAccountId: 'ACC-1003' })).toBe(2);
    expect(await cancelAllSubAccountServices(simulator(), ada)).toEqual(errorReply(400, 2003));
  });

  it('narrows to the agreement when one is given', async () => {
    const reply = await cancelAllSubAccountServices(simulator(), { ...ada, agreementId: 1601 });

    expect(idsOf(reply.body.response)).toEqual([9002]);
    expect(await countSubAccountServices(simulator(), ada)).toBe(2);
  });

  it.each([
    [2003, 'an unknown sub-account', { subAccountId: 'ACC-9999' }],
    [2001, 'no sub-account', { agreementId: 1588 }],
    [2002, 'an agreementId that is not an integer', { ...ada, agreementId: 'x' }],
  ])('answers %i for %s', async (code, _, body) => {
    expect(await cancelAllSubAccountServices(simulator(), body)).toEqual(errorReply(400, code));
  });
});
