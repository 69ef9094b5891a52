import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import { DateResolver, DateTimeResolver, EmailAddressResolver } from 'graphql-scalars';
import { z } from 'zod';
import type { BulkJobs } from './bulk/service.js';
import type { Context } from './context.js';
import { ASSUMED_LIST_SIZE, MAX_IDS, perId, UPSTREAM_CALL } from './schema/support/cost.js';

/**
 * What resolvers get: the request's Context, and bulk jobs (src/bulk/; absent without Redis, which the bulk
 * fields answer with BulkJobsUnavailableError). Bulk items run workflows in a plain Context of their own.
 */
export type GraphContext = Context & { bulk?: BulkJobs };

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The Pothos builder: plugins, scalars and root types only; domain types live in src/schema/.
 * Plugin order: errors first, so its `errors` option wraps the fields the plugins after it build (the
 * @pothos/plugin-errors README asks for it before such plugins).
 */
export const builder = new SchemaBuilder<{
  Context: GraphContext;
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
  plugins: [ErrorsPlugin, ValidationPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  // Field costs for the cost limit (src/security/limits.ts enforces it, before execution): only fields
  // annotated as upstream-backed cost anything; an unannotated list still multiplies what it contains.
  complexity: { defaultComplexity: 0, defaultListMultiplier: ASSUMED_LIST_SIZE },
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
    idFieldOptions: { description: 'Global ID (Relay): refetch with node(id:).' },
    nodeTypeOptions: { description: 'An object with a global ID, refetchable with node(id:).' },
    pageInfoTypeOptions: { description: 'Where a page sits in its list (Relay).' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item on this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item on this page: pass it as `after`.' },
    defaultConnectionTypeOptions: { description: 'A page of a list (Relay connection).' },
    defaultEdgeTypeOptions: { description: 'An item of a page and its cursor.' },
    edgesFieldOptions: { nullable: false, description: 'The items of this page.' },
    pageInfoFieldOptions: { description: 'Paging information.' },
    cursorFieldOptions: { description: 'Opaque position of this item; pass it as `after`.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    firstArgOptions: { description: 'Page size: 0 to 1000 (default 100).' },
    afterArgOptions: { description: 'Return items after this cursor.' },
    lastArgOptions: { description: 'Not supported: the backends only page forward.' },
    beforeArgOptions: { description: 'Not supported: the backends only page forward.' },
    nodeQueryOptions: {
      description: 'Fetches any object by its global ID (Relay object identification).',
      args: { id: { description: 'A global ID.' } },
      complexity: UPSTREAM_CALL,
    },
    nodesQueryOptions: {
      description: 'Fetches objects by their global IDs, in order; null where one is missing.',
      args: {
        ids: {
          description: `Global IDs (at most ${MAX_IDS}).`,
          validate: z.array(z.unknown()).max(MAX_IDS, `at most ${MAX_IDS} ids`),
        },
      },
      complexity: perId,
    },
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

/** The builder's type parameters, for helpers generic over its field and argument refs. */
export type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
