import { z } from 'zod';
import { PlumeError } from './errors.js';
import { serviceLevelStatuses } from './models.js';
import type { ServiceLevelStatus } from '../seed.js';

/** Request inputs checked at the edge of the simulator, each failing with the cloud's own error code. */

/** Ids and serials are short word-like strings; nothing else can name a record, whatever it decodes to. */
const pathSegmentPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function isPathSegment(value: string | undefined): value is string {
  return value !== undefined && pathSegmentPattern.test(value);
}

const credentialsSchema = z.object({ email: z.string(), password: z.string() });

/** A missing email or password is a failed login, as a wrong one is. */
export function parseCredentials(body: unknown): z.infer<typeof credentialsSchema> {
  const parsed = credentialsSchema.safeParse(body);
  if (!parsed.success) throw new PlumeError('INVALID_CREDENTIALS', 'login failed');
  return parsed.data;
}

const serviceLevelBodySchema = z.object({ status: z.enum(serviceLevelStatuses) });

export function parseServiceLevelStatus(body: unknown): ServiceLevelStatus {
  const parsed = serviceLevelBodySchema.safeParse(body);
  if (!parsed.success) {
    throw new PlumeError('INVALID_SERVICE_LEVEL', `status must be one of ${serviceLevelStatuses.join(', ')}`);
  }
  return parsed.data.status;
}

const customerFilterSchema = z.object({
  where: z.object({ id: z.object({ inq: z.array(z.string()) }) }),
});

/**
 * The ids of a batch read, from LoopBack's `filter={"where":{"id":{"inq":[...]}}}`; `undefined` (every
 * customer in scope) when there is no filter. Only this one filter shape is simulated.
 */
export function parseCustomerFilter(filter: string | undefined): string[] | undefined {
  if (filter === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(filter);
  } catch {
    throw new PlumeError('INVALID_FILTER', 'filter is not valid JSON');
  }
  const parsed = customerFilterSchema.safeParse(json);
  if (!parsed.success) {
    throw new PlumeError('INVALID_FILTER', 'filter must be {"where":{"id":{"inq":[...]}}}');
  }
  return parsed.data.where.id.inq;
}
