import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';

/** A bulk job's global ID (`BulkJob:<uuid>`), as node(id:), the routes and the subscription take it. */

export const BULK_JOB_TYPENAME = 'BulkJob';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const bulkJobGlobalId = (id: string) => encodeGlobalID(BULK_JOB_TYPENAME, id);

/** The job id inside a BulkJob global ID; undefined for anything else. */
export function jobIdOf(globalId: string): string | undefined {
  try {
    const { typename, id } = decodeGlobalID(globalId);
    return typename === BULK_JOB_TYPENAME && UUID.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The upload id as `POST /bulk/uploads` answered it (a UUID); undefined for anything else. */
export const uploadIdOf = (value: string) => (UUID.test(value) ? value : undefined);
