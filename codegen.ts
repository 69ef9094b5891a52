import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the operations the tests run (and, later, for clients): write
 * `graphql(\`query ...\`)` in test/**, then `npm run codegen` (run before tests and typecheck).
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  importExtension: '.js',
  generates: {
    'test/gql/': {
      preset: 'client',
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', Date: 'string', EmailAddress: 'string' },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
