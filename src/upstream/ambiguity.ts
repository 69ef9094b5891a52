import { OutcomeUnknownError, UpstreamError } from '../errors.js';
import type { Logger } from '../logger.js';

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

/** True when a failed write may still have taken effect: a timeout, a network failure after sending, a 5xx. */
export function isAmbiguous(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  const { status, failure, cause } = error.details;
  if (failure === 'timeout' || failure === 'network') {
    const code = errorCode(cause) ?? errorCode((cause as { cause?: unknown } | undefined)?.cause);
    return !code || !NEVER_SENT.has(code);
  }
  return status !== undefined && status >= 500;
}

export interface DestructiveWrite<T> {
  /** The mutation's name, reported in OutcomeUnknownError. */
  operation: string;
  /** True only when sending the same change twice cannot apply it twice (see OutcomeUnknownError). */
  safeToRetry: boolean;
  /** The one upstream call that makes the change; it answers the success payload. */
  write: () => Promise<T>;
  /** Re-reads the target after an ambiguous failure: the success payload if the change is in effect, else undefined. */
  check: () => Promise<T | undefined>;
  /** Drops what the request's loaders cached about the target; runs whatever the outcome. */
  forget?: () => void;
}

/** Runs a destructive write once; on an ambiguous failure, answers from a read-back instead of guessing. */
export async function confirmWrite<T extends object>(
  ctx: { logger: Logger },
  spec: DestructiveWrite<T>,
): Promise<Confirmed<T>> {
  try {
    return { ...(await spec.write()), confirmedBy: 'RESPONSE' };
  } catch (error) {
    if (!isAmbiguous(error)) throw error;
    const confirmed = await spec.check().catch((readError: unknown) => {
      ctx.logger.warn({ operation: spec.operation, err: describe(readError) }, 'read-back failed');
      return undefined;
    });
    ctx.logger.warn(
      { operation: spec.operation, err: describe(error), confirmed: confirmed !== undefined },
      `ambiguous ${spec.operation}: ${confirmed ? 'confirmed by read-back' : 'outcome unknown'}`,
    );
    if (!confirmed) throw new OutcomeUnknownError(spec.operation, spec.safeToRetry);
    return { ...confirmed, confirmedBy: 'READ_BACK' };
  } finally {
    spec.forget?.();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
