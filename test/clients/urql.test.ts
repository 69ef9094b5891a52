import type { ChildProcess } from 'node:child_process';
import { cacheExchange, Client, type DocumentInput, fetchExchange, gql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import type { DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as typedDocuments from '../../clients/generated/graphql.js';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { toGlobalId } from '../../src/domain/global-ids.js';
import { startServer } from '../helpers/server-process.js';
import {
  authorization,
  clientOperations,
  clientQueries,
  countingFetch,
  missingFields,
  variablesFor,
} from './client-operations.js';

/**
 * urql 6 as an app team sets it up, against a gateway process: with its defaults (queries as GET within
 * the URL limit, no custom header, which CSRF prevention lets through) and with its persisted exchange in
 * `require` mode (the hash urql computes, or codegen's `__meta__.hash`): first round trip, every field.
 */

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGTERM');
});

function urql(url: string, exchanges = [cacheExchange, fetchExchange]) {
  const counter = countingFetch();
  const client = new Client({
    url: `${url}/graphql`,
    exchanges,
    fetch: counter.fetch,
    fetchOptions: { headers: authorization },
  });
  return { client, counter };
}

const typed = (name: string) =>
  (typedDocuments as unknown as Record<string, DocumentNode>)[`${name}Document`]!;

describe('urql defaults against the default gateway', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startServer({}, running));
  });

  it.each(clientQueries.map((query) => [query.name, query] as const))(
    '%s goes as a GET without a custom header and answers every field',
    async (_, query) => {
      const { client, counter } = urql(url);
      const document = gql(query.text);

      const result = await client.query(document, variablesFor(document)).toPromise();

      expect(result.error).toBeUndefined();
      expect(counter.sent.map((sent) => sent.method)).toEqual(['GET']);
      expect(missingFields(document, result.data)).toEqual([]);
    },
  );

  it('sends a mutation as a JSON POST, which runs without a custom header', async () => {
    const { client, counter } = urql(url);
    const setLevel = clientOperations.find((operation) => operation.name === 'PortalSetServiceLevel')!;
    const locationId = toGlobalId('Location', customerIds.ada, locationIds.adaCottage);

    const result = await client
      .mutation(gql(setLevel.text), { locationId, level: 'FULL_SERVICE' })
      .toPromise();

    expect(result.error).toBeUndefined();
    expect(result.data?.setServiceLevel?.__typename).toBe('SetServiceLevelSuccess');
    expect(counter.sent.map((sent) => sent.method)).toEqual(['POST']);
  });
});

describe('urql with its persisted exchange against PERSISTED_OPERATIONS=require', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startServer({ PERSISTED_OPERATIONS: 'require' }, running));
  });

  const hashes = {
    "urql's own sha256": { generateHash: undefined, document: (text: string) => gql(text) as DocumentInput },
    "codegen's __meta__.hash": {
      generateHash: (_: string, document: DocumentInput) =>
        Promise.resolve((document as { __meta__?: { hash?: string } }).__meta__?.hash ?? ''),
      document: undefined,
    },
  };

  it.each(
    Object.entries(hashes).flatMap(([how, setup]) =>
      clientQueries.map((query) => [`${query.name} (${how})`, setup, query] as const),
    ),
  )('%s answers on the first round trip with every field', async (_, setup, query) => {
    const { client, counter } = urql(url, [
      cacheExchange,
      persistedExchange({
        enforcePersistedQueries: true,
        enableForMutation: true,
        generateHash: setup.generateHash,
      }),
      fetchExchange,
    ]);
    const document = (setup.document?.(query.text) ?? typed(query.name)) as DocumentNode;

    const result = await client.query(document, variablesFor(document)).toPromise();

    expect(result.error).toBeUndefined();
    expect(counter.sent).toHaveLength(1);
    const sent = new URL(counter.sent[0]!.url);
    expect([counter.sent[0]!.method, sent.searchParams.has('query')]).toEqual(['GET', false]);
    expect(missingFields(document, result.data)).toEqual([]);
  });

  it('sends a mutation by its hash too (enableForMutation), as a POST', async () => {
    const { client, counter } = urql(url, [
      cacheExchange,
      persistedExchange({ enforcePersistedQueries: true, enableForMutation: true }),
      fetchExchange,
    ]);
    const setLevel = clientOperations.find((operation) => operation.name === 'PortalSetServiceLevel')!;
    const locationId = toGlobalId('Location', customerIds.ada, locationIds.adaCottage);

    const result = await client
      .mutation(gql(setLevel.text), { locationId, level: 'FULL_SERVICE' })
      .toPromise();

    expect(result.error).toBeUndefined();
    expect(result.data?.setServiceLevel?.__typename).toBe('SetServiceLevelSuccess');
    expect(counter.sent.map((sent) => [sent.method, JSON.parse(sent.body!).query])).toEqual([
      ['POST', undefined],
    ]);
  });
});
