import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import { DateResolver, DateTimeResolver, EmailAddressResolver } from 'graphql-scalars';
import type { Context } from './context.js';

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The Pothos builder: plugins, scalars and root types only; domain types live in src/schema/.
 * Plugin order per stack-notes: errors before validation, relay last.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { totalCount: number };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    Date: { Input: Date; Output: Date | string };
    EmailAddress: { Input: string; Output: string };
    ID: { Input: string; Output: string | number };
  };
}>({
  plugins: [ErrorsPlugin, ValidationPlugin, RelayPlugin],
  defaultFieldNullability: false,
  errors: {
    // Mutation results read as `UnclaimNodeResult = UnclaimNodeSuccess | NotFoundError | ...`.
    directResult: true,
    defaultUnionOptions: {
      name: ({ fieldName }) => `${pascal(fieldName)}Result`,
      description: 'The outcome of a mutation: its success type, or one of the errors it can expect.',
    },
    defaultResultOptions: { name: ({ fieldName }) => `${pascal(fieldName)}Success` },
    // Lets argument validation failures come back as InputValidationError data, before any upstream call.
    unsafelyHandleInputErrors: true,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodeQueryOptions: { description: 'Fetches any object by its global ID (Relay object identification).' },
    nodesQueryOptions: { description: 'Fetches objects by their global IDs, in order; null where one is missing.' },
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('Date', DateResolver);
builder.addScalarType('EmailAddress', EmailAddressResolver);

builder.queryType({ description: 'Reads over the WiFi cloud and the services backend.' });
builder.mutationType({
  description: 'Subscriber operations. Each returns a union of its success type and the expected errors.',
});

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'How many items match, across all pages.', resolve: (parent) => parent.totalCount }),
);
