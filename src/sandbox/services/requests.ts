import { z } from 'zod';
import { apiError, ErrorCode, ServicesApiError } from './envelope.js';
import { MAX_LIMIT, statusFilters } from './state.js';

/** Query and body schemas of the services endpoints, and the mapping of their failures to codes 2001/2002. */

/** Query values arrive as strings; only plain decimal integers count (no `1e3`, `0x10` or `1.0`). */
const integerParam = z
  .string()
  .regex(/^-?\d+$/, 'Expected an integer')
  .transform(Number);

const listQuery = z.object({
  sku: z.string().optional(),
  status: z.enum(statusFilters).optional(),
  agreementId: integerParam.optional(),
  limit: integerParam.pipe(z.number().min(1).max(MAX_LIMIT)).optional(),
  offset: integerParam.pipe(z.number().min(0)).optional(),
});

export const locationServicesQuery = listQuery.extend({
  locationId: z.string().optional(),
  // Partner Portal mode: the account the location is in (docs/sandbox-services.md).
  locationAccountId: z.string().optional(),
});

export const subAccountServicesQuery = listQuery.extend({
  subAccountId: z.string().optional(),
});

const agreementId = z.number().int().optional();

export const cancelLocationBody = z.object({
  locationId: z.string().min(1),
  // Partner Portal mode: only a location in this account matches.
  locationAccountId: z.string().optional(),
  agreementId,
  skus: z.array(z.string()).optional(),
});

export const decreaseBody = z.object({
  subAccountId: z.string().min(1),
  skuRemovals: z
    .array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1).optional() }))
    .min(1),
  agreementId,
});

export const cancelAllBody = z.object({
  subAccountId: z.string().min(1),
  agreementId,
});

/**
 * Parses `input` or throws every problem at once: a top-level field that is absent is 2001 (only required
 * fields can fail that way), anything else is 2002.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues.map((issue) => {
    const missing = issue.path.length === 1 && input[String(issue.path[0])] === undefined;
    const message = `${z.core.toDotPath(issue.path)}: ${missing ? 'Required' : issue.message}`;
    return apiError(missing ? ErrorCode.MissingField : ErrorCode.InvalidValue, message);
  });
  // A failed parse has at least one issue.
  throw new ServicesApiError([first!, ...rest]);
}

/** The JSON object body of a request; anything else (no body, bad JSON, an array) is 2001. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const body: unknown = await request.json().catch(() => undefined);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ServicesApiError.of(ErrorCode.MissingField, 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
