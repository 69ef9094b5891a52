import { describe, expect, it } from 'vitest';
import { locationIds } from '../../src/sandbox/seed.js';
import { useFreshGateway, type TestGateway } from '../helpers/gateway.js';
import { locations } from '../helpers/fixtures.js';
import { levelOf, newKey, reportOf, RestoreLocation, statuses, SuspendLocation, writes } from './helpers.js';

/** suspendLocation and restoreLocation over HTTP, with the level remembered in the gateway's store. */

const suspend = (gw: TestGateway, level: 'NO_SERVICE' | 'BASIC_SERVICE', dryRun = false) =>
  gw.execute(SuspendLocation, {
    input: {
      locationId: locations.adaCottage,
      level,
      reason: 'non-payment',
      idempotencyKey: newKey(),
      dryRun,
    },
  });
const restore = (gw: TestGateway) =>
  gw.execute(RestoreLocation, { input: { locationId: locations.adaCottage, idempotencyKey: newKey() } });

describe('suspendLocation and restoreLocation', () => {
  const gateway = useFreshGateway();

  it('previews the level change without writing or remembering anything', async () => {
    const gw = gateway();
    gw.resetCounts();
    const preview = reportOf((await suspend(gw, 'NO_SERVICE', true)).data?.suspendLocation);
    expect(preview.preview.serviceLevel).toEqual({ from: 'BASIC_SERVICE', to: 'NO_SERVICE' });
    expect(statuses(preview)).toEqual(['rememberLevel:PLANNED', 'setServiceLevel:PLANNED']);
    expect(writes(gw).plume).toEqual([]);
    const nothing = (await restore(gw)).data?.restoreLocation;
    expect(nothing).toMatchObject({
      __typename: 'NothingToRestoreError',
      locationId: locationIds.adaCottage,
    });
  });

  it('restores exactly the level from before the first of two suspensions', async () => {
    const gw = gateway();
    // The cottage starts at basicService.
    expect(statuses(reportOf((await suspend(gw, 'NO_SERVICE')).data?.suspendLocation))).toEqual([
      'rememberLevel:DONE',
      'setServiceLevel:DONE',
    ]);
    expect(await levelOf(gw, locations.adaCottage)).toBe('NO_SERVICE');
    const second = reportOf((await suspend(gw, 'BASIC_SERVICE')).data?.suspendLocation);
    expect(statuses(second)).toEqual(['rememberLevel:ALREADY_DONE', 'setServiceLevel:DONE']);
    const restored = reportOf((await restore(gw)).data?.restoreLocation);
    expect(restored.preview.serviceLevel).toEqual({ from: 'BASIC_SERVICE', to: 'BASIC_SERVICE' });
    expect(statuses(restored)).toEqual(['setServiceLevel:ALREADY_DONE', 'forgetLevel:DONE']);
    expect(await levelOf(gw, locations.adaCottage)).toBe('BASIC_SERVICE');
    expect((await restore(gw)).data?.restoreLocation.__typename).toBe('NothingToRestoreError');
  });

  it('resumes a suspension whose level change failed, without remembering twice', async () => {
    const gw = gateway();
    gw.sandbox.plume.control.inject({ method: 'PATCH', path: '/api/Customers/*', status: 500, times: 1 });
    const input = {
      locationId: locations.adaCottage,
      level: 'NO_SERVICE' as const,
      reason: 'non-payment',
      idempotencyKey: newKey(),
    };
    const failed = reportOf((await gw.execute(SuspendLocation, { input })).data?.suspendLocation);
    expect(statuses(failed)).toEqual(['rememberLevel:DONE', 'setServiceLevel:FAILED']);
    expect(await levelOf(gw, locations.adaCottage)).toBe('BASIC_SERVICE');
    const resumed = reportOf((await gw.execute(SuspendLocation, { input })).data?.suspendLocation);
    expect(statuses(resumed)).toEqual(['rememberLevel:DONE', 'setServiceLevel:DONE']);
    expect(await levelOf(gw, locations.adaCottage)).toBe('NO_SERVICE');
  });

  it('restores fullService after a suspension of a full-service location', async () => {
    const gw = gateway();
    const input = { locationId: locations.adaHome, level: 'NO_SERVICE' as const, reason: 'non-payment' };
    reportOf(
      (await gw.execute(SuspendLocation, { input: { ...input, idempotencyKey: newKey() } })).data
        ?.suspendLocation,
    );
    const restored = reportOf(
      (
        await gw.execute(RestoreLocation, {
          input: { locationId: locations.adaHome, idempotencyKey: newKey() },
        })
      ).data?.restoreLocation,
    );
    expect(restored.preview.serviceLevel).toEqual({ from: 'NO_SERVICE', to: 'FULL_SERVICE' });
    expect(statuses(restored)).toEqual(['setServiceLevel:DONE', 'forgetLevel:DONE']);
  });

  it('resumes a restore whose level change failed: the remembered level is kept until it is set', async () => {
    const gw = gateway();
    reportOf((await suspend(gw, 'NO_SERVICE')).data?.suspendLocation);
    gw.sandbox.plume.control.inject({ method: 'PATCH', path: '/api/Customers/*', status: 500, times: 1 });
    const input = { locationId: locations.adaCottage, idempotencyKey: newKey() };
    const failed = reportOf((await gw.execute(RestoreLocation, { input })).data?.restoreLocation);
    expect(statuses(failed)).toEqual(['setServiceLevel:FAILED', 'forgetLevel:NOT_STARTED']);
    expect(await levelOf(gw, locations.adaCottage)).toBe('NO_SERVICE');
    const resumed = reportOf((await gw.execute(RestoreLocation, { input })).data?.restoreLocation);
    expect(statuses(resumed)).toEqual(['setServiceLevel:DONE', 'forgetLevel:DONE']);
    expect(await levelOf(gw, locations.adaCottage)).toBe('BASIC_SERVICE');
  });
});
