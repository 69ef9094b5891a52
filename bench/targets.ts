import { SERVICES_ACCOUNT_ID, SERVICES_API_KEY, SERVICES_API_VERSION } from '../src/sandbox/seed.js';
import { scaleCustomerId } from '../src/sandbox/scale-seed.js';

/** What the bench asks for: one customer's name, and the nested screen, in each server's own schema. */

export const TOKEN = 'sandbox-admin-token';
/** Linus: no archived location, so the peer answers the screen without custom code (docs/performance.md). */
export const CUSTOMER_ID = '650000000000000000000003';
export const SCALE_CUSTOMER_ID = scaleCustomerId;
export const SERVICES = {
  accountId: SERVICES_ACCOUNT_ID,
  apiKey: SERVICES_API_KEY,
  version: SERVICES_API_VERSION,
};

export const gatewayQueries = {
  single: (id: string) => `{ customer(id: "${id}") { name } }`,
  nested: (id: string) => `{
    customer(id: "${id}") {
      locations {
        serviceLevel { level }
        nodes { serialNumber }
        services(first: 3) { edges { node { sku } } }
      }
    }
  }`,
};

export const meshQueries = {
  single: (id: string) => `{ getCustomer(customerId: "${id}") { ... on Customer { name } } }`,
  nested: (id: string) => `{
    getCustomer(customerId: "${id}") {
      ... on Customer {
        locations {
          ... on Location {
            serviceLevel { ... on ServiceLevel { status } }
            nodes { ... on NodeList { nodes { serialNumber } } }
            services(first: 3) { ... on LocationServicePageEnvelope { response { services { sku } } } }
          }
        }
      }
    }
  }`,
};

export type Shape = keyof typeof gatewayQueries;

/** A POST of one GraphQL document, as every GraphQL target is asked. */
export function graphqlRequest(query: string) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: TOKEN },
    body: JSON.stringify({ query }),
  };
}
