import { createHash } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import type { Context } from '../context.js';
import { IdempotencyKeyReusedError, InProgressError } from '../errors.js';
import { actorOf } from '../observability/audit.js';

/**
 * Idempotency keys, after Stripe's `Idempotency-Key`: the first request with a key runs and its outcome is
 * stored; the same key with the same request answers that outcome again without calling upstream; with a
 * different request it is IdempotencyKeyReusedError; while the first still runs, InProgressError.
 * Keys are scoped to the caller (a hash of the token), so two callers never share an outcome.
 */

export const idempotencyKeySchema = z
  .string()
  .min(8, 'must be at least 8 characters (a UUID is a good key)')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'may contain only printable ASCII without spaces');

export const idempotencyKeyArg = {
  description:
    'Makes a retry safe: the same key with the same input returns the first outcome instead of changing anything again (kept for IDEMPOTENCY_TTL, default 24 h; scoped to your token).',
  validate: idempotencyKeySchema,
} as const;

/** The same operation with the same input always gives the same fingerprint (graphql-js keeps field order). */
function fingerprint(operation: string, input: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, input]))
    .digest('hex');
}

export interface IdempotentResult<T> {
  outcome: T;
  replayed: boolean;
}

/**
 * Runs `run` once per caller and key. `run` gets what an earlier unfinished run saved (to resume) and a
 * `checkpoint` to save progress as it goes; it returns what to store and whether that is final. An unfinished
 * outcome (a failed step) is kept but not replayed: the next request with the key resumes from it.
 */
export async function withIdempotencyKey<T>(
  ctx: Context,
  operation: string,
  key: string,
  input: unknown,
  run: (
    saved: T | undefined,
    checkpoint: (progress: T) => Promise<void>,
  ) => Promise<{ outcome: T; finished: boolean }>,
): Promise<IdempotentResult<T>> {
  const claim = await ctx.store.claim(`${actorOf(ctx.authorization)}:${key}`, fingerprint(operation, input));
  if (claim.kind === 'mismatch') throw new IdempotencyKeyReusedError(key);
  if (claim.kind === 'busy') throw new InProgressError(key);
  if (claim.kind === 'finished') return { outcome: claim.outcome as T, replayed: true };
  const { lease } = claim;
  try {
    const { outcome, finished } = await run(claim.saved as T | undefined, (progress) =>
      ctx.store.save(lease, progress, false),
    );
    await ctx.store.save(lease, outcome, finished);
    return { outcome, replayed: false };
  } finally {
    await ctx.store.release(lease).catch((error: unknown) => {
      ctx.logger.warn(
        { err: error },
        'could not release an idempotency key; it frees itself when its lease ends',
      );
    });
  }
}

type Resolver<P, A, R> = (parent: P, args: A, ctx: Context, info: GraphQLResolveInfo) => R | Promise<R>;

/**
 * The one wrapper that makes a single-step mutation honour its optional `idempotencyKey` argument. Only a
 * success is stored (and replayed); an error frees the key so the retry runs again. A replay returns the
 * stored payload without the write; payload fields that re-read objects show them as they are now.
 */
export function idempotent<P, A extends { idempotencyKey?: string | null }, R>(
  resolve: Resolver<P, A, R>,
): Resolver<P, A, R> {
  return async (parent, args, ctx, info) => {
    const { idempotencyKey, ...input } = args;
    if (!idempotencyKey) return resolve(parent, args, ctx, info);
    const { outcome } = await withIdempotencyKey<R>(ctx, info.fieldName, idempotencyKey, input, async () => ({
      outcome: await resolve(parent, args, ctx, info),
      finished: true,
    }));
    return outcome;
  };
}
