import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { LIMIT_CODES } from '../../src/security/limits.js';
import { customerIds, demoTokens } from '../../src/sandbox/seed.js';
import { tourSteps } from '../../src/tour/index.js';
import { customers, locations, wifiNodeGid } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway, useSharedGateway } from '../helpers/gateway.js';
import { codesOf, expectStillServes, post, repeat, withLimits } from './requests.js';

const defaults = loadConfig({}).limits;

/**
 * A refusal: one error with that code (or, where a document breaks several limits, any of them), no
 * data, a short answer, and no upstream call at all; then the gateway still serves.
 */
async function expectRefused(
  gateway: TestGateway,
  body: Record<string, unknown>,
  code: string | readonly string[],
  token?: string,
) {
  gateway.resetCounts();
  const response = await post(gateway, body, { token });
  const codes = codesOf(response);
  expect(codes).toHaveLength(1);
  expect(typeof code === 'string' ? [code] : code).toContain(codes[0]);
  expect(response.json?.data ?? null).toBeNull();
  expect(response.text.length).toBeLessThan(1000);
  expect(gateway.upstreamCalls()).toEqual({ plume: 0, services: 0 });
  await expectStillServes(gateway);
  return response;
}

/** Passes every limit, and answers without any error. */
async function expectAdmitted(gateway: TestGateway, body: Record<string, unknown>, token?: string) {
  const response = await post(gateway, body, { token });
  expect(response.json?.errors ?? []).toEqual([]);
  return response;
}

/** `customer{locations{customer{locations...}}}`, `levels` times locations: each level doubles. */
const doubling = (levels: number) =>
  `{customer(id:"${customerIds.ada}"){${'locations{customer{'.repeat(levels - 1)}locations{name}${'}}'.repeat(levels - 1)}}}`;

/** 1,000 aliased `customer(id:)`, each a different (unknown) id: 1,001 WiFi cloud calls once. */
const thousandCustomers = `{ ${repeat(1000, (i) => `c${i}: customer(id: "6500000000000000000${10_000 + i}") { name }`)} }`;

/** 1,000 aliased pages of Ada's services, each its own services call once. */
const thousandServicePages = `{ customer(id: "${customerIds.ada}") { ${repeat(
  1000,
  (i) =>
    `s${i}: services(first: 1, after: "${Buffer.from(`arrayconnection:${i}`).toString('base64')}") { totalCount }`,
)} } }`;

/** Every limit's code: where a document breaks several, whichever is checked first answers. */
const ANY_LIMIT = Object.values(LIMIT_CODES);

/** Introspection nests without calling any upstream: `__type { fields { type { ofType ... } } }`. */
const nested = (depth: number) =>
  `{ __type(name: "Customer") { fields { type { ${'ofType { '.repeat(depth - 4)}name${' }'.repeat(depth - 4)} } } } }`;

describe('document limits, at their defaults', () => {
  const gateway = useSharedGateway();

  it(`tokens: ${defaults.maxTokens + 1} are refused with ${LIMIT_CODES.tokens}`, async () => {
    const fields = repeat(defaults.maxTokens - 1, (i) => `f${i}`);
    const refused = await expectRefused(gateway(), { query: `{ ${fields} }` }, LIMIT_CODES.tokens);
    expect(refused.json?.errors?.[0]?.message).toBe(`Token limit of ${defaults.maxTokens} exceeded.`);
  });

  it(`depth: ${defaults.maxDepth} pass, ${defaults.maxDepth + 1} is refused with ${LIMIT_CODES.depth}`, async () => {
    await expectAdmitted(gateway(), { query: nested(defaults.maxDepth) });
    await expectRefused(gateway(), { query: nested(defaults.maxDepth + 1) }, LIMIT_CODES.depth);
  });

  it(`aliases: ${defaults.maxAliases} pass, one more is refused with ${LIMIT_CODES.aliases}`, async () => {
    // armor does not count aliases of __typename.
    const aliases = (n: number) =>
      `{ ${repeat(n, (i) => `a${i}: customer(id: "${customerIds.ada}") { name }`)} }`;
    await expectAdmitted(gateway(), { query: aliases(defaults.maxAliases) });
    await expectRefused(gateway(), { query: aliases(defaults.maxAliases + 1) }, LIMIT_CODES.aliases);
  });

  it(`directives: ${defaults.maxDirectives} pass, one more is refused with ${LIMIT_CODES.directives}`, async () => {
    const directives = (n: number) => `{ ${repeat(n, () => '__typename @include(if: true)')} }`;
    await expectAdmitted(gateway(), { query: directives(defaults.maxDirectives) });
    await expectRefused(gateway(), { query: directives(defaults.maxDirectives + 1) }, LIMIT_CODES.directives);
  });

  it(`cost: ${defaults.maxCost} passes, one more is refused with ${LIMIT_CODES.cost}`, async () => {
    // 100 ids (100) whose locations are each one call (100 × 1): exactly the default 200.
    const atLimit = `customers(ids: [${repeat(100, () => `"${customerIds.ada}"`)}]) { locations { name } }`;
    await expectAdmitted(gateway(), { query: `{ ${atLimit} }` });
    const refused = await expectRefused(
      gateway(),
      { query: `{ ${atLimit} customer(id: "${customerIds.linus}") { name } }` },
      LIMIT_CODES.cost,
    );
    expect(refused.json?.errors?.[0]?.extensions?.cost).toEqual({ max: defaults.maxCost, actual: 201 });
  });

  it('cost follows the variables: the same document passes or not with the ids it is sent', async () => {
    const query = `query($ids: [ID!]!) { customers(ids: $ids) { locations { name } } customer(id: "${customerIds.linus}") { name } }`;
    await expectAdmitted(gateway(), { query, variables: { ids: [customerIds.ada] } });
    await expectRefused(
      gateway(),
      { query, variables: { ids: Array(100).fill(customerIds.ada) } },
      LIMIT_CODES.cost,
    );
  });

  describe('the doubling query, with a user token', () => {
    it('three levels pass (they are what a screen asks)', async () => {
      await expectAdmitted(gateway(), { query: doubling(3) }, demoTokens.ada);
    });

    it(`four levels are refused by the cost (5^4 locations assumed), before any call`, async () => {
      await expectRefused(gateway(), { query: doubling(4) }, LIMIT_CODES.cost, demoTokens.ada);
    });

    it('forty levels (the ~630-byte document that killed the process) are refused by the depth', async () => {
      const query = doubling(40);
      expect(query.length).toBeLessThan(1000);
      await expectRefused(gateway(), { query }, LIMIT_CODES.depth, demoTokens.ada);
    });
  });

  it('1,000 aliased customer(id:) with different ids are refused, no WiFi cloud call', async () => {
    await expectRefused(gateway(), { query: thousandCustomers }, ANY_LIMIT);
  });

  it('1,000 aliased services(after:) are refused, no services call', async () => {
    await expectRefused(gateway(), { query: thousandServicePages }, ANY_LIMIT);
  });

  describe('list arguments: at most 100 ids', () => {
    const adaNode = wifiNodeGid(customerIds.ada, '660000000000000000000101', 'AA11000001');

    it('nodes(ids:) with 100 ids passes, with 101 is refused as BAD_USER_INPUT before any call', async () => {
      const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
      const ok = await expectAdmitted(gateway(), { query, variables: { ids: Array(100).fill(adaNode) } });
      expect((ok.json?.data?.nodes as unknown[]).length).toBe(100);
      gateway().resetCounts();
      await expectRefused(
        gateway(),
        { query, variables: { ids: Array(101).fill(adaNode) } },
        'BAD_USER_INPUT',
      );
    });

    it('customers(ids:) with 101 ids is refused as BAD_USER_INPUT before any call', async () => {
      const query = 'query($ids: [ID!]!) { customers(ids: $ids) { name } }';
      await expectRefused(
        gateway(),
        { query, variables: { ids: Array(101).fill(customers.ada) } },
        'BAD_USER_INPUT',
      );
    });
  });
});

describe('a token limit set in config', () => {
  const gateway = useSharedGateway(withLimits({ maxTokens: 100 }));

  it(`admits 100 tokens, refuses 101 with ${LIMIT_CODES.tokens}`, async () => {
    // `{`, n fields, `}`. (Not the default 1,000: graphql-js gives up comparing ~1,000 same-named fields.)
    await expectAdmitted(gateway(), { query: `{ ${repeat(98, () => '__typename')} }` });
    await expectRefused(gateway(), { query: `{ ${repeat(99, () => '__typename')} }` }, LIMIT_CODES.tokens);
  });
});

describe('with the alias and token limits raised, the cost still refuses the fan-out', () => {
  const gateway = useSharedGateway(withLimits({ maxAliases: 1000, maxTokens: 20_000 }));

  it('1,000 aliased customer(id:) cost 1,000', async () => {
    const response = await expectRefused(gateway(), { query: thousandCustomers }, LIMIT_CODES.cost);
    expect(response.json?.errors?.[0]?.extensions?.cost).toEqual({ max: defaults.maxCost, actual: 1000 });
  });

  it('1,000 aliased services(after:) cost 1,001', async () => {
    const response = await expectRefused(gateway(), { query: thousandServicePages }, LIMIT_CODES.cost);
    expect(response.json?.errors?.[0]?.extensions?.cost).toEqual({ max: defaults.maxCost, actual: 1001 });
  });
});

describe('the 10,000-id nodes(ids:)', () => {
  it('is refused with no WiFi cloud call: 413 at the default body limit, BAD_USER_INPUT past it', async () => {
    const gateway = await startTestGateway(withLimits({ maxRequestBodyBytes: 10_000_000 }));
    try {
      const ids = Array.from({ length: 10_000 }, (_, i) =>
        wifiNodeGid(customerIds.ada, locations.adaHome, `AA${i}`),
      );
      const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
      await expectRefused(gateway, { query, variables: { ids } }, 'BAD_USER_INPUT');
    } finally {
      await gateway.close();
    }
    const atDefaults = await startTestGateway();
    try {
      const ids = Array.from({ length: 10_000 }, (_, i) =>
        wifiNodeGid(customerIds.ada, locations.adaHome, `AA${i}`),
      );
      const response = await post(atDefaults, {
        query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
        variables: { ids },
      });
      expect(response.status).toBe(413);
      expect(atDefaults.upstreamCalls()).toEqual({ plume: 0, services: 0 });
      await expectStillServes(atDefaults);
    } finally {
      await atDefaults.close();
    }
  });
});

describe('every document our clients send passes the default limits', () => {
  const gateway = useSharedGateway();
  const clientDocuments = (folder: URL): string[] =>
    readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.graphql'))
      .map((file) => readFileSync(new URL(file, folder), 'utf8'));

  it.each(tourSteps.map((step) => [step.file, step.document]))('tour %s', async (_, document) => {
    await expectAdmitted(gateway(), { query: document });
  });

  it('the clients/ documents (mobile app, technician portal)', async () => {
    const variables = {
      customerId: customers.ada,
      id: wifiNodeGid(customerIds.ada, '660000000000000000000101', 'AA11000001'),
      locationId: locations.adaCottage,
      serialNumber: 'AA11000003',
      level: 'FULL_SERVICE',
    };
    for (const document of clientDocuments(new URL('../../clients/', import.meta.url))) {
      for (const [, operationName] of document.matchAll(/^(?:query|mutation) (\w+)/gm)) {
        const response = await post(gateway(), { query: document, operationName, variables });
        expect(
          codesOf(response).filter((code) => Object.values(LIMIT_CODES).includes(code as never)),
        ).toEqual([]);
      }
    }
  });
});
