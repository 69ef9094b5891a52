// A GraphQL Codegen plugin (codegen.ts) that writes Apollo's persisted query manifest of the clients'
// operations with Apollo's own tool (@apollo/generate-persisted-query-manifest): it runs each document
// through a real ApolloClient with an InMemoryCache, so every body is the document exactly as Apollo
// Client sends it (`__typename` added to each selection set, printed) and every id its sha256, the hash
// Apollo's persisted-query link and urql's persisted exchange compute. CommonJS, with a named export:
// what codegen's plugin loader finds.
const { generatePersistedQueryManifest } = require('@apollo/generate-persisted-query-manifest');

exports.plugin = async function plugin(_schema, documents) {
  const files = [...new Set(documents.map((document) => document.location))].sort();
  const manifest = await generatePersistedQueryManifest({ documents: files }, undefined);
  return `${JSON.stringify(manifest, null, 2)}\n`;
};
