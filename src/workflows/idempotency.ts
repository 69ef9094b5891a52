import { createHash } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import type { Context } from '../context.js';
import {
  IdempotencyKeyReusedError,
  InProgressError,
  NotFoundError,
  OutcomeUnknownError,
  StoreUnavailableError,
} from '../errors.js';
import { LEASE_MS, LeaseLostError, type Lease } from '../store/index.js';
import type { WriteIntent } from '../upstream/http/ambiguity.js';

/**
 * Idempotency keys, after Stripe's `Idempotency-Key`: the first request with a key runs and its outcome is
 * stored; the same key with the same request answers that outcome again without writing; with a different
 * request it is IdempotencyKeyReusedError; while the first still runs, InProgressError.
 *
 * Exactly once, whatever fails (docs/workflows.md, "Exactly once"):
 * - A key belongs to the customer the mutation acts on, not to the caller's token: the same key after a
 *   token refresh, or with `Bearer`/case/space variants of the header, finds the first outcome. Before any
 *   answer the caller's authority over that customer is proven by reading it with the caller's token, so a
 *   caller without it never learns an outcome (the WiFi cloud answers 401; a deleted customer is a 404).
 * - The claim, and the intent of each write (with the facts a read needs to verify it), are stored before
 *   the write; a store that cannot take them refuses with StoreUnavailableError and nothing is written.
 * - The lease is renewed while the work runs; a dead replica's claim is taken over once it lapses, and the
 *   taker verifies by reading before it writes again.
 * - A write that happened is reported as what it was even when its outcome cannot be saved; the answer then
 *   carries a warning and the save is retried in the background.
 */

export const idempotencyKeySchema = z
  .string()
  .min(8, 'must be at least 8 characters (a UUID is a good key)')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'may contain only printable ASCII without spaces');

export const idempotencyKeyArg = {
  description:
    'Makes a retry safe: the same key with the same input returns the first outcome instead of changing anything again (kept for IDEMPOTENCY_TTL, default 24 h; scoped to the customer the mutation acts on, so it survives a token refresh).',
  validate: idempotencyKeySchema,
} as const;

/** The same operation with the same input always gives the same fingerprint (graphql-js keeps field order). */
function fingerprint(operation: string, input: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, input]))
    .digest('hex');
}

/** Renew the lease three times per lease period, so one late renewal never lets it lapse. */
const RENEW_EVERY_MS = Math.floor(LEASE_MS / 3);
/** How long an outcome that could not be saved keeps being retried in the background. */
const SAVE_RETRY_FOR_MS = 60_000;

/** The code of the warning an answer carries when its key's outcome could not be stored. */
export const KEY_NOT_STORED = 'IDEMPOTENCY_KEY_NOT_STORED';

/**
 * The customer a mutation's input acts on: its `customerId`, or the customer inside its Location global id.
 * Every keyed mutation names one (both backends scope everything under a customer).
 */
export function customerOf(input: unknown): string {
  const fields = (input ?? {}) as { customerId?: unknown; locationId?: { customerId?: unknown } };
  const customerId = fields.customerId ?? fields.locationId?.customerId;
  if (typeof customerId !== 'string') throw new Error('a keyed mutation must name a customer or location');
  return customerId;
}

/** The caller may act on (and so learn outcomes for) this customer: the same read the mutation would make. */
async function proveAuthority(ctx: Context, customerId: string): Promise<void> {
  const read = async () => {
    try {
      await ctx.loaders.customer.load(customerId);
    } catch (error) {
      // In scope, but deleted since (by this key's run, perhaps): the WiFi cloud says 404, not 401.
      if (!(error instanceof NotFoundError && error.resource === 'Customer')) throw error;
    }
  };
  const proofs = ctx.authorityProofs;
  await (proofs ? proofs.prove(ctx.authorization, customerId, read) : read());
}

/** A store call that fails or times out refuses the request: nothing has been written yet. */
async function beforeAnyWrite<T>(ctx: Context, key: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof LeaseLostError) throw new InProgressError(key, LEASE_MS);
    ctx.logger.warn({ err: { message: (error as Error).message } }, 'idempotency store unavailable');
    throw new StoreUnavailableError();
  }
}

/** Keeps trying to store an outcome the store refused (Redis down or restarting), for a while. */
function saveLater(ctx: Context, lease: Lease, outcome: unknown, finished: boolean): void {
  const until = Date.now() + SAVE_RETRY_FOR_MS;
  const attempt = () => {
    ctx.store.save(lease, outcome, finished).then(
      () => ctx.logger.info({ operationKey: lease.key }, 'idempotency outcome stored after a retry'),
      (error: unknown) => {
        if (error instanceof LeaseLostError || Date.now() > until) {
          ctx.logger.error({ err: { message: (error as Error).message } }, 'idempotency outcome not stored');
          return;
        }
        setTimeout(attempt, 1000).unref();
      },
    );
  };
  setTimeout(attempt, 1000).unref();
}

export interface IdempotentResult<T> {
  outcome: T;
  replayed: boolean;
}

export interface KeyedRequest {
  /** The mutation (or workflow) name: part of the fingerprint and of the audit records. */
  operation: string;
  key: string;
  /** What the key is bound to; a different input under the same key is IdempotencyKeyReusedError. */
  input: unknown;
}

/**
 * Runs `run` once per customer and key. `run` gets what an earlier unfinished run saved (to resume) and a
 * `checkpoint` that stores progress before a write (it refuses with StoreUnavailableError when it cannot);
 * it returns what to store and whether that is final. An unfinished outcome (a failed step) is kept but not
 * replayed: the next request with the key resumes from it.
 */
export async function withIdempotencyKey<T>(
  ctx: Context,
  { operation, key, input }: KeyedRequest,
  run: (
    saved: unknown,
    checkpoint: (progress: unknown, holdUntil?: number) => Promise<void>,
  ) => Promise<{ outcome: T; finished: boolean }>,
): Promise<IdempotentResult<T>> {
  const customerId = customerOf(input);
  await proveAuthority(ctx, customerId);
  const claim = await beforeAnyWrite(ctx, key, () =>
    ctx.store.claim(`customer:${customerId}:${key}`, fingerprint(operation, input), ctx.requestId),
  );
  if (claim.kind === 'mismatch') throw new IdempotencyKeyReusedError(key);
  if (claim.kind === 'busy') throw new InProgressError(key, claim.retryAfterMs);
  if (claim.kind === 'finished') return { outcome: claim.outcome as T, replayed: true };
  const { lease } = claim;
  ctx.audit.write(ctx.authorization, {
    operation,
    targets: { customerId },
    outcome: 'CLAIMED',
    upstreamRequestIds: [],
    requestId: ctx.requestId,
    detail: {
      idempotencyKey: key,
      ...(lease.startedBy !== ctx.requestId ? { resumes: lease.startedBy } : {}),
    },
  });
  const renewal = setInterval(() => {
    ctx.store.renew(lease).catch((error: unknown) => {
      ctx.logger.warn({ err: { message: (error as Error).message } }, 'could not renew an idempotency lease');
    });
  }, RENEW_EVERY_MS);
  renewal.unref();
  let result: { outcome: T; finished: boolean };
  try {
    result = await run(claim.saved, (progress, holdUntil) =>
      beforeAnyWrite(ctx, key, () => ctx.store.save(lease, progress, false, holdUntil)),
    );
  } catch (error) {
    // What was saved stays (an intent to verify, a plan to resume); the key is free for the retry now.
    await ctx.store.release(lease).catch(() => {});
    throw error;
  } finally {
    clearInterval(renewal);
  }
  try {
    await ctx.store.save(lease, result.outcome, result.finished);
    await ctx.store.release(lease).catch(() => {});
  } catch (error) {
    // The work is done (or partly done): answer it as it is, and say the key may not remember it.
    ctx.logger.warn({ err: { message: (error as Error).message } }, 'could not store an idempotency outcome');
    ctx.warnings.push({
      code: KEY_NOT_STORED,
      message: `The outcome was not stored under idempotency key ${key} (the store is unavailable); the gateway keeps trying. Until it is stored, a retry with the key verifies by reading before it writes again.`,
    });
    if (!(error instanceof LeaseLostError)) saveLater(ctx, lease, result.outcome, result.finished);
  }
  return { outcome: result.outcome, replayed: false };
}

/** What a single-step mutation stores under its key while it has not finished: the intent of its write. */
interface UnfinishedWrite {
  intent?: WriteIntent;
}

type Resolver<P, A, R> = (parent: P, args: A, ctx: Context, info: GraphQLResolveInfo) => R | Promise<R>;

/**
 * The one wrapper that makes a single-step mutation honour its optional `idempotencyKey` argument. Only a
 * success is stored (and replayed); after an error that proves nothing was written, the key's intent is
 * cleared so the retry runs again. A replay returns the stored payload without the write; payload fields
 * that re-read objects show them as they are now.
 *
 * While it runs, `ctx.writeGuard` lets the mutation's confirmWrite (src/upstream/http/ambiguity.ts) record its
 * intent before writing and verify an earlier run's intent by reading. Mutation fields run one after another
 * (GraphQL spec), so the guard belongs to this field alone.
 */
export function idempotent<P, A extends { idempotencyKey?: string | null; input: unknown }, R>(
  resolve: Resolver<P, A, R>,
): Resolver<P, A, R> {
  return async (parent, args, ctx, info) => {
    const { idempotencyKey: key, input } = args;
    if (!key) return resolve(parent, args, ctx, info);
    const request = { operation: info.fieldName, key, input };
    const { outcome } = await withIdempotencyKey<R>(ctx, request, async (saved, checkpoint) => {
      const pending = (saved as UnfinishedWrite | undefined)?.intent;
      let recorded = false;
      ctx.writeGuard = {
        pending,
        // A write that is not safe to repeat holds its key until its request's deadline: if this request
        // dies with the write in flight, nobody verifies (and perhaps repeats) it before it surely ended.
        beforeWrite: async (intent) => {
          const holdUntil = intent.safeToRetry ? undefined : intent.writeBy;
          await checkpoint({ intent } satisfies UnfinishedWrite, holdUntil);
          recorded = true;
        },
      };
      try {
        return { outcome: await resolve(parent, args, ctx, info), finished: true };
      } catch (error) {
        // This run's write failed clearly (a refusal, a 404, a rate limit): nothing was written, so the
        // next try needs no verification. An unknown outcome keeps its intent for the next try to verify.
        if (recorded && !(error instanceof OutcomeUnknownError)) {
          await checkpoint({} satisfies UnfinishedWrite).catch(() => {});
        }
        throw error;
      } finally {
        ctx.writeGuard = undefined;
      }
    });
    return outcome;
  };
}
