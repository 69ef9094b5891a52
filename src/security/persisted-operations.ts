import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { normalizeId, type PersistedDocuments, sha256Hex } from './persisted-manifests.js';

/**
 * Persisted operations: documents known to the gateway by id, from the manifests the clients' tooling
 * writes (src/security/persisted-manifests.ts) and, in `allow` mode, registered at run time by APQ.
 * Each client sends the id its way: Apollo's link and urql's persisted exchange as the APQ extension
 * `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"<hex>"}}}`, GraphQL-over-HTTP clients as
 * `documentId` (`sha256:<hex>` or `<hex>`), Relay as `doc_id` (or `id`).
 *
 * - `off`: documents only; ids are not looked up.
 * - `allow`: a known id runs its document; any document runs too; a document sent beside its APQ hash is
 *   registered in the shared store (every replica then knows it), so the next request sends the hash alone.
 * - `require`: only the manifests' ids run; a document is refused (PERSISTED_QUERY_ONLY). Registered
 *   documents do not count: the manifests are the allow-list.
 *
 * Refusals carry HTTP statuses per the GraphQL-over-HTTP spec: 404 (unknown id) and 400 (document refused)
 * under `application/graphql-response+json`, 200 under legacy `application/json` (`spec: true`, as Yoga
 * does for its own request errors); a request with neither id nor document, or a hash that is not its
 * document's, is not a well-formed request: 400 under both.
 */
export type PersistedOperationsMode = 'off' | 'allow' | 'require';

/** The request parameters that name a persisted document (besides the APQ extension). */
export const DOCUMENT_ID_PARAMS = ['documentId', 'doc_id', 'id'] as const;

/** Longer documents still run in `allow` mode but are not registered: they are sent whole each time. */
export const MAX_REGISTERED_DOCUMENT_BYTES = 10_000;

/** Where APQ keeps documents: the gateway's shared store (src/store/). */
export interface DocumentRegistry {
  getDocument(hash: string): Promise<string | undefined>;
  putDocument(hash: string, document: string): Promise<void>;
}

export interface PersistedOperationsOptions {
  manifests: PersistedDocuments;
  /** APQ registration (`allow` mode only); none: nothing is registered. */
  registry?: DocumentRegistry;
  /** A store failure: the request goes on as if the document were unknown (the client resends it). */
  onRegistryError?: (error: unknown) => void;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

const refusal = (code: string, message: string, http: { status: number; spec?: boolean }) =>
  createGraphQLError(message, { extensions: { code, http } });

// Apollo's link and urql's exchange recognise this message and resend the document (in `allow` mode).
const notFound = () =>
  refusal('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', { status: 404, spec: true });
const documentRefused = () =>
  refusal(
    'PERSISTED_QUERY_ONLY',
    'Only persisted operations are accepted here: send the hash of a published client document, not a document.',
    { status: 400, spec: true },
  );
const idRequired = () =>
  refusal(
    'PERSISTED_QUERY_ID_REQUIRED',
    'Send a document (query), or a persisted operation id (documentId, doc_id, or the persistedQuery extension).',
    { status: 400 },
  );
const hashMismatch = () =>
  refusal('PERSISTED_QUERY_HASH_MISMATCH', 'The persistedQuery hash is not the sha256 of the query sent.', {
    status: 400,
  });

/** The APQ extension's hash, when the request carries a version 1 one. */
function apqHash(params: GraphQLParams): string | undefined {
  const apq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } })
    ?.persistedQuery;
  return apq?.version === 1 && typeof apq.sha256Hash === 'string' ? apq.sha256Hash : undefined;
}

/**
 * The id a request names a document by, as the manifests key it; undefined when it names none. Yoga's
 * GET parser keeps only query, variables, operationName and extensions: a GET's id is read from its URL.
 */
function persistedOperationId(params: GraphQLParams, request: Request): string | undefined {
  const url = request.method === 'GET' ? new URL(request.url).searchParams : undefined;
  for (const name of DOCUMENT_ID_PARAMS) {
    const value = (params as Record<string, unknown>)[name] ?? url?.get(name);
    if (typeof value === 'string' && value) return normalizeId(value);
  }
  const hash = apqHash(params);
  return hash ? normalizeId(hash) : undefined;
}

export function usePersistedOperationsMode(
  mode: Exclude<PersistedOperationsMode, 'off'>,
  { manifests, registry, onRegistryError = () => {} }: PersistedOperationsOptions,
): Plugin {
  const apq = mode === 'allow' ? registry : undefined;
  /** Documents sent beside their hash, registered once they validate and are about to run. */
  const toRegister = new WeakMap<Request, { hash: string; document: string }>();

  // Synchronous unless a lookup or a registration needs the store: a hook that returns a promise costs
  // every request a turn of the event loop.
  return {
    onParams({ params, request, setParams }) {
      if (typeof params.query === 'string' && params.query) {
        if (mode === 'require') throw documentRefused();
        const hash = apqHash(params);
        if (hash === undefined) return;
        if (sha256Hex(params.query) !== hash) throw hashMismatch();
        const small = Buffer.byteLength(params.query) <= MAX_REGISTERED_DOCUMENT_BYTES;
        if (apq && small && !manifests.documents.has(hash)) {
          toRegister.set(request, { hash, document: params.query });
        }
        return;
      }
      // Not a string: Yoga's own check answers that (400).
      if (params.query != null && params.query !== '') return;
      const id = persistedOperationId(params, request);
      if (id === undefined) throw idRequired();
      const use = (document: string | undefined) => {
        if (document === undefined) throw notFound();
        setParams({ ...params, query: document });
      };
      const known = manifests.documents.get(id);
      if (known !== undefined || !apq || !SHA256_HEX.test(id)) return use(known);
      return apq.getDocument(id).then(use, (error: unknown) => {
        onRegistryError(error);
        use(undefined);
      });
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const pending = request && toRegister.get(request);
      if (!apq || !pending) return;
      toRegister.delete(request);
      return apq.putDocument(pending.hash, pending.document).catch(onRegistryError);
    },
  };
}
