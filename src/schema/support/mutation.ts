import type { InputObjectRef, InputShape } from '@pothos/core';
import { getNamedType, type GraphQLResolveInfo, isUnionType } from 'graphql';
import { builder, type BuilderTypes as Types } from '../../builder.js';
import type { Context } from '../../context.js';
import { OutcomeUnknownError, UnexpectedError, UpstreamError } from '../../errors.js';
import { idempotencyKeyArg, idempotent } from '../../workflows/idempotency.js';
import { UPSTREAM_CALL } from './cost.js';

/**
 * What every destructive mutation's resolver is wrapped in: its idempotency key (src/workflows/
 * idempotency.ts), and an answer that is always a member of its result union. An error the union does not
 * list (an upstream 5xx, a bug) becomes UnexpectedError with the request id, logged here: a thrown error
 * would null the non-null field and with it the whole `data`, hiding what sibling mutations wrote.
 */

type Resolver<P, A, R> = (parent: P, args: A, ctx: Context, info: GraphQLResolveInfo) => R | Promise<R>;

/** The error itself when the field's union lists its type, else UnexpectedError (and a log line). */
function asUnionMember(error: unknown, ctx: Context, info: GraphQLResolveInfo): unknown {
  const union = getNamedType(info.returnType);
  const listed = isUnionType(union) && union.getTypes().some((type) => type.name === error?.constructor.name);
  if (listed) return error;
  ctx.logger.error({ err: error, path: info.fieldName }, 'unexpected error in a mutation');
  const upstream = error instanceof UpstreamError ? error : undefined;
  return new UnexpectedError(
    upstream ? 'UPSTREAM_ERROR' : 'INTERNAL_SERVER_ERROR',
    ctx.requestId,
    upstream?.details.upstreamRequestId,
  );
}

/** A mutation resolver whose failures are always data of its union. */
export function answeredAsData<P, A, R>(resolve: Resolver<P, A, R>): Resolver<P, A, R> {
  return async (parent, args, ctx, info) => {
    try {
      return await resolve(parent, args, ctx, info);
    } catch (error) {
      throw asUnionMember(error, ctx, info);
    }
  };
}

/**
 * The skeleton every destructive mutation shares, spread into its `t.field({ type, description, ... })`:
 * its expected errors and OutcomeUnknownError, one upstream call's cost, the `input` and `idempotencyKey`
 * arguments, and a resolver under its optional idempotency key whose failures are data of its union.
 */
export function destructiveField<Input extends InputObjectRef<Types, unknown>, Result>(
  input: Input,
  errors: (new (...args: never[]) => Error)[],
  resolve: (input: InputShape<Types, Input>, ctx: Context) => Result | Promise<Result>,
) {
  return {
    errors: { types: [...errors, OutcomeUnknownError] },
    complexity: UPSTREAM_CALL,
    args: builder.args((t) => ({
      input: t.field({ type: input, required: true, description: 'What to change.' }),
      idempotencyKey: t.string(idempotencyKeyArg),
    })),
    resolve: answeredAsData(
      idempotent(
        (
          _parent: unknown,
          args: { input: InputShape<Types, Input>; idempotencyKey?: string | null },
          ctx: Context,
        ) => resolve(args.input, ctx),
      ),
    ),
  };
}
