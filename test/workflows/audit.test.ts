import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { locations, secrets } from '../graph/fixtures.js';
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
      false,
      true,
    ]);
    expect(new Set(records.map((r) => r.actor)).size).toBe(1);
    expect(records[0]!.actor).toMatch(/^token:[0-9a-f]{32}$/);
    expect(records[3]!.upstreamRequestIds).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });
});
