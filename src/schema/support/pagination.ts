import { GraphQLError } from 'graphql';
import type { Context } from '../../context.js';
import type { ServicePageKey } from '../../loaders.js';
import { MAX_PAGE_SIZE, type Service } from '../../upstream/services/services-model.js';

/** Default page size: the services backend's own default `limit`. */
export const DEFAULT_PAGE_SIZE = 100;

export interface ForwardPageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** What every cursor of a connection here encodes (the same text @pothos/plugin-relay's offset cursors use). */
const CURSOR_PREFIX = 'OffsetConnection:';
/** The largest offset a cursor may name: far past any list the backends hold, and a safe integer plus one. */
const MAX_CURSOR_OFFSET = 2 ** 31;
/** A decimal integer as `offsetToCursor` writes it: no sign, exponent, fraction, leading zero or spaces. */
const CANONICAL_OFFSET = /^(?:0|[1-9][0-9]{0,9})$/;

/** The cursor of the item at `offset`. */
export function offsetToCursor(offset: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${offset}`, 'utf8').toString('base64');
}

/**
 * The offset a cursor names, or undefined when it is not exactly one `offsetToCursor` makes. Stricter than
 * plugin-relay's `cursorToOffset` (parseInt reads `1e12` as 1 and `12abc` as 12) and than Node's base64
 * decoder (which skips characters it does not know): one offset has one cursor, and nothing else passes.
 */
export function cursorToOffset(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64') !== cursor || !text.startsWith(CURSOR_PREFIX)) {
    return undefined;
  }
  const digits = text.slice(CURSOR_PREFIX.length);
  if (!CANONICAL_OFFSET.test(digits)) return undefined;
  const offset = Number(digits);
  return offset <= MAX_CURSOR_OFFSET ? offset : undefined;
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
  const after = cursorToOffset(args.after);
  if (after === undefined) throw badInput('after is not a cursor from this connection.');
  // `after` names the last item seen: the page starts at the next one.
  return { limit, offset: after + 1 };
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
