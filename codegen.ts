import type { CodegenConfig } from '@graphql-codegen/cli';

const scalars = { DateTime: 'string', Date: 'string', EmailAddress: 'string' };

/**
 * Two outputs (`npm run codegen`, run before tests and typecheck):
 * - test/gql/: typed documents for the operations the tests run (`graphql(\`query ...\`)` in test/**).
 * - clients/generated/: typed documents for the first-party clients' operations (clients/**\/*.graphql)
 *   and persisted-documents.json, the manifest of their sha256 hashes that the gateway serves by hash
 *   (PERSISTED_OPERATIONS, docs/security.md). The manifest is committed: the gateway reads it at run
 *   time, so a fresh clone must have it; codegen leaves a file with unchanged content untouched.
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
      documents: ['clients/**/*.graphql'],
      preset: 'client',
      config: { useTypeImports: true, enumsAsTypes: true, scalars },
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
    },
  },
};

export default config;
