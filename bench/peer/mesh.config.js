import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

/**
 * The peer: a GraphQL Mesh composition of the repo's OpenAPI documents of both backends, served by Hive
 * Gateway. Upstream URLs, the services key and `v` are read from the environment at run time, so one
 * composed supergraph serves any simulator ports (bench/processes.ts sets them).
 */
export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('Plume', {
        source: '../../openapi/plume.yaml',
        endpoint: '{env.PLUME_URL}',
        operationHeaders: { Authorization: '{context.headers.authorization}' },
      }),
    },
    {
      sourceHandler: loadOpenAPISubgraph('Services', {
        source: '../../openapi/services.yaml',
        endpoint: '{env.SERVICES_URL}',
        operationHeaders: { 'api-key': '{env.SERVICES_API_KEY}' },
      }),
    },
  ],
  // Location.services crosses to the other backend: links cannot say that, resolveTo can. It returns the
  // envelope union as is: resolveTo's `result` path cannot step through a union.
  additionalTypeDefs: /* GraphQL */ `
    extend type Location {
      services(first: Int): listLocationServices_response
        @resolveTo(
          sourceName: "Services"
          sourceTypeName: "Query"
          sourceFieldName: "listLocationServices"
          requiredSelectionSet: "{ id }"
          sourceArgs: {
            accountId: "{env.SERVICES_ACCOUNT_ID}"
            v: "{env.SERVICES_API_VERSION}"
            locationId: "{root.id}"
            limit: "{args.first}"
          }
        )
    }
  `,
});
