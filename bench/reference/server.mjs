import { createServer } from 'node:http';
import { execute, parse, validate } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { Pool } from 'undici';

/**
 * Reference servers for the bench (docs/performance.md): the gateway's one-field and nested screens with
 * nothing but the framework, one undici call per field and no DataLoader, limits, metrics, scope checks or
 * body validation. `REFERENCE=yoga` serves them with graphql-yoga as it ships; `REFERENCE=graphql-js` with
 * graphql-js straight on node:http (documents cached, no plugins). Not the product: they show how much of the
 * gateway's cost is the framework's. Plain JavaScript, so the bench runs it without a build.
 */

const env = process.env;
const plume = new Pool(env.PLUME_API_URL, { connections: 32 });
const services = new Pool(env.SERVICES_API_URL, { connections: 32 });

async function get(pool, path, headers) {
  const response = await pool.request({ method: 'GET', path, headers });
  return response.body.json();
}

const typeDefs = /* GraphQL */ `
  type Query {
    customer(id: ID!): Customer
  }
  type Customer {
    id: ID!
    name: String
    locations: [Location!]
  }
  type Location {
    id: ID!
    serviceLevel: ServiceLevel
    nodes: [WifiNode!]
    services(first: Int): ServiceConnection
  }
  type ServiceLevel {
    level: String
  }
  type WifiNode {
    serialNumber: String
  }
  type ServiceConnection {
    edges: [ServiceEdge!]!
  }
  type ServiceEdge {
    node: Service!
  }
  type Service {
    sku: String
  }
`;

const cloud = (context, path) =>
  get(plume, `/api/Customers/${path}`, { authorization: context.authorization });

const resolvers = {
  Query: { customer: (_, { id }, context) => cloud(context, id) },
  Customer: {
    locations: async (customer, _, context) =>
      (await cloud(context, `${customer.id}/locations`))
        .filter((location) => !location.archived)
        .map((location) => ({ ...location, customerId: customer.id })),
  },
  Location: {
    serviceLevel: async (l, _, context) => {
      const level = await cloud(context, `${l.customerId}/locations/${l.id}/serviceLevel`);
      return { level: level.status ?? level.level };
    },
    nodes: async (l, _, context) => (await cloud(context, `${l.customerId}/locations/${l.id}/nodes`)).nodes,
    services: async (l, { first }) => {
      const query = `v=${env.SERVICES_API_VERSION}&locationId=${encodeURIComponent(l.id)}&limit=${first ?? 10}`;
      const page = await get(services, `/v2/accounts/${env.SERVICES_ACCOUNT_ID}/services?${query}`, {
        'api-key': env.SERVICES_API_KEY,
      });
      return { edges: page.response.services.map((node) => ({ node })) };
    },
  },
};

const schema = createSchema({ typeDefs, resolvers });

function graphqlJs() {
  const documents = new Map();
  return createServer((req, res) => {
    if (req.method === 'GET') return res.end('ok');
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      const { query, variables } = JSON.parse(body);
      let document = documents.get(query);
      if (!document) {
        document = parse(query);
        const errors = validate(schema, document);
        if (errors.length) throw errors[0];
        documents.set(query, document);
      }
      const contextValue = { authorization: req.headers.authorization };
      const result = await execute({ schema, document, variableValues: variables, contextValue });
      const text = JSON.stringify(result);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
}

function yoga() {
  const server = createYoga({
    schema,
    context: ({ request }) => ({ authorization: request.headers.get('authorization') }),
    logging: false,
  });
  return createServer(server);
}

const server = env.REFERENCE === 'graphql-js' ? graphqlJs() : yoga();
server.listen(Number(env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
