import { randomUUID } from 'node:crypto';
import { TOKEN } from './targets.js';

/** The bulk-jobs API of a gateway replica, as a billing system calls it: upload, start, follow by node(id). */

export interface JobState {
  id: string;
  status: string;
  dryRun: boolean;
  objectCount: number;
  succeeded: number;
  failed: number;
  skipped: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  errorCode: string | null;
  preview: { serviceLevelChanges: number; licenseEffect: string };
}

export const FINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELED'];

const JOB_FIELDS = `id status dryRun objectCount succeeded failed skipped createdAt startedAt completedAt errorCode
  preview { serviceLevelChanges licenseEffect }`;

/** One replica's API (docs/bulk-jobs.md). */
export class BulkApi {
  private readonly base: string;

  constructor(private readonly graphqlUrl: string) {
    this.base = graphqlUrl.replace(/\/graphql$/, '');
  }

  private async graphql(query: string, variables: object): Promise<any> {
    const response = await fetch(this.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: TOKEN },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (!body.data || body.errors) throw new Error(`graphql: ${JSON.stringify(body).slice(0, 400)}`);
    return body.data;
  }

  async upload(csv: string): Promise<{ uploadId: string; lines: number }> {
    const response = await fetch(`${this.base}/bulk/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: TOKEN },
      body: csv,
    });
    const body = await response.text();
    if (response.status !== 201) throw new Error(`POST /bulk/uploads: ${response.status} ${body}`);
    return JSON.parse(body) as { uploadId: string; lines: number };
  }

  async start(uploadId: string, dryRun: boolean): Promise<JobState> {
    const data = await this.graphql(
      `mutation Start($input: StartBulkJobInput!) {
        startBulkJob(input: $input) {
          __typename
          ... on StartBulkJobSuccess { job { ${JOB_FIELDS} } }
          ... on Error { code message }
        }
      }`,
      {
        input: {
          action: 'SUSPEND_LOCATION',
          uploadId,
          level: 'NO_SERVICE',
          reason: 'non-payment (bench)',
          dryRun,
          idempotencyKey: `bench-${randomUUID()}`,
        },
      },
    );
    const result = data.startBulkJob;
    if (result.__typename !== 'StartBulkJobSuccess') {
      throw new Error(`startBulkJob: ${JSON.stringify(result)}`);
    }
    return result.job as JobState;
  }

  async job(id: string): Promise<JobState> {
    const data = await this.graphql(
      `query Job($id: ID!) { node(id: $id) { ... on BulkJob { ${JOB_FIELDS} } } }`,
      {
        id,
      },
    );
    return data.node as JobState;
  }
}

/** An upload as a billing system exports it: the WiFi cloud's own ids, one location per line. */
export function suspensionCsv(customerId: string, locationIds: string[]): string {
  return ['customerId,locationId', ...locationIds.map((id) => `${customerId},${id}`)].join('\n') + '\n';
}

/** The scale seed's location ids (src/sandbox/scale-seed.ts): `67` and the 1-based index on 22 digits. */
export const scaleLocationIds = (count: number) =>
  Array.from({ length: count }, (_, i) => `67${String(i + 1).padStart(22, '0')}`);
