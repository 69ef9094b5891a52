import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kind, parse, print, visit } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  GENERATED_MANIFESTS,
  lastReleasedManifest,
  loadManifests,
  manifestPaths,
} from '../../src/security/persisted-manifests.js';
import { demoTokens } from '../../src/sandbox/seed.js';
import { customers } from '../helpers/fixtures.js';
import { type TestGateway, useSharedGateway } from '../helpers/gateway.js';
import { codesOf, post } from './requests.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const [codegenFile, apolloFile] = GENERATED_MANIFESTS as [string, string];
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** The mobile home screen (clients/mobile/home.graphql), as codegen's manifest holds it. */
const codegenManifest = readJson(codegenFile) as Record<string, string>;
const [homeId, homeDocument] = Object.entries(codegenManifest).find(([, document]) =>
  document.startsWith('query MobileHome('),
)!;
const homeHash = homeId.replace(/^sha256:/, '');
/** The same screen as Apollo's manifest holds it (the document as Apollo Client prints and sends it). */
const apolloHome = (
  readJson(apolloFile) as { operations: Array<{ id: string; name: string; body: string }> }
).operations.find((operation) => operation.name === 'MobileHome')!;
/** A released id from before `__typename` was added: shipped, so it must keep working. */
const released = readJson(lastReleasedManifest()!) as Record<string, string>;
const [oldHomeId] = Object.entries(released).find(
  ([id, document]) => document.startsWith('query MobileHome(') && !(id in codegenManifest),
)!;

const adaHome = { variables: { customerId: customers.ada } };
const asAda = { token: demoTokens.ada };
const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const byApq = { ...adaHome, extensions: apq(homeHash) };
const unknownHash = { extensions: apq('f'.repeat(64)) };
const arbitrary = { query: `{ customer(id: "${customers.ada}") { name email } }` };
const graphqlResponse = { accept: 'application/graphql-response+json' };

/** Every way a client names the home screen: APQ, documentId with and without prefix, Relay's doc_id and id. */
const homeRequests = {
  'the APQ extension (codegen hash)': byApq,
  'the APQ extension (Apollo hash)': { ...adaHome, extensions: apq(apolloHome.id) },
  'documentId sha256:<hex>': { ...adaHome, documentId: homeId },
  'documentId <hex>': { ...adaHome, documentId: homeHash },
  'doc_id (Relay)': { ...adaHome, doc_id: homeHash },
  'id (Relay)': { ...adaHome, id: apolloHome.id },
  'a released id': { ...adaHome, documentId: oldHomeId },
};

async function expectHomeServed(gateway: TestGateway, body: Record<string, unknown>) {
  const response = await post(gateway, body, asAda);
  expect(response.json?.errors).toBeUndefined();
  expect(response.json?.data?.customer).toMatchObject({ name: 'Ada Lovelace' });
}

async function expectRefused(
  gateway: TestGateway,
  body: Record<string, unknown>,
  code: string,
  headers: Record<string, string> = {},
) {
  gateway.resetCounts();
  const response = await post(gateway, body, { ...asAda, headers });
  expect(codesOf(response)).toEqual([code]);
  expect(gateway.upstreamCalls()).toEqual({ plume: 0, services: 0 });
  return response;
}

describe('the manifests the gateway loads', () => {
  const folder = mkdtempSync(join(tmpdir(), 'manifests-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => {
    const file = join(folder, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it("codegen's keys every document by the sha256 of its text, Apollo's by the sha256 of its body", () => {
    for (const [id, document] of Object.entries(codegenManifest))
      expect(id).toBe(`sha256:${sha256(document)}`);
    for (const { id, body } of readJson(apolloFile).operations) expect(id).toBe(sha256(body));
  });

  it('both hold every operation of clients/, with __typename in every selection set but the root', () => {
    const folder = new URL('../../clients/', import.meta.url);
    const names = readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.graphql'))
      .flatMap((file) => [
        ...readFileSync(new URL(file, folder), 'utf8').matchAll(/^(?:query|mutation) (\w+)/gm),
      ])
      .map(([, name]) => name)
      .sort();
    for (const file of GENERATED_MANIFESTS) {
      expect([...loadManifests([file]).operationNames].sort()).toEqual(names);
    }
    for (const { body } of readJson(apolloFile).operations) {
      const withoutTypename: string[] = [];
      visit(parse(body), {
        SelectionSet(node, _key, parent) {
          const typename = node.selections.some(
            (s) => s.kind === Kind.FIELD && s.name.value === '__typename',
          );
          if (!typename && (parent as { kind?: string }).kind !== Kind.OPERATION_DEFINITION) {
            withoutTypename.push(print(parent as never));
          }
        },
      });
      expect(withoutTypename).toEqual([]);
    }
  });

  it('reads the default list, and `default` beside another file', () => {
    expect(manifestPaths(undefined)).toEqual([...GENERATED_MANIFESTS, lastReleasedManifest()]);
    const configured = (value: string) =>
      loadConfig({ PERSISTED_OPERATIONS_MANIFEST: value }).persistedOperationsManifests;
    expect(configured('default, /srv/relay/persisted_queries.json')).toEqual([
      'default',
      '/srv/relay/persisted_queries.json',
    ]);
    expect(() => configured(' , ')).toThrow('PERSISTED_OPERATIONS_MANIFEST');
    const relay = write('relay.json', { ['a'.repeat(64)]: 'query RelayOnlyQuery { __typename }' });
    const loaded = loadManifests(manifestPaths(['default', relay]));
    expect(loaded.documents.get('a'.repeat(64))).toBe('query RelayOnlyQuery { __typename }');
    expect(loaded.operationNames).toContain('RelayOnlyQuery');
    expect(loaded.operationNames).toContain('MobileHome');
  });

  it.each([
    ['not JSON', '{', 'cannot be read'],
    ['an id that is not one', { 'md5 abc': '{ __typename }' }, 'is not a document id'],
    ['a sha256 id of another text', { [`sha256:${'0'.repeat(64)}`]: '{ __typename }' }, 'is not the sha256'],
    ['a document that does not parse', { abc: 'query {' }, 'does not parse'],
    [
      'an Apollo manifest of another version',
      { format: 'apollo-persisted-query-manifest', version: 2 },
      'version 1',
    ],
  ])('stops the gateway at start on %s, naming the file', (_, content, message) => {
    const file = write('bad.json', content);
    expect(() => loadManifests([file])).toThrow(file);
    expect(() => loadManifests([file])).toThrow(message);
  });

  it('stops the gateway when two manifests give one id two documents, or a file is missing', () => {
    const one = write('one.json', { abc: 'query One { __typename }' });
    const two = write('two.json', { abc: 'query Two { __typename }' });
    expect(() => loadManifests([one, two])).toThrow(/one\.json and .*two\.json give abc two/);
    expect(() => loadManifests([join(folder, 'missing.json')])).toThrow('cannot be read');
  });
});

describe('PERSISTED_OPERATIONS=allow (the default)', () => {
  const gateway = useSharedGateway();

  it.each(Object.entries(homeRequests))('runs a manifest document named by %s', async (_, body) => {
    await expectHomeServed(gateway(), body);
  });

  it('runs a document sent as is, and the same document beside its hash', async () => {
    expect((await post(gateway(), arbitrary, asAda)).json?.data).toEqual({
      customer: { name: 'Ada Lovelace', email: 'ada@example.net' },
    });
    await expectHomeServed(gateway(), { ...adaHome, query: apolloHome.body, extensions: apq(apolloHome.id) });
  });

  it('answers an unknown hash with PersistedQueryNotFound: 200 under application/json, 404 under graphql-response+json', async () => {
    const legacy = await expectRefused(gateway(), unknownHash, 'PERSISTED_QUERY_NOT_FOUND');
    expect([legacy.status, legacy.json?.errors?.[0]?.message]).toEqual([200, 'PersistedQueryNotFound']);
    const spec = await expectRefused(gateway(), unknownHash, 'PERSISTED_QUERY_NOT_FOUND', graphqlResponse);
    expect(spec.status).toBe(404);
  });

  it('registers a document sent beside its APQ hash once, then runs it by the hash alone', async () => {
    const query = `query AdHocName($id: ID!) { customer(id: $id) { name } }`;
    const hash = sha256(query);
    const byHash = { variables: { id: customers.ada }, extensions: apq(hash) };
    await expectRefused(gateway(), byHash, 'PERSISTED_QUERY_NOT_FOUND');
    const registering = await post(gateway(), { ...byHash, query }, asAda);
    expect(registering.json).toEqual({ data: { customer: { name: 'Ada Lovelace' } } });
    expect((await post(gateway(), byHash, asAda)).json).toEqual({
      data: { customer: { name: 'Ada Lovelace' } },
    });
    expect(await gateway().app.dependencies.store.getDocument(hash)).toBe(query);
  });

  it('registers no document that fails validation, and refuses a hash that is not the query sent (400)', async () => {
    const invalid = '{ customer(id: "x") { noSuchField } }';
    const response = await post(gateway(), { query: invalid, extensions: apq(sha256(invalid)) }, asAda);
    expect(codesOf(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    await expectRefused(gateway(), { extensions: apq(sha256(invalid)) }, 'PERSISTED_QUERY_NOT_FOUND');
    const mismatch = await expectRefused(
      gateway(),
      { ...arbitrary, extensions: apq('0'.repeat(64)) },
      'PERSISTED_QUERY_HASH_MISMATCH',
    );
    expect(mismatch.status).toBe(400);
  });

  it('does not register a document past MAX_REGISTERED_DOCUMENT_BYTES (it still runs)', async () => {
    const query = `{ customer(id: "${customers.ada}") { name } }${' '.repeat(10_000)}`;
    const response = await post(gateway(), { query, extensions: apq(sha256(query)) }, asAda);
    expect(response.json?.data).toEqual({ customer: { name: 'Ada Lovelace' } });
    await expectRefused(gateway(), { extensions: apq(sha256(query)) }, 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('answers a request with neither document nor id with 400', async () => {
    const response = await expectRefused(gateway(), {}, 'PERSISTED_QUERY_ID_REQUIRED');
    expect(response.status).toBe(400);
  });
});

describe('PERSISTED_OPERATIONS=require', () => {
  const gateway = useSharedGateway({ persistedOperations: 'require' });

  it.each(Object.entries(homeRequests))('runs a manifest document named by %s', async (_, body) => {
    await expectHomeServed(gateway(), body);
  });

  it('refuses any document sent as is with PERSISTED_QUERY_ONLY, before any upstream call', async () => {
    const response = await expectRefused(gateway(), arbitrary, 'PERSISTED_QUERY_ONLY');
    expect(response.json?.errors?.[0]?.message).toMatch(/^Only persisted operations are accepted here/);
    expect(response.status).toBe(200);
    // Even a manifest document, sent as text (also beside its hash): the id is what proves it is published.
    await expectRefused(gateway(), { ...adaHome, query: homeDocument }, 'PERSISTED_QUERY_ONLY');
    await expectRefused(gateway(), { ...byApq, query: homeDocument }, 'PERSISTED_QUERY_ONLY');
    const spec = await expectRefused(gateway(), arbitrary, 'PERSISTED_QUERY_ONLY', graphqlResponse);
    expect(spec.status).toBe(400);
    await expectHomeServed(gateway(), byApq);
  });

  it('refuses an unknown hash, a registered (not published) one, and a request with neither', async () => {
    await expectRefused(gateway(), unknownHash, 'PERSISTED_QUERY_NOT_FOUND');
    const registered = '{ __typename }';
    await gateway().app.dependencies.store.putDocument(sha256(registered), registered);
    await expectRefused(gateway(), { extensions: apq(sha256(registered)) }, 'PERSISTED_QUERY_NOT_FOUND');
    await expectRefused(gateway(), {}, 'PERSISTED_QUERY_ID_REQUIRED');
    await expectHomeServed(gateway(), { ...adaHome, documentId: homeId });
  });
});

describe('PERSISTED_OPERATIONS=off', () => {
  const gateway = useSharedGateway({ persistedOperations: 'off' });

  it('runs documents, and does not look ids up', async () => {
    expect((await post(gateway(), arbitrary, asAda)).json?.data).toMatchObject({
      customer: { name: 'Ada Lovelace' },
    });
    gateway().resetCounts();
    const response = await post(gateway(), byApq, asAda);
    expect(response.json?.errors?.[0]?.message).toBe('Must provide query string.');
    expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
  });
});
