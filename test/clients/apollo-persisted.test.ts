import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ApolloClient,
  ApolloLink,
  type DocumentNode,
  gql,
  HttpLink,
  InMemoryCache,
  type TypedDocumentNode,
} from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as typedDocuments from '../../clients/generated/graphql.js';
import { GENERATED_MANIFESTS } from '../../src/security/persisted-manifests.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { startServer } from '../helpers/server-process.js';
import {
  authorization,
  clientQueries,
  countingFetch,
  missingFields,
  variablesFor,
} from './client-operations.js';

/**
 * Apollo Client 4 (InMemoryCache, its persisted-query link) as an app team builds it, against a gateway
 * process: in `require` mode every query of clients/ answers on the first round trip with every field it
 * asked for, whichever way the app names it; in `allow` mode a new document is registered once (in the
 * shared store: every replica knows it) and then runs by its hash alone.
 */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const apolloManifest = JSON.parse(readFileSync(GENERATED_MANIFESTS[1]!, 'utf8'));

type HashLink = () => PersistedQueryLink;
const links: Record<string, HashLink> = {
  'plain sha256': () => new PersistedQueryLink({ sha256 }),
  'generatePersistedQueryIdsFromManifest (Apollo manifest)': () =>
    new PersistedQueryLink(generatePersistedQueryIdsFromManifest({ loadManifest: () => apolloManifest })),
  "codegen's __meta__.hash": () =>
    new PersistedQueryLink({
      generateHash: (document) => (document as { __meta__?: { hash?: string } }).__meta__?.hash ?? '',
    }),
};

/** The same operation as the app holds it: codegen's typed document, or the .graphql file through gql. */
const documentSources: Record<string, (query: (typeof clientQueries)[number]) => DocumentNode> = {
  'typed documents (codegen)': ({ name }) =>
    (typedDocuments as unknown as Record<string, DocumentNode>)[`${name}Document`]!,
  'gql over the .graphql files': ({ text }) => gql(text),
};

function apollo(url: string, link: PersistedQueryLink) {
  const counter = countingFetch();
  const client = new ApolloClient({
    link: ApolloLink.from([
      link,
      new HttpLink({ uri: `${url}/graphql`, headers: authorization, fetch: counter.fetch }),
    ]),
    cache: new InMemoryCache(),
  });
  return { client, counter };
}

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGTERM');
});

describe('PERSISTED_OPERATIONS=require', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startServer({ PERSISTED_OPERATIONS: 'require' }, running));
  });

  const cases = Object.keys(links).flatMap((linkName) =>
    Object.keys(documentSources)
      // __meta__ is codegen's: only its typed documents carry it.
      .filter((source) => !linkName.includes('__meta__') || source.includes('codegen'))
      .flatMap((source) => clientQueries.map((query) => ({ linkName, source, query }))),
  );

  it.each(cases.map((c) => [`${c.query.name} (${c.linkName}, ${c.source})`, c] as const))(
    '%s answers on the first round trip with every field',
    async (_, { linkName, source, query }) => {
      const { client, counter } = apollo(url, links[linkName]!());
      const document = documentSources[source]!(query);
      const variables = variablesFor(document);

      const { data, error } = await client.query({ query: document, variables, fetchPolicy: 'network-only' });

      expect(error).toBeUndefined();
      expect(counter.sent).toHaveLength(1);
      expect(JSON.parse(counter.sent[0]!.body!)).not.toHaveProperty('query');
      expect(missingFields(document, data)).toEqual([]);
      // What the screens read: the cache holds the whole answer.
      expect(client.cache.readQuery({ query: document, variables })).toEqual(data);
    },
  );
});

/** An operation no manifest holds, as a GraphiQL user or a new screen in development sends it. */
const adHoc: TypedDocumentNode<{ customer: { id: string; name: string; email: string } | null }> = gql`
  query ApolloAdHocCustomer($customerId: ID!) {
    customer(id: $customerId) {
      id
      name
      email
    }
  }
`;

describe('PERSISTED_OPERATIONS=allow (APQ)', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startServer({}, running));
  });

  it('registers a new document once, then answers every client by its hash alone', async () => {
    const variables = variablesFor(adHoc);
    const first = apollo(url, links['plain sha256']!());
    const registered = await first.client.query({ query: adHoc, variables });
    expect(registered.data?.customer).toMatchObject({ name: 'Ada Lovelace' });
    // The hash, PersistedQueryNotFound, then hash and document.
    expect(first.counter.sent).toHaveLength(2);

    const later = apollo(url, links['plain sha256']!());
    const answer = await later.client.query({ query: adHoc, variables });
    expect(answer.data).toEqual(registered.data);
    expect(later.counter.sent).toHaveLength(1);
    expect(JSON.parse(later.counter.sent[0]!.body!)).not.toHaveProperty('query');
  });
});

describe.runIf(redisAvailable)('PERSISTED_OPERATIONS=allow, two gateway processes sharing one Redis', () => {
  let redis: TestRedis;
  let urls: string[];
  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url };
    urls = (await Promise.all([startServer(env, running), startServer(env, running)])).map((s) => s.url);
  });
  afterAll(() => redis?.stop());

  it('a document registered through one replica runs by its hash on the other', async () => {
    const [a, b] = urls as [string, string];
    const variables = variablesFor(adHoc);
    const viaA = apollo(a, links['plain sha256']!());
    await viaA.client.query({ query: adHoc, variables });
    expect(viaA.counter.sent).toHaveLength(2);

    const viaB = apollo(b, links['plain sha256']!());
    const answer = await viaB.client.query({ query: adHoc, variables });
    expect(answer.data?.customer).toMatchObject({ name: 'Ada Lovelace' });
    expect(viaB.counter.sent).toHaveLength(1);
  });
});
