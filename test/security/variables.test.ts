import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { customerIds, DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { VARIABLES_CODES } from '../../src/security/variables.js';
import { type TestGateway, useSharedGateway } from '../helpers/gateway.js';
import { codesOf, expectStillServes, post, send } from './requests.js';

const { maxVariablesDepth, maxVariablesValues } = loadConfig({}).memoryBounds;

/** `levels` lists nested in one another around a 0, as JSON text (JSON.stringify itself would overflow). */
const nestedLists = (levels: number) => `${'['.repeat(levels)}0${']'.repeat(levels)}`;

/** POSTs a raw JSON body: its variables or extensions are built as text. */
const postRaw = (gateway: TestGateway, body: string) =>
  send(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: DEMO_ADMIN_TOKEN },
    body,
  });

async function expectRefused(gateway: TestGateway, body: string, code: string) {
  gateway.resetCounts();
  const logged = gateway.logs.length;
  const response = await postRaw(gateway, body);
  expect(response.status).toBe(400);
  expect(codesOf(response)).toEqual([code]);
  expect(response.json?.data).toBeUndefined();
  expect(response.text.length).toBeLessThan(300);
  expect(response.text).not.toMatch(/RangeError|stack|at /);
  expect(gateway.upstreamCalls()).toEqual({ plume: 0, services: 0 });
  // Refused before any work: nothing went wrong inside, so nothing was logged as an error.
  expect(gateway.logs.slice(logged).join('')).not.toMatch(/"level":50|Maximum call stack/);
  await expectStillServes(gateway);
}

describe('deep or huge variables', () => {
  const gateway = useSharedGateway();

  it('refuses a variable 5,000 levels deep with 400 VARIABLES_TOO_DEEP, no stack trace', async () => {
    const body = `{"query":"{ __typename }","variables":{"x":${nestedLists(5000)}}}`;
    await expectRefused(gateway(), body, VARIABLES_CODES.depth);
  });

  it('refuses the same depth under a declared variable and in extensions', async () => {
    const declared = `{"query":"query($ids: [ID!]!) { nodes(ids: $ids) { id } }","variables":{"ids":${nestedLists(5000)}}}`;
    await expectRefused(gateway(), declared, VARIABLES_CODES.depth);
    const extensions = `{"query":"{ __typename }","extensions":{"x":${nestedLists(5000)}}}`;
    await expectRefused(gateway(), extensions, VARIABLES_CODES.depth);
  });

  it(`admits ${maxVariablesDepth} levels and refuses one more`, async () => {
    const at = (levels: number) => `{"query":"{ __typename }","variables":{"x":${nestedLists(levels)}}}`;
    const admitted = await postRaw(gateway(), at(maxVariablesDepth));
    expect(admitted.json).toEqual({ data: { __typename: 'Query' } });
    await expectRefused(gateway(), at(maxVariablesDepth + 1), VARIABLES_CODES.depth);
  });

  it(`admits ${maxVariablesValues} values and refuses one more with VARIABLES_TOO_LARGE`, async () => {
    // The variables object and the list count one each.
    const at = (values: number) =>
      JSON.stringify({ query: '{ __typename }', variables: { x: Array(values - 2).fill(0) } });
    const admitted = await postRaw(gateway(), at(maxVariablesValues));
    expect(admitted.json).toEqual({ data: { __typename: 'Query' } });
    await expectRefused(gateway(), at(maxVariablesValues + 1), VARIABLES_CODES.values);
  });

  it('admits the largest legitimate input: 1,000 SKU removals', async () => {
    const removals = Array.from({ length: 1000 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));
    const response = await post(gateway(), {
      query: '{ __typename }',
      variables: { input: { subAccountId: 'a', removals } },
    });
    expect(response.json).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('invalid values are not echoed back whole', () => {
  const gateway = useSharedGateway();
  const value = 'y'.repeat(90_000);

  it('a 90 KB invalid variable: a short answer that does not hold the value', async () => {
    const response = await post(gateway(), {
      query: 'query($id: ID!) { customer(id: $id) { name } }',
      variables: { id: { a: value } },
    });
    expect(response.status).toBe(400);
    expect(response.json?.errors?.[0]?.message).toMatch(/^Variable "\$id" got invalid value \{ a: "y+…" \}/);
    expect(response.text.length).toBeLessThan(2000);
    expect(response.text).not.toContain('y'.repeat(1000));
    expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
  });

  it('a 90 KB string for an Int variable, and a long literal in the document', async () => {
    const forInt = await post(gateway(), {
      query: `query($first: Int) { customer(id: "${customerIds.ada}") { services(first: $first) { totalCount } } }`,
      variables: { first: value },
    });
    expect(forInt.json?.errors?.[0]?.message).toMatch(/^Variable "\$first" got invalid value "y+…"/);
    expect(forInt.text.length).toBeLessThan(2000);

    const literal = await post(gateway(), { query: `{ nodes(ids: [{ a: "${value}" }]) { id } }` });
    expect(codesOf(literal)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(literal.text.length).toBeLessThan(2000);
    expect(literal.text).not.toContain('y'.repeat(1000));
  });

  it('leaves ordinary messages as they are', async () => {
    const response = await post(gateway(), {
      query: 'query($id: ID!) { customer(id: $id) { name } }',
      variables: { id: 7.5 },
    });
    expect(response.json?.errors?.[0]?.message).toBe(
      'Variable "$id" got invalid value 7.5; ID cannot represent value: 7.5',
    );
  });
});
