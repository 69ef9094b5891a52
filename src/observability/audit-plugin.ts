import { typeBrandKey } from '@pothos/core';
import { InputValidationError } from '@pothos/plugin-validation';
import {
  GraphQLError,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  GraphQLObjectType,
  GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { AUDITS_ITSELF } from '../security/identity.js';
import { DomainError, UpstreamError } from '../errors.js';
import { customerRefSchema, locationGlobalIdSchema } from '../domain/global-ids.js';

/**
 * Every Mutation root field writes one audit record (src/observability/audit.ts) when it settles: who
 * (hashed token), which field, on which ids, with what outcome, and the upstream calls it made. One wrapper
 * around each Mutation field's resolver, so resolvers stay free of audit lines and no mutation is missed.
 * Workflows add their own step records with `ctx.audit.write`.
 */

/** Resolvers already wrapped: a schema rebuilt from an audited one must not audit twice. */
const auditedResolvers = new WeakSet<GraphQLFieldResolver<unknown, Context>>();

export function useAuditTrail(): Plugin {
  return {
    onSchemaChange({ schema, replaceSchema }) {
      const audited = withAuditTrail(schema);
      if (audited !== schema) replaceSchema(audited);
    },
  };
}

/** A copy of the schema whose Mutation fields write audit records; the schema itself when already so. */
function withAuditTrail(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;
  const { fields, ...mutationConfig } = mutation.toConfig();
  const pending = Object.values(fields).some(
    (field) => field.resolve && !auditedResolvers.has(field.resolve),
  );
  if (!pending) return schema;
  const auditedMutation = new GraphQLObjectType({
    ...mutationConfig,
    fields: Object.fromEntries(
      Object.entries(fields).map(([name, field]) => [name, auditedField(name, field)]),
    ),
  });
  const config = schema.toConfig();
  return new GraphQLSchema({
    ...config,
    mutation: auditedMutation,
    types: config.types.filter((type) => type !== mutation),
  });
}

function auditedField(
  name: string,
  field: GraphQLFieldConfig<unknown, Context>,
): GraphQLFieldConfig<unknown, Context> {
  const resolve = field.resolve;
  if (!resolve || auditedResolvers.has(resolve)) return field;
  // A workflow writes its own records for what it ran; an answer without a report (an input error, a
  // busy key, a failed plan) is audited here like any other mutation's.
  const auditsItself = Boolean(field.extensions?.[AUDITS_ITSELF]);
  const audited: GraphQLFieldResolver<unknown, Context> = async (root, args, ctx, info) => {
    // Mutation root fields run one after another, so the calls made from here on are this field's.
    const firstCall = ctx.ledger.calls.length;
    const write = (outcome: string) => {
      const calls = ctx.ledger.calls.slice(firstCall);
      ctx.audit.write(ctx.authorization, {
        operation: name,
        targets: targetsOf(args),
        outcome,
        upstreamRequestIds: calls.flatMap((call) => (call.upstreamRequestId ? [call.upstreamRequestId] : [])),
        requestId: ctx.requestId,
        detail: {
          upstreamCalls: calls.map((call) => ({
            upstream: call.upstream,
            operation: call.operation,
            status: call.failure ?? call.status,
          })),
        },
      });
    };
    try {
      const result: unknown = await resolve(root, args, ctx, info);
      const failed = expectedErrorCode(result);
      if (failed || !auditsItself) write(failed ?? 'SUCCESS');
      return result;
    } catch (error) {
      write(codeOf(error));
      throw error;
    }
  };
  auditedResolvers.add(audited);
  return { ...field, resolve: audited };
}

/**
 * The code of an expected failure returned as data. The errors plugin returns it wrapped in a proxy
 * branded with the error class, on which `instanceof Error` is false; its `code` reads through.
 */
function expectedErrorCode(result: unknown): string | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const brand: unknown = (result as Record<PropertyKey, unknown>)[typeBrandKey];
  const isError =
    result instanceof Error || (typeof brand === 'function' && brand.prototype instanceof Error);
  if (!isError) return undefined;
  const code: unknown = (result as { code?: unknown }).code;
  // InputValidationError has no code of its own; the Error interface shows it as INPUT_VALIDATION.
  return typeof code === 'string' ? code : 'INPUT_VALIDATION';
}

/** The code the client sees for a thrown error: its own, or the masked one (see maskError in src/yoga.ts). */
function codeOf(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  if (error instanceof InputValidationError) return 'INPUT_VALIDATION';
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string')
    return error.extensions.code;
  if (error instanceof Error && error.name === 'PothosValidationError') return 'BAD_USER_INPUT';
  return error instanceof UpstreamError ? 'UPSTREAM_ERROR' : 'INTERNAL_SERVER_ERROR';
}

/** Global IDs decoded into the upstream ids they name; anything unreadable is kept as sent, cut short. */
const decoders: Record<string, (value: string) => Record<string, string> | undefined> = {
  locationId: (value) => locationGlobalIdSchema.safeParse(value).data,
  customerId: (value) => {
    const customerId = customerRefSchema.safeParse(value).data;
    return customerId === undefined ? undefined : { customerId };
  },
};

const MAX_RAW_ID = 128;

/** The ids a mutation names: `*Id` and `serialNumber` fields of its `input` (or of its arguments). */
function targetsOf(args: Record<string, unknown>): Record<string, string> {
  const input = args.input && typeof args.input === 'object' ? (args.input as Record<string, unknown>) : args;
  const targets: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (typeof value !== 'string' || !(key.endsWith('Id') || key === 'serialNumber')) continue;
    Object.assign(targets, decoders[key]?.(value) ?? { [key]: value.slice(0, MAX_RAW_ID) });
  }
  return targets;
}
