import { DomainError } from '../errors.js';

/** The expected failures of bulk jobs; src/schema/bulk-job.ts exposes each as a GraphQL type. */

/** No Redis: no REDIS_URL and no redis-server to start on the embedded default (or no credential key). */
export class BulkJobsUnavailableError extends DomainError {
  readonly code = 'BULK_JOBS_UNAVAILABLE';
  constructor(
    reason = 'Bulk jobs need Redis: set REDIS_URL (shared by every replica), or install redis-server for the embedded default.',
  ) {
    super(reason);
  }
}

/** No such job for this caller: another caller's job answers exactly the same. */
export class BulkJobNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(readonly id: string) {
    super(`Bulk job ${id} was not found.`);
  }
}

/** No such upload for this caller (or it expired): another caller's upload answers exactly the same. */
export class UploadNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(readonly uploadId: string) {
    super(`Upload ${uploadId} was not found (uploads are kept for 24 hours).`);
  }
}

/** cancelBulkJob on a job that already ended. */
export class BulkJobFinishedError extends DomainError {
  readonly code = 'BULK_JOB_FINISHED';
  constructor(
    readonly id: string,
    readonly status: string,
  ) {
    super(`Bulk job ${id} already ended (${status}); there is nothing left to cancel.`);
  }
}
