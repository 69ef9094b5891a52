import { builder } from '../../builder.js';

/**
 * The expected failures, as GraphQL types sharing the `Error` interface. Mutations list the ones they
 * can return (errors-as-data, src/schema/error-types/mutation-errors.ts); anything else is masked with a
 * request id (see src/yoga.ts).
 */

export const ErrorInterface = builder.interfaceRef<Error & { code?: string }>('Error').implement({
  description: 'An expected failure, returned as data by mutations.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
    code: t.string({
      description: 'A stable machine-readable code, e.g. NOT_FOUND.',
      resolve: (error) => error.code ?? 'INPUT_VALIDATION',
    }),
  }),
});

// Typed by class: the errors plugin matches a thrown error to its GraphQL type with instanceof.
export const errorType = (cls: new (...args: any[]) => Error & { code: string }, description: string) =>
  builder.objectType(cls, { name: cls.name, description, interfaces: [ErrorInterface] });

/** The field a WiFi cloud error names its location by, before global IDs (src/schema/support/error-targets.ts). */
export const deprecatedLocationId = {
  description: 'The WiFi cloud location id.',
  deprecationReason: 'A raw WiFi cloud id, which mutations do not take: use location { id }.',
} as const;
