import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { z } from 'zod';

/**
 * Persisted operations: the first-party clients' documents (clients/**\/*.graphql), known to the gateway
 * by their sha256 hash through the manifest codegen writes (clients/generated/persisted-documents.json).
 * A client sends the hash instead of the document, as Apollo's APQ extension
 * `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"<hex>"}}}` or as a GraphQL-over-HTTP
 * `{"documentId":"sha256:<hex>"}`. Nothing is ever registered at run time: only the manifest's documents
 * are known.
 *
 * - `off`: documents only; hashes are not looked up.
 * - `allow`: a known hash runs its document; any document runs too.
 * - `require`: only known hashes run; a document is refused (PERSISTED_QUERY_ONLY).
 */
export type PersistedOperationsMode = 'off' | 'allow' | 'require';

export const DEFAULT_MANIFEST = fileURLToPath(
  new URL('../../clients/generated/persisted-documents.json', import.meta.url),
);

/** The request parameter that names a persisted document (besides the APQ extension). */
export const DOCUMENT_ID_PARAM = 'documentId';

const manifestSchema = z.record(z.string().regex(/^sha256:[0-9a-f]{64}$/), z.string().min(1));

/** Reads the manifest once, at start-up: a missing or malformed file stops the gateway with its path. */
export function loadManifest(path: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Persisted operations manifest ${path} cannot be read: ${(error as Error).message}`);
  }
  const manifest = manifestSchema.safeParse(parsed);
  if (!manifest.success) {
    throw new Error(
      `Persisted operations manifest ${path} is not { "sha256:<hex>": "<document>" }: ${manifest.error.issues[0]?.message}`,
    );
  }
  return new Map(Object.entries(manifest.data));
}

/** The document id of a request: `documentId`, or the APQ extension's hash, as the manifest's key. */
function persistedOperationId(params: GraphQLParams): string | null {
  const documentId = (params as Record<string, unknown>)[DOCUMENT_ID_PARAM];
  if (typeof documentId === 'string') return documentId;
  const apq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } })
    ?.persistedQuery;
  return apq?.version === 1 && typeof apq.sha256Hash === 'string' ? `sha256:${apq.sha256Hash}` : null;
}

export function usePersistedOperationsMode(
  mode: Exclude<PersistedOperationsMode, 'off'>,
  manifest: ReadonlyMap<string, string>,
): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: mode === 'allow',
    extractPersistedOperationId: persistedOperationId,
    getPersistedOperation: (id) => manifest.get(id) ?? null,
    customErrors: {
      // Apollo clients recognise this message and resend the whole document (useful in `allow` mode).
      notFound: {
        message: 'PersistedQueryNotFound',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
      },
      persistedQueryOnly: {
        message:
          'Only persisted operations are accepted here: send the hash of a published client document, not a document.',
        extensions: { code: 'PERSISTED_QUERY_ONLY' },
      },
      keyNotFound: {
        message: `Send a document (query), or a persisted operation's hash (${DOCUMENT_ID_PARAM}, or the persistedQuery extension).`,
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED' },
      },
    },
  });
}
