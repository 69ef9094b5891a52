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
 * per-field costs (src/schema/limits.ts: upstream-backed fields cost 1, lists multiply their items'
 * selections, `nodes(ids:)` counts its ids). Chosen over graphql-armor's cost-limit, which prices every
 * field alike and cannot read list sizes from arguments.
 * Checked in onExecute rather than as a validation rule: the cost depends on the variables
 * (`nodes(ids: $ids)`), and Yoga caches validation results per document.
 * Invalid arguments or variables stop the estimate; the request then goes on to execution, which refuses
 * them with their usual BAD_USER_INPUT error at their field, before that field calls anything. (What
 * else the document asks stays bounded by the other limits and the call budget.)
 */
function useCostLimit(maxCost: number): Plugin {
  // The estimate walks the whole document (3% of a one-field request's CPU): it is kept per document (Yoga's
  // parser cache hands back the same DocumentNode for the same text), operation and variables.
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const estimate = (args: ExecutionArgs): number => {
    let cost = 0;
    const rule = createComplexityRule({
      // No field's cost reads the context (src/schema/limits.ts), which is what makes the cache sound.
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
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let byInput = costs.get(args.document);
      if (!byInput) costs.set(args.document, (byInput = new Map()));
      const key = `${args.operationName ?? ''}:${args.variableValues ? JSON.stringify(args.variableValues) : ''}`;
      let cost = byInput.get(key);
      if (cost === undefined) {
        cost = estimate(args);
        // Bounded: a client varying its variables gets no cache, not a growing one.
        if (byInput.size >= MAX_CACHED_INPUTS) byInput.clear();
        byInput.set(key, cost);
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

const MAX_CACHED_INPUTS = 64;

export function useRequestLimits(limits: RequestLimits): Plugin[] {
  return [useDocumentLimits(limits), useCostLimit(limits.maxCost)];
}
