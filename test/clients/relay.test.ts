import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'graphql';
import {
  commitMutation,
  type ConcreteRequest,
  createOperationDescriptor,
  Environment,
  fetchQuery,
  Network,
  RecordSource,
  Store,
} from 'relay-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * Relay as an app team builds it: relay-compiler with `persistConfig` over the clients' operations (in a
 * temp copy, renamed the way Relay requires: `<Module><Name>Query` in `<Module>.js`), and the gateway, in
 * `require` mode with Relay's own persisted_queries.json beside the clients' manifests, answering each
 * operation's `doc_id` on the first round trip with everything Relay's store needs.
 */

const require = createRequire(import.meta.url);
const relayCompiler = require.resolve('relay-compiler/cli.js');
const schemaFile = new URL('../../schema.graphql', import.meta.url);

const folder = mkdtempSync(join(tmpdir(), 'relay-app-'));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGTERM');
  rmSync(folder, { recursive: true, force: true });
});

const relayName = (name: string, type: string) => `${name}${type === 'query' ? 'Query' : 'Mutation'}`;

/** Writes the Relay project, runs relay-compiler, and returns Relay's manifest. */
function compileRelayApp(): Record<string, string> {
  mkdirSync(join(folder, 'src/__generated__'), { recursive: true });
  writeFileSync(join(folder, 'schema.graphql'), readFileSync(schemaFile));
  writeFileSync(join(folder, 'persisted_queries.json'), '{}');
  writeFileSync(
    join(folder, 'relay.config.json'),
    JSON.stringify({
      src: './src',
      schema: './schema.graphql',
      language: 'javascript',
      eagerEsModules: true,
      artifactDirectory: './src/__generated__',
      persistConfig: { file: './persisted_queries.json', algorithm: 'SHA256' },
    }),
  );
  for (const operation of clientOperations) {
    const renamed = operation.text.replace(
      new RegExp(`\\b${operation.type} ${operation.name}\\b`),
      `${operation.type} ${relayName(operation.name, operation.type)}`,
    );
    writeFileSync(join(folder, 'src', `${operation.name}.js`), `graphql\`\n${renamed}\`;\n`);
  }
  const compiled = spawnSync(process.execPath, [relayCompiler], { cwd: folder, encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`relay-compiler failed:\n${compiled.stdout}${compiled.stderr}`);
  return JSON.parse(readFileSync(join(folder, 'persisted_queries.json'), 'utf8'));
}

/** Relay's network layer as its docs show it for persisted queries: `doc_id`, no text. */
function relayEnvironment(url: string) {
  const counter = countingFetch();
  const environment = new Environment({
    network: Network.create(async (params, variables) => {
      const response = await counter.fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorization },
        body: JSON.stringify({ doc_id: params.id, variables }),
      });
      return response.json();
    }),
    store: new Store(new RecordSource()),
  });
  return { environment, counter };
}

const artifact = async (name: string) =>
  (await import(pathToFileURL(join(folder, 'src/__generated__', `${name}.graphql.js`)).href))
    .default as ConcreteRequest;

describe("Relay's persisted queries against PERSISTED_OPERATIONS=require", () => {
  let url: string;
  let manifest: Record<string, string>;
  beforeAll(async () => {
    manifest = compileRelayApp();
    ({ url } = await startServer(
      {
        PERSISTED_OPERATIONS: 'require',
        PERSISTED_OPERATIONS_MANIFEST: `default,${join(folder, 'persisted_queries.json')}`,
      },
      running,
    ));
  });

  it("relay-compiler persisted every client operation in Relay's own manifest", () => {
    const names = Object.values(manifest).map((text) => /(?:query|mutation) (\w+)/.exec(text)?.[1]);
    expect(names.sort()).toEqual(
      clientOperations.map((operation) => relayName(operation.name, operation.type)).sort(),
    );
  });

  it.each(clientQueries.map((query) => [relayName(query.name, 'query'), query] as const))(
    '%s is answered by its doc_id on the first round trip, with nothing missing in the store',
    async (name, query) => {
      const request = await artifact(name);
      expect(request.params.text).toBeNull();
      const { environment, counter } = relayEnvironment(url);
      // Relay's store reads what the app's own document selects (the persisted text adds ids and typenames).
      const document = parse(query.text);
      const variables = variablesFor(document);
      expect(manifest[request.params.id!]).toContain(`query ${name}(`);

      const data = await fetchQuery(environment, request, variables).toPromise();

      expect(counter.sent).toHaveLength(1);
      expect(missingFields(document, data, { untyped: true })).toEqual([]);
      const snapshot = environment.lookup(createOperationDescriptor(request, variables).fragment);
      expect(snapshot.isMissingData).toBe(false);
    },
  );

  it('runs a mutation by its doc_id too (commitMutation)', async () => {
    const { environment, counter } = relayEnvironment(url);
    const mutation = await artifact('PortalSetServiceLevelMutation');
    const variables = {
      locationId: toGlobalId('Location', customerIds.ada, locationIds.adaCottage),
      level: 'FULL_SERVICE',
    };

    const response = await new Promise<{ setServiceLevel?: { __typename?: string } }>((resolve, reject) =>
      commitMutation(environment, { mutation, variables, onCompleted: resolve, onError: reject }),
    );

    expect(response.setServiceLevel?.__typename).toBe('SetServiceLevelSuccess');
    expect(counter.sent).toHaveLength(1);
  });
});
