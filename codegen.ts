import { addTypenameToDocument } from '@apollo/client/utilities';
import type { CodegenConfig } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';

const scalars = { DateTime: 'string', Date: 'string', EmailAddress: 'string' };

/**
 * The clients' documents as Apollo Client 4 sends them: its InMemoryCache adds `__typename` to every
 * selection set but the operation's (Apollo's own addTypenameToDocument). The persisted documents then
 * hold every field a normalised cache asks for (a document without `__typename` makes Apollo drop
 * fields), and a typed document printed by Apollo or urql (whose formatDocument adds the same
 * `__typename`s, and none twice) is the body of Apollo's manifest below, so its sha256 is that id.
 */
const asApolloSendsIt: Types.DocumentTransformObject = {
  transform: ({ documents }) =>
    documents.map((file) => ({ ...file, document: file.document && addTypenameToDocument(file.document) })),
};

/** The clients' operations: one per file (docs/clients.md). */
const clientDocuments = ['clients/**/*.graphql'];

/**
 * Outputs (`npm run codegen`, run before tests and typecheck):
 * - test/gql/: typed documents for the operations the tests run (`graphql(\`query ...\`)` in test/**).
 * - clients/generated/: typed documents for the first-party clients' operations (clients/**\/*.graphql)
 *   with `__typename` as Apollo sends them, and two persisted-operation manifests of them that the gateway
 *   serves by id (PERSISTED_OPERATIONS, docs/security.md): the client preset's persisted-documents.json
 *   (ids `sha256:<hex>` of its normalised text, the typed documents' `__meta__.hash`) and Apollo's
 *   persisted-query-manifest.json (ids: the sha256 of the document as Apollo and urql print it). The
 *   manifests are committed: the gateway reads them at run time, so a fresh clone must have them; codegen
 *   leaves a file with unchanged content untouched, and clients/released/ keeps every id ever shipped
 *   (scripts/check-manifests.mjs).
 *   Beside them, possible-types.ts and introspection.json for client caches (Apollo, graphcache).
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  importExtension: '.js',
  generates: {
    'test/gql/': {
      documents: ['test/**/*.ts', '!test/gql/**'],
      preset: 'client',
      config: { useTypeImports: true, enumsAsTypes: true, scalars },
      presetConfig: { fragmentMasking: false },
    },
    'clients/generated/': {
      documents: clientDocuments,
      preset: 'client',
      documentTransforms: [asApolloSendsIt],
      config: { useTypeImports: true, enumsAsTypes: true, scalars },
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
    },
    'clients/generated/persisted-query-manifest.json': {
      documents: clientDocuments,
      plugins: ['./scripts/codegen-apollo-manifest.cjs'],
    },
    // What normalised client caches need to read unions and interfaces (docs/clients.md): Apollo's
    // `possibleTypes` (fragment matcher, sorted so the output is stable) and graphcache's `schema`.
    'clients/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3, deterministic: true },
    },
    'clients/generated/introspection.json': {
      plugins: ['introspection'],
      config: { minify: true, descriptions: false },
    },
  },
};

export default config;
