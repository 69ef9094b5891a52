import { createHash } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  validate,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestLimits } from '../config.js';
import { BoundedCache } from './bounded-cache.js';

/**
 * Document limits, all checked before execution, so a refused request makes no upstream call:
 * tokens (while parsing), depth, aliases and directives (graphql-armor validation rules), and the cost
 * (just before execution, with the request's variables). The body size is
 * src/security/body-limit.ts.
 */

/** `extensions.code` of each refusal; stable, documented in docs/security.md. */
export const LIMIT_CODES = {
  tokens: 'MAX_TOKENS_EXCEEDED',
  depth: 'MAX_DEPTH_EXCEEDED',
  aliases: 'MAX_ALIASES_EXCEEDED',
  directives: 'MAX_DIRECTIVES_EXCEEDED',
  cost: 'MAX_COST_EXCEEDED',
} as const;

/**
 * Armor's refusals carry no code and read "Syntax Error: ..." although the document is well-formed:
 * each is replaced by a coded error. Validation rules report it (every refusal in one answer); the
 * token count runs inside the parser (no validation context), where throwing is the way out.
 */
function refuseWith(code: string) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const coded = new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          extensions: { code },
        });
        if (!context) throw coded;
        context.reportError(coded);
      },
    ],
  };
}

function useDocumentLimits(limits: RequestLimits): Plugin {
  return EnvelopArmorPlugin({
    maxTokens: { n: limits.maxTokens, ...refuseWith(LIMIT_CODES.tokens) },
    // Fragments do not add depth: a client's fragment-heavy document nests no deeper than its fields.
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...refuseWith(LIMIT_CODES.depth) },
    maxAliases: { n: limits.maxAliases, ...refuseWith(LIMIT_CODES.aliases) },
    maxDirectives: { n: limits.maxDirectives, ...refuseWith(LIMIT_CODES.directives) },
    // Armor's cost counts every object and scalar alike; useCostLimit below counts upstream calls.
    costLimit: { enabled: false },
    // Suggestions are hidden by src/security/disclosure.ts, only when introspection is off.
    blockFieldSuggestion: { enabled: false },
  });
}

/**
 * The cost limit: the estimated upstream calls of the operation, from @pothos/plugin-complexity's
 * per-field costs (src/schema/support/cost.ts: upstream-backed fields cost 1, lists multiply their items'
 * selections, `nodes(ids:)` counts its ids). Chosen over graphql-armor's cost-limit, which prices every
 * field alike and cannot read list sizes from arguments.
 * Checked in onExecute rather than as a validation rule: the cost depends on the variables
 * (`nodes(ids: $ids)`), and Yoga caches validation results per document.
 * Invalid arguments or variables stop the estimate; the request then goes on to execution, which refuses
 * them with their usual BAD_USER_INPUT error at their field, before that field calls anything. (What
 * else the document asks stays bounded by the other limits and the call budget.)
 */
function useCostLimit(maxCost: number): Plugin {
  const costs = new BoundedCache<number>(COST_CACHE_BYTES, (key) => key.length + COST_ENTRY_OVERHEAD);
  const estimate = (args: ExecutionArgs): number => {
    let cost = 0;
    const rule = createComplexityRule({
      // No field's cost reads the context (src/schema/support/cost.ts), which is what makes the cache sound.
      context: {},
      variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
      operationName: args.operationName ?? undefined,
      validate: ({ complexity }) => {
        cost = complexity;
      },
    });
    validate(args.schema, args.document, [rule]);
    return cost;
  };
  const key = costKey();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cacheKey = key(args);
      let cost = cacheKey === undefined ? undefined : costs.get(cacheKey);
      if (cost === undefined) {
        cost = estimate(args);
        if (cacheKey !== undefined) costs.set(cacheKey, cost);
      }
      if (cost <= maxCost) return;
      const refusal = new GraphQLError(
        `Query cost limit of ${maxCost} exceeded, found ${cost}: each field that calls an upstream costs 1, times the lists around it. Ask for less in one request.`,
        { extensions: { code: LIMIT_CODES.cost, cost: { max: maxCost, actual: cost } } },
      );
      setResultAndStopExecution({ errors: [refusal] });
    },
  };
}

/**
 * The estimate walks the whole document (3% of a one-field request's CPU), so it is cached, keyed by the
 * document, the operation and a hash of the variables: never the variables themselves, which a client
 * makes up to MAX_REQUEST_BODY_BYTES long (3,840 requests of 95 KB once held 400 MB). Documents are
 * numbered as they come (Yoga's parser cache hands back the same DocumentNode for the same text); a
 * document parsed anew gets a new number, and its old entries age out. Keys are about 70 characters, so
 * the byte bound is also a bound on entries (~10,000 in 2 MB).
 */
function costKey(): (args: ExecutionArgs) => string | undefined {
  const numbers = new WeakMap<DocumentNode, number>();
  let next = 0;
  return (args) => {
    let document = numbers.get(args.document);
    if (document === undefined) numbers.set(args.document, (document = next++));
    const operation = args.operationName ?? '';
    // An operation name is at most what the body holds; a long one is not worth a cache entry.
    if (operation.length > MAX_CACHED_NAME) return undefined;
    const variables = args.variableValues;
    if (!variables || Object.keys(variables).length === 0) return `${document}:${operation}`;
    // src/security/variables.ts refused deep variables before parsing; without it, no cache, not a crash.
    let serialized: string;
    try {
      serialized = JSON.stringify(variables);
    } catch {
      return undefined;
    }
    return `${document}:${operation}:${createHash('sha256').update(serialized).digest('base64')}`;
  };
}

const COST_CACHE_BYTES = 2_000_000;
const COST_ENTRY_OVERHEAD = 120;
const MAX_CACHED_NAME = 100;

export function useRequestLimits(limits: RequestLimits): Plugin[] {
  return [useDocumentLimits(limits), useCostLimit(limits.maxCost)];
}
