import { OutcomeUnknownError, UpstreamError } from '../../errors.js';
import type { Logger } from '../../logger.js';

/**
 * Read-back after ambiguity, for every destructive call. A timeout, a connection lost after sending or a
 * 5xx says nothing about whether the backend applied the change, and resending it could apply it twice.
 * So the gateway never resends: it re-reads the target once and answers the success (`READ_BACK`) when
 * the change is in effect, or OutcomeUnknownError when it cannot tell.
 */

/** How a success was established: the backend's own answer, or a re-read after an ambiguous failure. */
export type ConfirmedBy = 'RESPONSE' | 'READ_BACK';
/** A success payload with how it was confirmed. */
export type Confirmed<T> = T & { confirmedBy: ConfirmedBy };

/** Connection errors raised before the request left: nothing can have happened upstream. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True when a failed write may still have taken effect: a timeout, a network failure after sending, a 5xx,
 * or a 2xx whose body could not be read.
 */
export function isAmbiguous(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  const { status, failure, cause } = error.details;
  if (failure === 'timeout' || failure === 'network') {
    const code = errorCode(cause) ?? errorCode((cause as { cause?: unknown } | undefined)?.cause);
    return !code || !NEVER_SENT.has(code);
  }
  // A 2xx whose body could not be used (malformed, too large): the backend accepted the change.
  return status !== undefined && (status >= 500 || (status >= 200 && status < 300));
}

/**
 * What an idempotency key records before a write (src/workflows/idempotency.ts): enough for a later request
 * with the key to verify by a read whether the write took effect, before it writes again.
 */
export interface WriteIntent {
  operation: string;
  safeToRetry: boolean;
  /** What the write's `prepare` read before it (e.g. a decrease's quantities before). */
  facts?: unknown;
  /** Epoch ms by which the write's request surely ended (its deadline). */
  writeBy: number;
}

/** The idempotency key's hold on the write running now (set by `idempotent()` for a keyed mutation). */
export interface WriteGuard {
  /** An earlier run under the same key recorded this intent and did not finish: its write may have happened. */
  pending?: WriteIntent;
  /** Records the intent before the write; refuses (StoreUnavailableError) when it cannot, and nothing is written. */
  beforeWrite(intent: WriteIntent): Promise<void>;
}

export interface DestructiveWrite<T, F = unknown> {
  /** The mutation's name, reported in OutcomeUnknownError. */
  operation: string;
  /** True only when sending the same change twice cannot apply it twice (see OutcomeUnknownError). */
  safeToRetry: boolean;
  /**
   * Reads, before a keyed write, the facts `check` needs to tell whether the write took effect (a decrease's
   * quantities before). Without it, `check` gets no facts.
   */
  prepare?: () => Promise<F>;
  /** The one upstream call that makes the change; it answers the success payload. */
  write: () => Promise<T>;
  /**
   * Re-reads the target: the success payload if the change is in effect, undefined if it is not (or cannot
   * be told). May throw OutcomeUnknownError when the read shows something else changed it.
   */
  check: (facts?: F) => Promise<T | undefined>;
  /** Drops what the request's loaders cached about the target; runs whatever the outcome. */
  forget?: () => void;
}

interface WriteContext {
  logger: Logger;
  writeGuard?: WriteGuard;
  /** Epoch ms at which the request's deadline ends. */
  deadlineAt(): number;
}

/**
 * Runs a destructive write once; on an ambiguous failure, answers from a read-back instead of guessing.
 * Under an idempotency key, an earlier unfinished run's write is first verified by a read (answered as
 * READ_BACK when in effect), and this run's intent is recorded before it writes.
 */
export async function confirmWrite<T extends object, F = unknown>(
  ctx: WriteContext,
  spec: DestructiveWrite<T, F>,
): Promise<Confirmed<T>> {
  const guard = ctx.writeGuard;
  try {
    if (guard?.pending) {
      const done = await spec.check(guard.pending.facts as F);
      ctx.logger.info(
        { operation: spec.operation, confirmed: done !== undefined },
        `resumed ${spec.operation}: ${done ? 'the earlier write took effect' : 'the earlier write did not take effect; writing now'}`,
      );
      if (done) return { ...done, confirmedBy: 'READ_BACK' };
    }
    const facts = guard && spec.prepare ? await spec.prepare() : undefined;
    await guard?.beforeWrite({
      operation: spec.operation,
      safeToRetry: spec.safeToRetry,
      facts,
      writeBy: ctx.deadlineAt(),
    });
    return await written(ctx, spec, facts);
  } finally {
    spec.forget?.();
  }
}

async function written<T extends object, F>(
  ctx: WriteContext,
  spec: DestructiveWrite<T, F>,
  facts: F | undefined,
): Promise<Confirmed<T>> {
  try {
    return { ...(await spec.write()), confirmedBy: 'RESPONSE' };
  } catch (error) {
    if (!isAmbiguous(error)) throw error;
    const confirmed = await spec.check(facts).catch((readError: unknown) => {
      if (readError instanceof OutcomeUnknownError) throw readError;
      ctx.logger.warn({ operation: spec.operation, err: describe(readError) }, 'read-back failed');
      return undefined;
    });
    ctx.logger.warn(
      { operation: spec.operation, err: describe(error), confirmed: confirmed !== undefined },
      `ambiguous ${spec.operation}: ${confirmed ? 'confirmed by read-back' : 'outcome unknown'}`,
    );
    if (!confirmed) throw new OutcomeUnknownError(spec.operation, spec.safeToRetry);
    return { ...confirmed, confirmedBy: 'READ_BACK' };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
