import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { locations, secrets } from '../helpers/fixtures.js';
import { newKey } from './helpers.js';

/** Every workflow run and step writes an audit record: who (token hash), what, preview or real, outcomes. */

const Cancel = graphql(`
  mutation AuWorkflow($input: CancelLocationServiceInput!) {
    cancelLocationService(input: $input) {
      __typename
    }
  }
`);

describe('workflow audit trail', () => {
  let gw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sg-audit-'));
    gw = await startTestGateway({ auditLog: join(dir, 'audit.log') });
  });
  afterAll(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the preview, the real run step by step and the replay, with upstream request ids and no token', async () => {
    const input = { locationId: locations.margaretOffice, idempotencyKey: newKey() };
    await gw.execute(Cancel, { input: { ...input, dryRun: true } });
    await gw.execute(Cancel, { input });
    await gw.execute(Cancel, { input });
    const text = readFileSync(join(dir, 'audit.log'), 'utf8');
    for (const secret of secrets) expect(text).not.toContain(secret);
    const records = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => [r.operation, r.dryRun, r.outcome])).toEqual([
      ['cancelLocationService.stopLocationServices', true, 'PLANNED'],
      ['cancelLocationService.archiveLocation', true, 'PLANNED'],
      ['cancelLocationService', true, 'PREVIEW'],
      // The key is claimed before the first write: an attempt is on record however it ends.
      ['cancelLocationService', undefined, 'CLAIMED'],
      ['cancelLocationService.stopLocationServices', false, 'DONE'],
      ['cancelLocationService.archiveLocation', false, 'DONE'],
      ['cancelLocationService', false, 'COMPLETED'],
      // The replay ran no step: one record, marked replayed.
      ['cancelLocationService', false, 'COMPLETED'],
    ]);
    expect(records.map((r) => (r.detail as { replayed?: boolean }).replayed ?? null)).toEqual([
      null,
      null,
      false,
      null,
      null,
      null,
      false,
      true,
    ]);
    expect(new Set(records.map((r) => r.actor)).size).toBe(1);
    expect(records[0]!.actor).toMatch(/^token:[0-9a-f]{32}$/);
    expect(records[3]!.detail).toEqual({ idempotencyKey: input.idempotencyKey });
    expect(records[4]!.upstreamRequestIds).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  const recordsSince = (offset: number) =>
    readFileSync(join(dir, 'audit.log'), 'utf8')
      .slice(offset)
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const logSize = () => readFileSync(join(dir, 'audit.log'), 'utf8').length;

  it('audits an answer without a report: invalid input, a busy key, a failed plan', async () => {
    const offset = logSize();
    await gw.execute(Cancel, { input: { locationId: 'not-a-location', idempotencyKey: newKey() } });
    // A busy key: the first run is held upstream while the second asks.
    gw.sandbox.services.control.inject({ method: 'POST', path: '/v2/accounts/*', delayMs: 400, times: 1 });
    const busy = { locationId: locations.linusGarage, idempotencyKey: newKey() };
    await Promise.all([
      gw.execute(Cancel, { input: busy }),
      new Promise((r) => setTimeout(r, 100)).then(() => gw.execute(Cancel, { input: busy })),
    ]);
    // A caller without authority over the customer: refused before the key is claimed.
    gw.sandbox.plume.control.inject({ method: 'GET', path: '/api/Customers/*', status: 401, times: 1 });
    await gw.execute(Cancel, { input: { locationId: locations.adaHome, idempotencyKey: newKey() } });
    // A plan whose read fails unexpectedly: claimed, then UnexpectedError.
    gw.sandbox.plume.control.inject({
      method: 'GET',
      path: `/api/Customers/${customerIds.ada}/locations/*`,
      status: 500,
      times: 1,
    });
    await gw.execute(Cancel, { input: { locationId: locations.adaCottage, idempotencyKey: newKey() } });
    const outcomes = recordsSince(offset)
      .filter((r) => r.operation === 'cancelLocationService')
      .map((r) => r.outcome);
    expect(outcomes).toEqual([
      'INPUT_VALIDATION',
      'CLAIMED',
      'IN_PROGRESS',
      'COMPLETED',
      'NOT_AUTHORIZED',
      'CLAIMED',
      'UPSTREAM_ERROR',
    ]);
  });

  it('a resumed run names the request that started it', async () => {
    const offset = logSize();
    const input = { locationId: locations.linusHome, idempotencyKey: newKey() };
    // The archive step fails once: the first run stops after the services step.
    gw.sandbox.plume.control.inject({ method: 'DELETE', path: '/api/Customers/*', status: 500, times: 1 });
    const first = await gw.execute(Cancel, { input });
    await gw.execute(Cancel, { input });
    const claims = recordsSince(offset).filter((r) => r.outcome === 'CLAIMED');
    expect(claims).toHaveLength(2);
    expect(claims[0]!.requestId).toBe(first.headers.get('x-request-id'));
    expect(claims[1]!.detail).toEqual({
      idempotencyKey: input.idempotencyKey,
      resumes: claims[0]!.requestId,
    });
  });
});
