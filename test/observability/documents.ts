import { graphql } from '../gql/index.js';

/** A read that makes two WiFi cloud calls in order: the customer, then its locations. */
export const CustomerLocations = graphql(`
  query CustomerLocations($id: ID!) {
    customer(id: $id) {
      name
      locations {
        name
      }
    }
  }
`);
