import type { FetchAPI, Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { BulkJobsUnavailableError } from './errors.js';
import { ownerOf } from '../security/identity.js';
import { BULK_JOB_TYPENAME, jobIdOf } from './ids.js';
import type { BulkJobs } from './service.js';
import { formatOf, MAX_UPLOAD_BYTES, UploadRefusedError } from './uploads.js';

/**
 * The two HTTP routes of bulk jobs, beside the graph (same `authorization` header):
 * - `POST /bulk/uploads` (text/csv or application/x-ndjson): `{ "uploadId", "lines" }`; 413 past 20 MB or
 *   100,000 lines, 415 for any other type, 400 for a CSV whose header names no item column.
 * - `GET /bulk/jobs/{id}/results`: the job's item results as JSONL, in line order, streamed.
 * Errors are JSON `{ "code", "message" }`. Another caller's job answers 404 exactly as an unknown one.
 */

const UPLOADS = '/bulk/uploads';
const RESULTS = /^\/bulk\/jobs\/([^/]+)\/results$/;
const RESULTS_CHUNK = 500;

type Fetch = Pick<FetchAPI, 'Response' | 'ReadableStream'>;

const json = (web: Fetch, status: number, body: unknown, headers: Record<string, string> = {}) =>
  new web.Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });

export function useBulkRoutes(bulk: BulkJobs | undefined, logger: Logger): Plugin {
  const handle = async (web: Fetch, request: Request, path: string): Promise<Response | undefined> => {
    const results = RESULTS.exec(path);
    if (path !== UPLOADS && !results) return undefined;
    // An upload refused before its body was read whole: the connection closes after the answer, and says
    // so, or a keep-alive client would send its next request on a socket the server is closing (RFC 9112 9.6).
    const unread: Record<string, string> =
      path === UPLOADS && request.method === 'POST' ? { connection: 'close' } : {};
    const refusal = (status: number, code: string, message: string, extra: object = {}) =>
      json(web, status, { code, message, ...extra }, unread);
    const expected = path === UPLOADS ? 'POST' : 'GET';
    if (request.method !== expected) {
      return json(web, 405, { code: 'METHOD_NOT_ALLOWED', message: `Use ${expected}.` }, { allow: expected });
    }
    if (!bulk) return refusal(503, 'BULK_JOBS_UNAVAILABLE', new BulkJobsUnavailableError().message);
    const owner = ownerOf(request.headers.get('authorization') ?? undefined);
    if (!owner) return refusal(401, 'NOT_AUTHORIZED', 'The Authorization header is missing.');
    try {
      if (!results) return await upload(web, bulk, owner, request);
      return await resultsOf(web, bulk, owner, results[1]!);
    } catch (error) {
      if (error instanceof UploadRefusedError) {
        const code = CODES[error.status];
        return refusal(error.status, code, error.message, error.limit ? { limit: error.limit } : {});
      }
      logger.warn({ err: { message: (error as Error).message } }, 'bulk route failed');
      return refusal(
        503,
        'STORE_UNAVAILABLE',
        'Bulk jobs are unavailable right now (Redis); try again shortly.',
      );
    }
  };
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith('/bulk/')) return;
      const response = await handle(fetchAPI, request, url.pathname);
      if (response) endResponse(response);
    },
  };
}

const CODES = { 400: 'BAD_REQUEST', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' } as const;

async function upload(web: Fetch, bulk: BulkJobs, owner: string, request: Request): Promise<Response> {
  const format = formatOf(request.headers.get('content-type'));
  if (!format) {
    throw new UploadRefusedError(415, 'Upload text/csv (with a header row) or application/x-ndjson.');
  }
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_UPLOAD_BYTES) {
    throw new UploadRefusedError(
      413,
      `An upload holds at most ${MAX_UPLOAD_BYTES} bytes (20 MB).`,
      MAX_UPLOAD_BYTES,
    );
  }
  if (!request.body) throw new UploadRefusedError(400, 'The upload is empty.');
  const { uploadId, lines } = await bulk.uploads.receive(owner, format, request.body);
  return json(web, 201, { uploadId, lines });
}

/** A path segment as sent (percent-encoded), decoded; undefined when it is not valid percent-encoding. */
function segment(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

async function resultsOf(web: Fetch, bulk: BulkJobs, owner: string, encoded: string): Promise<Response> {
  const id = segment(encoded) ?? encoded;
  const jobId = jobIdOf(id);
  const job = jobId ? await bulk.store.get(jobId) : undefined;
  if (!job || job.owner !== owner) {
    return json(web, 404, { code: 'NOT_FOUND', message: `${BULK_JOB_TYPENAME} ${id} was not found.` });
  }
  let from = 0;
  const encoder = new TextEncoder();
  const body = new web.ReadableStream<Uint8Array>({
    async pull(controller) {
      if (from >= job.objectCount) return controller.close();
      const texts = await bulk.store.resultsRange(
        job.id,
        from,
        Math.min(RESULTS_CHUNK, job.objectCount - from),
      );
      from += RESULTS_CHUNK;
      const lines = texts.filter((text): text is string => Boolean(text)).map((text) => `${text}\n`);
      if (lines.length) controller.enqueue(encoder.encode(lines.join('')));
    },
  });
  return new web.Response(body, {
    status: 200,
    headers: {
      'content-type': 'application/x-ndjson',
      'cache-control': 'no-store',
      'content-disposition': `attachment; filename="bulk-job-${job.id}.jsonl"`,
    },
  });
}
