import { customerIds } from './sandbox/seed.js';

/** The query GraphiQL opens on, on the embedded default: the README tour's first stop. */
export const defaultTourQuery = `# Welcome to subscriber-graph, running on its built-in simulators.
# The demo admin token is already in the Headers tab. Press run.
query CustomerOverview {
  customer(id: "${customerIds.ada}") {
    id
    name
    email
    locations {
      id
      name
      serviceLevel { level updatedAt }
      nodes { serialNumber model nickname connectionState }
      services(first: 5) {
        totalCount
        edges { node { sku description status startedOn } }
      }
    }
  }
}
`;
