import { z } from 'zod';
import {
  DomainError,
  InvalidServiceLevelError,
  LocationAlreadyArchivedError,
  NoClaimedNodesError,
  NodeAlreadyUnclaimedError,
  NotAuthorizedError,
  NotFoundError,
} from '../../errors.js';
import type { ClassifyError } from '../http/call.js';

/**
 * The WiFi cloud's error rows (contract tables, docs/backends.md "Errors"), mapped by HTTP status per
 * operation. Neither contract publishes error bodies, so a body `code` refines the answer only when present;
 * where one status stands for several rows (a 404 on unclaim: location unknown, serial unknown, zero claimed
 * nodes; a 401: the token, or the customer outside its scope), the adapter reads the state to tell which
 * (`explain`).
 */

export type PlumeOperation =
  | 'getCustomer'
  | 'getCustomers'
  | 'listLocations'
  | 'getLocation'
  | 'listNodes'
  | 'getServiceLevel'
  | 'setServiceLevel'
  | 'unclaimNode'
  | 'archiveLocation'
  | 'deleteCustomer';

/** The ids (and level) a call names in its path or body. */
export interface PlumeTarget {
  customerId: string;
  locationId?: string;
  serialNumber?: string;
  status?: ConstructorParameters<typeof InvalidServiceLevelError>[0];
}

/** A 401 or 404 whose body named no known code: the adapter reads the state to say which row it was. */
export class Unexplained extends Error {
  override name = 'Unexplained';
  constructor(readonly status: 401 | 404) {
    super(`unexplained ${status}`);
  }
}

const codedBody = z.object({ error: z.object({ code: z.string() }) });
const codeOf = (body: unknown) => codedBody.safeParse(body).data?.error.code;

/** 404 codes the cloud may send, and the outcome each names for this call's ids. */
function notFoundByCode(code: string | undefined, t: PlumeTarget): DomainError | undefined {
  switch (code) {
    case 'CUSTOMER_NOT_FOUND':
      return new NotFoundError('Customer', t.customerId);
    case 'LOCATION_NOT_FOUND':
      return t.locationId ? new NotFoundError('Location', t.locationId) : undefined;
    case 'LOCATION_ARCHIVED':
      return t.locationId
        ? new NotFoundError('Location', t.locationId, 'the location is archived')
        : undefined;
    case 'NODE_NOT_FOUND':
      return t.serialNumber ? new NotFoundError('Node', t.serialNumber) : undefined;
    case 'NO_CLAIMED_NODES':
      return t.locationId && t.serialNumber ? new NoClaimedNodesError(t.locationId) : undefined;
    default:
      return undefined;
  }
}

/** Maps one call's error answers: by status for this operation, a known body code where there is one. */
export function classifyPlume(operation: PlumeOperation, t: PlumeTarget): ClassifyError {
  return (status, body) => {
    switch (status) {
      case 401:
        // The batch read checks the token alone (it leaves out customers it may not see).
        return operation === 'getCustomers' ? new NotAuthorizedError('TOKEN') : new Unexplained(401);
      case 400:
        return operation === 'unclaimNode' && t.serialNumber
          ? new NodeAlreadyUnclaimedError(t.serialNumber)
          : undefined;
      case 409:
        return operation === 'archiveLocation' && t.locationId
          ? new LocationAlreadyArchivedError(t.locationId)
          : undefined;
      case 422:
        return operation === 'setServiceLevel' && t.status
          ? new InvalidServiceLevelError(t.status)
          : undefined;
      case 404:
        // A call that names only a customer has one 404 row: that customer is gone.
        return (
          notFoundByCode(codeOf(body), t) ??
          (t.locationId ? new Unexplained(404) : new NotFoundError('Customer', t.customerId))
        );
      default:
        return undefined;
    }
  };
}

/** The reads `explain` needs; PlumeApi provides them. */
export interface PlumeReads {
  getCustomers(customerIds: readonly string[]): Promise<unknown>;
  getCustomer(customerId: string): Promise<unknown>;
  getLocation(customerId: string, locationId: string): Promise<{ archived: boolean }>;
  listNodes(customerId: string, locationId: string): Promise<unknown[]>;
}

/**
 * Which row an uncoded 401 or 404 was, from the state. Each read is itself classified, so a location read
 * that 404s has already said whether the customer or the location is missing; that answer is the outcome.
 * A 404 read that fails unexpectedly propagates (masked): the gateway does not guess; a 401 stays a 401.
 */
export async function explain(
  reads: PlumeReads,
  operation: PlumeOperation,
  t: PlumeTarget,
  status: 401 | 404,
): Promise<Error> {
  try {
    if (status === 401) {
      // The token passes the batch read (401 there otherwise): so this customer is outside its scope.
      // If that read fails otherwise, the 401 stands without a reason.
      const tokenValid = await reads.getCustomers([t.customerId]).then(
        () => true,
        (error: unknown) => (error instanceof NotAuthorizedError ? false : undefined),
      );
      if (tokenValid === undefined) return new NotAuthorizedError();
      return new NotAuthorizedError(tokenValid ? 'CUSTOMER_SCOPE' : 'TOKEN');
    }
    // An unexplained 404 comes only from calls that name a location (see classifyPlume).
    return await explainNotFound(reads, operation, { ...t, locationId: t.locationId ?? '' });
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

async function explainNotFound(
  reads: PlumeReads,
  operation: PlumeOperation,
  t: PlumeTarget & { locationId: string },
): Promise<Error> {
  switch (operation) {
    case 'unclaimNode': {
      // The cloud's own order: location, then "zero claimed nodes", then the serial.
      const claimed = await reads.listNodes(t.customerId, t.locationId);
      return claimed.length === 0
        ? new NoClaimedNodesError(t.locationId)
        : new NotFoundError('Node', t.serialNumber ?? '');
    }
    case 'getServiceLevel':
    case 'setServiceLevel': {
      const location = await reads.getLocation(t.customerId, t.locationId);
      const reason = location.archived ? 'the location is archived' : undefined;
      return new NotFoundError('Location', t.locationId, reason);
    }
    default:
      await reads.getCustomer(t.customerId);
      return new NotFoundError('Location', t.locationId);
  }
}
