import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';

/**
 * The persisted-operations manifests the gateway serves by id, in the formats the clients' own tooling
 * writes, told apart by their shape:
 * - GraphQL Codegen's client preset `persisted-documents.json` and Relay's `persisted_queries.json`:
 *   `{ "<id>": "<document>" }` (codegen's ids are `sha256:<hex>`, Relay's a bare hex digest);
 * - Apollo's `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ id, name,
 *   type, body }] }` (@apollo/generate-persisted-query-manifest).
 * Ids are kept without the `sha256:` prefix: clients send the same hash with it (`documentId`) or without
 * it (the APQ extension, Relay's `doc_id`).
 */

export interface PersistedDocuments {
  /** Document text by id (without a `sha256:` prefix). */
  documents: ReadonlyMap<string, string>;
  /** Every operation name the documents define: the metric labels (src/observability/metrics.ts). */
  operationNames: ReadonlySet<string>;
}

const CLIENTS = fileURLToPath(new URL('../../clients/', import.meta.url));

/** The clients' manifests written by `npm run codegen` (clients/generated/). */
export const GENERATED_MANIFESTS = [
  join(CLIENTS, 'generated/persisted-documents.json'),
  join(CLIENTS, 'generated/persisted-query-manifest.json'),
];

/** Released snapshots (clients/released/NNNN-<date>.json): each one holds every id shipped until then. */
export const RELEASED_FOLDER = join(CLIENTS, 'released');

/** The newest released snapshot: the union of every id ever shipped (scripts/check-manifests.mjs). */
export function lastReleasedManifest(folder = RELEASED_FOLDER): string | undefined {
  if (!existsSync(folder)) return undefined;
  const snapshots = readdirSync(folder)
    .filter((name) => /^\d{4}-.*\.json$/.test(name))
    .sort();
  const last = snapshots.at(-1);
  return last === undefined ? undefined : join(folder, last);
}

/**
 * What PERSISTED_OPERATIONS_MANIFEST unset means, and what the word `default` in its list stands for:
 * the generated manifests of clients/ and the last released snapshot.
 */
export function defaultManifests(): string[] {
  const released = lastReleasedManifest();
  return [...GENERATED_MANIFESTS, ...(released ? [released] : [])];
}

/** `default` in the configured list expands to defaultManifests(). */
export function manifestPaths(configured: readonly string[] | undefined): string[] {
  if (!configured) return defaultManifests();
  return [...new Set(configured.flatMap((path) => (path === 'default' ? defaultManifests() : [path])))];
}

export const SHA256_PREFIX = 'sha256:';

/** A document id as sent (`sha256:<hex>`, `<hex>`, or a custom id) → the key the manifests use. */
export const normalizeId = (id: string): string =>
  id.startsWith(SHA256_PREFIX) ? id.slice(SHA256_PREFIX.length) : id;

const ID = /^(sha256:)?[\w.:-]{1,200}$/;

/** One manifest file as `[id, document]` pairs, whatever the format. */
function entriesOf(path: string, parsed: unknown): Array<[string, string]> {
  const fail = (why: string): never => {
    throw new Error(`Persisted operations manifest ${path} ${why}`);
  };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail('is neither { "<id>": "<document>" } nor an apollo-persisted-query-manifest');
  }
  const record = parsed as Record<string, unknown>;
  if (record.format === 'apollo-persisted-query-manifest') {
    if (record.version !== 1 || !Array.isArray(record.operations)) {
      return fail('is an apollo-persisted-query-manifest but not version 1 with an operations list');
    }
    return record.operations.map((operation: unknown, index): [string, string] => {
      const { id, body } = (operation ?? {}) as { id?: unknown; body?: unknown };
      if (typeof id !== 'string' || typeof body !== 'string') {
        return fail(`has an operation (#${index}) without a string id and body`);
      }
      return [id, body];
    });
  }
  return Object.entries(record).map(([id, document]): [string, string] => {
    if (typeof document !== 'string') return fail(`maps ${id} to something that is not a document`);
    return [id, document];
  });
}

/** The operation names a document defines; a document that does not parse stops the gateway. */
function operationNamesOf(path: string, id: string, document: string): string[] {
  try {
    return parse(document, { noLocation: true }).definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [],
    );
  } catch (error) {
    throw new Error(
      `Persisted operations manifest ${path}: the document of ${id} does not parse: ${(error as Error).message}`,
    );
  }
}

/**
 * Reads every manifest once, at start-up. A missing or malformed file, an id that is not one, a
 * `sha256:` id that is not its document's hash, or one id with two different documents stops the
 * gateway with the file's path.
 */
export function loadManifests(paths: readonly string[]): PersistedDocuments {
  const documents = new Map<string, string>();
  const sources = new Map<string, string>();
  const operationNames = new Set<string>();
  for (const path of paths) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`Persisted operations manifest ${path} cannot be read: ${(error as Error).message}`);
    }
    for (const [id, document] of entriesOf(path, parsed)) {
      if (!ID.test(id)) throw new Error(`Persisted operations manifest ${path}: ${id} is not a document id`);
      const key = normalizeId(id);
      if (id.startsWith(SHA256_PREFIX) && sha256Hex(document) !== key) {
        throw new Error(`Persisted operations manifest ${path}: ${id} is not the sha256 of its document`);
      }
      const known = documents.get(key);
      if (known !== undefined && known !== document) {
        throw new Error(
          `Persisted operations manifests ${sources.get(key)} and ${path} give ${id} two different documents`,
        );
      }
      for (const name of operationNamesOf(path, id, document)) operationNames.add(name);
      documents.set(key, document);
      sources.set(key, path);
    }
  }
  return { documents, operationNames };
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
