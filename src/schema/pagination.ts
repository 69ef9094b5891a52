import { cursorToOffset, offsetToCursor } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import type { ServicePageKey } from '../loaders.js';
import { MAX_PAGE_SIZE, type Service } from '../upstream/services.js';

/** Default page size: the services backend's own default `limit`. */
export const DEFAULT_PAGE_SIZE = 100;

export interface ForwardPageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Relay `first`/`after` → upstream `limit`/`offset`. Backward paging has no upstream equivalent. */
export function pageWindow(args: ForwardPageArgs): { limit: number; offset: number } {
  if (args.last != null || args.before != null) {
    throw badInput('Backward paging (last/before) is not supported: page forward with first/after.');
  }
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  if (args.after == null) return { limit, offset: 0 };
  let offset: number;
  try {
    offset = cursorToOffset(args.after) + 1;
  } catch {
    throw badInput('after is not a cursor from this connection.');
  }
  if (!Number.isSafeInteger(offset) || offset < 1)
    throw badInput('after is not a cursor from this connection.');
  return { limit, offset };
}

/** Resolves one page of services into a connection with `totalCount` from the upstream `count`. */
export async function servicesConnection(
  ctx: Context,
  key: Omit<ServicePageKey, 'limit' | 'offset'>,
  args: ForwardPageArgs,
) {
  const { limit, offset } = pageWindow(args);
  // The backend's limit is at least 1; `first: 0` still asks for the count.
  const page = await ctx.loaders.servicePage.load({ ...key, limit: Math.max(limit, 1), offset });
  const services: Service[] = page.services.slice(0, limit);
  const edges = services.map((node, i) => ({ cursor: offsetToCursor(offset + i), node }));
  return {
    totalCount: page.count,
    edges,
    pageInfo: {
      hasNextPage: offset + services.length < page.count,
      hasPreviousPage: offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
