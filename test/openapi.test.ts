import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import {
  customerIds,
  DEMO_ADMIN_TOKEN,
  locationIds,
  SERVICES_ACCOUNT_ID,
  SERVICES_API_KEY,
  SERVICES_API_VERSION,
  seedCustomers,
} from '../src/sandbox/seed.js';

/**
 * openapi/*.yaml describe the simulators (the bench's Mesh peer is composed from them): every documented read
 * answers on the simulator, for the seed, with a body its documented schema accepts (unknown fields fail:
 * the schemas say `additionalProperties: false`), and an unauthenticated call with the documented error.
 */

interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
}
interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { $ref?: string; content?: { 'application/json': { schema: object } } }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: object;
    parameters: Record<string, Parameter>;
    responses: Record<string, Operation['responses'][string]>;
  };
}

const load = (name: string) =>
  parse(readFileSync(new URL(`../openapi/${name}`, import.meta.url), 'utf8')) as Document;
const documents = { plume: load('plume.yaml'), services: load('services.yaml') };

/** A response schema as zod: zod resolves `#/definitions/...`, so the components move there. */
function schemaOf(document: Document, response: Operation['responses'][string]): z.ZodType {
  const named = response.$ref ? document.components.responses[response.$ref.split('/').pop()!]! : response;
  const schema = named.content!['application/json'].schema;
  const rewritten = JSON.parse(
    JSON.stringify({ ...schema, definitions: document.components.schemas }).replaceAll(
      '#/components/schemas/',
      '#/definitions/',
    ),
  );
  return z.fromJSONSchema(rewritten, { defaultTarget: 'openapi-3.0' });
}

/** Seed values for every path and query parameter the documents name. */
const pathValues: Record<string, string> = {
  customerId: customerIds.linus,
  locationId: locationIds.linusHome,
  accountId: SERVICES_ACCOUNT_ID,
};
const queryValues: Record<string, string> = {
  v: SERVICES_API_VERSION,
  locationId: locationIds.linusHome,
  subAccountId: 'ACC-1003',
};

const reads = Object.entries(documents).flatMap(([backend, document]) =>
  Object.entries(document.paths)
    .filter(([, methods]) => methods.get)
    .map(([path, methods]) => ({
      backend: backend as keyof typeof documents,
      document,
      path,
      get: methods.get!,
    })),
);

describe('openapi documents against the simulators', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox?.close());

  function urlOf(backend: keyof typeof documents, path: string, operation: Operation): string {
    const base = backend === 'plume' ? sandbox.plume.url : sandbox.services.url;
    const url = new URL(base + path.replace(/\{(\w+)\}/g, (_, name: string) => pathValues[name]!));
    const document = documents[backend];
    for (const given of operation.parameters ?? []) {
      const parameter = given.$ref ? document.components.parameters[given.$ref.split('/').pop()!]! : given;
      const value = queryValues[parameter.name!];
      if (parameter.in === 'query' && value) url.searchParams.set(parameter.name!, value);
    }
    return url.toString();
  }

  const credentials = (backend: keyof typeof documents): Record<string, string> =>
    backend === 'plume' ? { authorization: DEMO_ADMIN_TOKEN } : { 'api-key': SERVICES_API_KEY };

  it('documents the reads the peer composes, and the sub-account list', () => {
    expect(reads.map((r) => r.path)).toEqual([
      '/api/Customers/{customerId}',
      '/api/Customers/{customerId}/locations',
      '/api/Customers/{customerId}/locations/{locationId}/nodes',
      '/api/Customers/{customerId}/locations/{locationId}/serviceLevel',
      '/v2/accounts/{accountId}/services',
      '/v2/accounts/{accountId}/subaccountservices',
    ]);
  });

  it.each(reads)('$backend GET $path answers 200 with a body of the documented schema', async (read) => {
    const response = await fetch(urlOf(read.backend, read.path, read.get), {
      headers: credentials(read.backend),
    });
    expect(response.status).toBe(200);
    const parsed = schemaOf(read.document, read.get.responses['200']!).safeParse(await response.json());
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it.each(reads)('$backend GET $path without credentials answers the documented error', async (read) => {
    const response = await fetch(urlOf(read.backend, read.path, read.get));
    expect(response.status).toBe(401);
    const parsed = schemaOf(read.document, read.get.responses.default!).safeParse(await response.json());
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('rejects a body with a field the document does not name', () => {
    const customer = schemaOf(
      documents.plume,
      documents.plume.paths['/api/Customers/{customerId}']!.get!.responses['200']!,
    );
    const valid = seedCustomers.find((c) => c.id === customerIds.linus)!;
    expect(customer.safeParse(valid).success).toBe(true);
    expect(customer.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    expect(customer.safeParse({ ...valid, name: undefined }).success).toBe(false);
  });
});
