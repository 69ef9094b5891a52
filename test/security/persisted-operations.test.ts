import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MANIFEST, loadManifest } from '../../src/security/persisted-operations.js';
import { demoTokens } from '../../src/sandbox/seed.js';
import { customers } from '../graph/fixtures.js';
import { type TestGateway, useSharedGateway } from '../helpers/gateway.js';
import { codesOf, post } from './requests.js';

/** The mobile home screen (clients/mobile/home.graphql), as the manifest holds it. */
const manifest = loadManifest(DEFAULT_MANIFEST);
const [homeId, homeDocument] = [...manifest].find(([, document]) => document.includes('query MobileHome'))!;
const homeHash = homeId.replace(/^sha256:/, '');
const adaHome = { variables: { customerId: customers.ada } };
const asAda = { token: demoTokens.ada };

const byApq = { ...adaHome, extensions: { persistedQuery: { version: 1, sha256Hash: homeHash } } };
const byDocumentId = { ...adaHome, documentId: homeId };
const unknownHash = { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } };
const arbitrary = { query: `{ customer(id: "${customers.ada}") { name email } }` };

async function expectHomeServed(gateway: TestGateway, body: Record<string, unknown>) {
  const response = await post(gateway, body, asAda);
  expect(response.json?.errors).toBeUndefined();
  expect(response.json?.data?.customer).toMatchObject({ name: 'Ada Lovelace' });
}

async function expectRefused(gateway: TestGateway, body: Record<string, unknown>, code: string) {
  gateway.resetCounts();
  const response = await post(gateway, body, asAda);
  expect(codesOf(response)).toEqual([code]);
  expect(gateway.upstreamCalls()).toEqual({ plume: 0, services: 0 });
  return response;
}

describe('the manifest (clients/generated/persisted-documents.json, written by codegen)', () => {
  it('keys every document by the sha256 of its text', () => {
    expect(manifest.size).toBeGreaterThan(0);
    for (const [id, document] of manifest) {
      expect(id).toBe(`sha256:${createHash('sha256').update(document).digest('hex')}`);
    }
  });

  it('holds every operation of clients/', () => {
    const folder = new URL('../../clients/', import.meta.url);
    const names = readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.graphql'))
      .flatMap((file) => [
        ...readFileSync(new URL(file, folder), 'utf8').matchAll(/^(?:query|mutation) (\w+)/gm),
      ])
      .map(([, name]) => name);
    const persisted = [...manifest.values()].map(
      (document) => /^(?:query|mutation) (\w+)/.exec(document)?.[1],
    );
    expect(persisted.sort()).toEqual(names.sort());
  });

  it('a malformed manifest stops the gateway at start, naming the file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'manifest-'));
    try {
      const file = join(folder, 'persisted-documents.json');
      writeFileSync(file, JSON.stringify({ 'md5:abc': '{ __typename }' }));
      expect(() => loadManifest(file)).toThrow(file);
      expect(() => loadManifest(join(folder, 'missing.json'))).toThrow('cannot be read');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('PERSISTED_OPERATIONS=allow (the default)', () => {
  const gateway = useSharedGateway();

  it('runs a manifest document by its APQ hash, or by its documentId', async () => {
    await expectHomeServed(gateway(), byApq);
    await expectHomeServed(gateway(), byDocumentId);
  });

  it('runs a document sent as is, and the same document beside its hash', async () => {
    expect((await post(gateway(), arbitrary, asAda)).json?.data).toEqual({
      customer: { name: 'Ada Lovelace', email: 'ada@example.net' },
    });
    await expectHomeServed(gateway(), { ...byApq, query: homeDocument });
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND (Apollo clients then send the document)', async () => {
    const response = await expectRefused(gateway(), unknownHash, 'PERSISTED_QUERY_NOT_FOUND');
    expect(response.json?.errors?.[0]?.message).toBe('PersistedQueryNotFound');
    await expectHomeServed(gateway(), byApq);
  });
});

describe('PERSISTED_OPERATIONS=require', () => {
  const gateway = useSharedGateway({ persistedOperations: 'require' });

  it('runs manifest documents by hash and by documentId', async () => {
    await expectHomeServed(gateway(), byApq);
    await expectHomeServed(gateway(), byDocumentId);
  });

  it('refuses any document sent as is with PERSISTED_QUERY_ONLY, before any upstream call', async () => {
    const response = await expectRefused(gateway(), arbitrary, 'PERSISTED_QUERY_ONLY');
    expect(response.json?.errors?.[0]?.message).toMatch(/^Only persisted operations are accepted here/);
    // Even a manifest document, sent as text: the hash is what proves it is a published one.
    await expectRefused(gateway(), { ...adaHome, query: homeDocument }, 'PERSISTED_QUERY_ONLY');
    await expectHomeServed(gateway(), byApq);
  });

  it('refuses an unknown hash, and a request with neither hash nor document', async () => {
    await expectRefused(gateway(), unknownHash, 'PERSISTED_QUERY_NOT_FOUND');
    await expectRefused(gateway(), {}, 'PERSISTED_QUERY_ID_REQUIRED');
    await expectHomeServed(gateway(), byDocumentId);
  });
});

describe('PERSISTED_OPERATIONS=off', () => {
  const gateway = useSharedGateway({ persistedOperations: 'off' });

  it('runs documents, and does not look hashes up', async () => {
    expect((await post(gateway(), arbitrary, asAda)).json?.data).toMatchObject({
      customer: { name: 'Ada Lovelace' },
    });
    gateway().resetCounts();
    const response = await post(gateway(), byApq, asAda);
    expect(response.json?.errors?.[0]?.message).toBe('Must provide query string.');
    expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
    expect((await post(gateway(), arbitrary, asAda)).json?.data).toMatchObject({
      customer: { name: 'Ada Lovelace' },
    });
  });
});
