import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { CUSTOMER_ID, TOKEN } from './targets.js';

/**
 * The hardening issue's hostile requests, sent in a loop while a normal query is measured: a deep query that
 * doubles at every level, a 20 MB body, `nodes` with 10,000 ids, and 1,000 aliases.
 */

const DEPTH = 12;
const ALIASES = 1_000;
const NODE_IDS = 10_000;
const BODY_MB = 20;

/** Customer → locations → customer ... : Linus has two locations, so each level doubles the answer. */
function deepQuery(): string {
  const fragments = Array.from({ length: DEPTH }, (_, i) =>
    i === DEPTH - 1
      ? `fragment F${i} on Customer { name }`
      : `fragment F${i} on Customer { name locations { customer { ...F${i + 1} } } }`,
  );
  return `{ customer(id: "${CUSTOMER_ID}") { ...F0 } } ${fragments.join(' ')}`;
}

function aliasesQuery(): string {
  const fields = Array.from({ length: ALIASES }, (_, i) => `a${i}: customer(id: "${CUSTOMER_ID}") { name }`);
  return `{ ${fields.join(' ')} }`;
}

function nodesBody(): string {
  const ids = Array.from({ length: NODE_IDS }, (_, i) =>
    Buffer.from(`Customer:65${String(i).padStart(22, '0')}`).toString('base64'),
  );
  return JSON.stringify({ query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids } });
}

function hugeBody(): string {
  return JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(BODY_MB * 1024 * 1024) } });
}

export const hostileKinds = {
  deep: () => JSON.stringify({ query: deepQuery() }),
  body20mb: hugeBody,
  nodes10k: nodesBody,
  aliases1k: () => JSON.stringify({ query: aliasesQuery() }),
};
type Kind = keyof typeof hostileKinds;

export interface HostileTally {
  /** Per kind: how many were sent and the statuses seen (`error` for a dropped connection or timeout). */
  [kind: string]: { sent: number; statuses: Record<string, number> };
}

/** One loop per hostile kind, each sending its request back to back until `stop()`; returns what was seen. */
export function startHostileLoop(url: string): { stop(): Promise<HostileTally> } {
  const tally: HostileTally = {};
  let running = true;
  const loop = async (kind: Kind) => {
    const body = hostileKinds[kind]();
    const entry: HostileTally[string] = { sent: 0, statuses: {} };
    tally[kind] = entry;
    while (running) {
      entry.sent++;
      let status = 'error';
      try {
        const response = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: TOKEN, 'x-request-id': randomUUID() },
          body,
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
        });
        await response.body.dump();
        status = String(response.statusCode);
      } catch {
        // A refused or cut connection is an answer too; counted as `error`.
      }
      entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
    }
  };
  const loops = (Object.keys(hostileKinds) as Kind[]).map(loop);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return tally;
    },
  };
}
