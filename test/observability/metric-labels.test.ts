import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATED_MANIFESTS } from '../../src/security/persisted-manifests.js';
import { demoTokens } from '../../src/sandbox/seed.js';
import { customers } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { post } from '../security/requests.js';

/**
 * Operation-name labels come from the persisted manifests: every client operation has its own, anything
 * else is `other`, so junk names can neither add series nor take a client operation's label (issue 19).
 */

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const count = (metrics: string, name: string) => {
  const series = `graphql_operation_duration_seconds_count{operation_name="${name}",operation_type="query",outcome="success"}`;
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};
const scrape = async () => (await fetch(`${gateway!.url}/metrics`)).text();

const [homeId] = Object.entries(
  JSON.parse(readFileSync(GENERATED_MANIFESTS[0]!, 'utf8')) as Record<string, string>,
).find(([, document]) => document.startsWith('query MobileHome('))!;

describe('operation_name labels', () => {
  it('count 205 junk names as `other`, and a client operation after them under its own name', async () => {
    gateway = await startTestGateway();
    for (let i = 0; i < 205; i++) {
      const response = await post(gateway, { query: `query Junk${i} { __typename }` });
      expect(response.status).toBe(200);
    }
    const home = await post(
      gateway,
      { documentId: homeId, variables: { customerId: customers.ada } },
      { token: demoTokens.ada },
    );
    expect(home.json?.errors).toBeUndefined();

    const metrics = await scrape();

    expect(count(metrics, 'MobileHome')).toBe(1);
    expect(count(metrics, 'other')).toBe(205);
    expect(metrics).not.toMatch(/operation_name="Junk/);
  });

  it('name the operations of every loaded manifest, a Relay one too', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'relay-manifest-'));
    try {
      const relay = join(folder, 'persisted_queries.json');
      writeFileSync(
        relay,
        JSON.stringify({ ['1'.repeat(64)]: 'query RelayAppTypenameQuery { __typename }' }),
      );
      gateway = await startTestGateway({ persistedOperationsManifests: ['default', relay] });
      expect((await post(gateway, { doc_id: '1'.repeat(64) })).json).toEqual({
        data: { __typename: 'Query' },
      });
      expect(count(await scrape(), 'RelayAppTypenameQuery')).toBe(1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
