import { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * What a client sends beside the document: `variables` and `extensions`. JSON.parse reads any nesting
 * without recursion, but much after it recurses (JSON.stringify, graphql-js's coercion and inspect): a
 * value 5,000 levels deep overflowed the stack. So both are measured here, iteratively, as soon as the
 * request is parsed, and refused with 400 past MAX_VARIABLES_DEPTH levels or MAX_VARIABLES_VALUES values.
 * Their size in bytes is bounded already by MAX_REQUEST_BODY_BYTES.
 */

export const VARIABLES_CODES = {
  depth: 'VARIABLES_TOO_DEEP',
  values: 'VARIABLES_TOO_LARGE',
} as const;

export interface VariablesLimits {
  /** Most lists and objects nested inside one another (the variables object itself not counted). */
  maxDepth: number;
  /** Most values in all (each scalar, list and object counts one). */
  maxValues: number;
}

type Excess = keyof typeof VARIABLES_CODES;

/**
 * Walks a parsed JSON value with its own stack (never recursing); stops at the first limit passed. The root
 * is depth 0: `{"x": [[1]]}` nests 2 levels and holds 4 values.
 */
export function measureJson(root: unknown, { maxDepth, maxValues }: VariablesLimits): Excess | undefined {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  let counted = 1;
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return 'depth';
    const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
    counted += children.length;
    if (counted > maxValues) return 'values';
    for (const child of children) {
      values.push(child);
      depths.push(depth + 1);
    }
  }
  return undefined;
}

function refusal(excess: Excess, what: 'variables' | 'extensions', limits: VariablesLimits): GraphQLError {
  const message =
    excess === 'depth'
      ? `The request's ${what} nest deeper than ${limits.maxDepth} levels.`
      : `The request's ${what} hold more than ${limits.maxValues} values.`;
  return createGraphQLError(message, {
    extensions: { http: { status: 400 }, code: VARIABLES_CODES[excess] },
  });
}

/** Refuses deep or huge variables (and extensions) before any parsing, validation or execution. */
export function useVariablesLimits(limits: VariablesLimits): Plugin {
  return {
    onParams({ params }) {
      for (const what of ['variables', 'extensions'] as const) {
        const value = params[what];
        if (value === undefined || value === null) continue;
        const excess = measureJson(value, limits);
        if (excess) throw refusal(excess, what, limits);
      }
    },
  };
}

/**
 * graphql-js quotes an invalid value whole in its message ("Variable "$x" got invalid value "…"; … cannot
 * represent …: "…""), often twice, and validation quotes literals of the document the same way: a 90 KB
 * value came back as 180 KB. Quoted strings are cut to ECHO_CHARS, and a message to MAX_MESSAGE_CHARS.
 */
const ECHO_CHARS = 200;
const MAX_MESSAGE_CHARS = 1000;
const LONG_QUOTED = new RegExp(`"((?:[^"\\\\]|\\\\.){${ECHO_CHARS}})(?:[^"\\\\]|\\\\.)+"`, 'g');

export function shortenEcho(message: string): string {
  if (message.length <= ECHO_CHARS) return message;
  const shortened = message.replace(LONG_QUOTED, '"$1…"');
  return shortened.length <= MAX_MESSAGE_CHARS ? shortened : `${shortened.slice(0, MAX_MESSAGE_CHARS)}…`;
}

export function useEchoLimit(): Plugin {
  const shorten = <T extends { errors?: readonly GraphQLError[] }>(result: T): T => {
    if (!result.errors?.some((error) => error.message.length > ECHO_CHARS)) return result;
    const errors = result.errors.map((error) => {
      const message = shortenEcho(error.message);
      if (message === error.message) return error;
      return new GraphQLError(message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions: error.extensions,
      });
    });
    return { ...result, errors };
  };
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(shorten));
      else if (!(Symbol.asyncIterator in result)) setResult(shorten(result));
    },
  };
}
