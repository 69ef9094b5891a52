import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * What an error message may tell. graphql-js appends "Did you mean ...?" to errors about unknown fields,
 * arguments, types and enum values (also when it coerces variables, after validation); with
 * introspection off those suggestions would still spell out the schema, so they are cut. (graphql-armor's
 * blockFieldSuggestion only matches `Did you mean "x"?`, not `Did you mean the enum value "X"?`, and
 * only during validation.)
 * Yoga also copies a JSON parse error into `extensions.originalError`, whose message quotes the body
 * sent: that never goes back.
 */

const SUGGESTION = / ?Did you mean [^?]*\?/g;

function redact(error: GraphQLError, hideSuggestions: boolean): GraphQLError {
  const message = hideSuggestions ? error.message.replace(SUGGESTION, '') : error.message;
  const { originalError, ...extensions } = error.extensions ?? {};
  if (message === error.message && originalError === undefined) return error;
  // Yoga answers a body that is not JSON with 400 even under `application/json` because of this
  // `originalError`; without it the error's `spec` flag would turn the status into 200.
  const http = extensions.http as { spec?: boolean } | undefined;
  if (originalError !== undefined && http?.spec) extensions.http = { ...http, spec: false };
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}

/** With introspection off, `__schema` and `__type` are refused in validation. */
export function useNoIntrospection(): Plugin {
  return { onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) };
}

export function useErrorDisclosure({ hideSuggestions }: { hideSuggestions: boolean }): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) {
        setResult(result.map((single) => redactResult(single, hideSuggestions)));
      } else if (!(Symbol.asyncIterator in result)) {
        setResult(redactResult(result, hideSuggestions));
      }
    },
  };
}

function redactResult<T extends { errors?: readonly GraphQLError[] }>(
  result: T,
  hideSuggestions: boolean,
): T {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((error) => redact(error, hideSuggestions)) };
}
