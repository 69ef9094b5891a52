import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIds, DEMO_ADMIN_TOKEN, locationIds } from '../../src/sandbox/seed.js';
import { locations, tokens } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { BulkJobItems, BulkJobNode, StartBulkJob, LIVE_LOCATIONS as LIVE } from './documents.js';
import { bulkConfig, newKey, upload as uploadTo, waitForJob } from './helpers.js';

/**
 * Staged uploads (POST /bulk/uploads) and results (GET /bulk/jobs/{id}/results): CSV and NDJSON read as they
 * stream, refused whole only past the limits (413), for another type (415) or a header with no item column;
 * a bad line is an INVALID item and a repeated one a DUPLICATE, each with its line number.
 */

/** The seed's live locations, as an ISP's billing system exports them: customer and location ids. */
describe.runIf(redisAvailable)('staged uploads and results', () => {
  let redis: TestRedis;
  let gw: TestGateway;
  const upload = (body: BodyInit, type: string, token: string | null = DEMO_ADMIN_TOKEN, init = {}) =>
    uploadTo(gw.url, body, type, token, init);
  const start = async (input: Record<string, unknown>, token = DEMO_ADMIN_TOKEN) =>
    (await gw.execute(StartBulkJob, { input: { idempotencyKey: newKey(), ...input } as never }, { token }))
      .data?.startBulkJob;
  const itemsOf = async (id: string, outcome: string[], first = 3) => {
    const answer = await gw.execute(BulkJobItems, { id, outcome: outcome as never, first });
    return answer.data?.node?.__typename === 'BulkJob' ? answer.data.node.items : undefined;
  };

  beforeAll(async () => {
    redis = await startRedis();
    gw = await startTestGateway(bulkConfig(redis.url, { rates: { plume: 1000, services: 1000 } }));
  });
  afterAll(async () => {
    await gw?.close();
    await redis?.stop();
  });

  it('a 10,000-line CSV: streamed and counted; malformed lines INVALID and repeated ones DUPLICATE, with line numbers', async () => {
    // Line 1 is the header; data row n (from 0) is file line n + 2. Every tenth row is malformed; the
    // others name the seed's six live locations over and over.
    const rows = Array.from({ length: 10_000 }, (_, n) =>
      n % 10 === 7 ? `${customerIds.ada},"unclosed` : LIVE[n % LIVE.length]!.join(','),
    );
    const response = await upload(['customerId,locationId', ...rows].join('\r\n'), 'text/csv');
    expect(response.status).toBe(201);
    const { uploadId, lines } = (await response.json()) as { uploadId: string; lines: number };
    expect(lines).toBe(10_000);
    const started = await start({ action: 'RESTORE_LOCATION', uploadId, dryRun: true });
    const job = started?.__typename === 'StartBulkJobSuccess' ? started.job : undefined;
    expect(job?.objectCount).toBe(10_000);
    const done = await waitForJob(gw.url, job!.id, undefined, { limitMs: 60_000 });
    // 1000 malformed; of the 9000 others, the first line naming each location runs (nothing to restore:
    // SKIPPED) and the other 8994 are its duplicates.
    expect(done).toMatchObject({ status: 'COMPLETED', succeeded: 0, failed: 1000, skipped: 9000 });
    const invalid = await itemsOf(job!.id, ['INVALID']);
    expect(invalid?.totalCount).toBe(1000);
    expect(invalid?.edges.map((e) => [e.node.line, e.node.error?.message])).toEqual([
      [9, 'malformed CSV (a quote is not closed)'],
      [19, 'malformed CSV (a quote is not closed)'],
      [29, 'malformed CSV (a quote is not closed)'],
    ]);
    const duplicates = await itemsOf(job!.id, ['DUPLICATE'], 1);
    expect(duplicates?.totalCount).toBe(8994);
    // Row 6 (file line 8) names the first location again, which file line 2 named first.
    expect(duplicates?.edges[0]?.node).toMatchObject({
      line: 8,
      error: { code: 'DUPLICATE_ITEM', message: 'The same item as line 2: it runs once, there.' },
    });
    expect((await itemsOf(job!.id, ['SKIPPED'], 1))?.edges[0]?.node.error?.code).toBe('NOTHING_TO_RESTORE');

    // The results, as JSONL, every line, in order; only for the job's owner.
    const results = await fetch(`${gw.url}/bulk/jobs/${encodeURIComponent(job!.id)}/results`, {
      headers: { authorization: DEMO_ADMIN_TOKEN },
    });
    expect(results.headers.get('content-type')).toBe('application/x-ndjson');
    const records = (await results.text())
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text) as { line: number; outcome: string });
    expect(records.length).toBe(10_000);
    expect(records.slice(0, 2).map((r) => [r.line, r.outcome])).toEqual([
      [2, 'SKIPPED'],
      [3, 'SKIPPED'],
    ]);
    const theirs = await fetch(`${gw.url}/bulk/jobs/${encodeURIComponent(job!.id)}/results`, {
      headers: { authorization: tokens.ada },
    });
    expect(theirs.status).toBe(404);
  }, 90_000);

  it('NDJSON: one object per line; a line that is not one is INVALID with why; lines may name level and reason', async () => {
    const body = [
      JSON.stringify({ id: locations.adaHome, level: 'BASIC_SERVICE', reason: 'tiered service' }),
      '{"id": ',
      JSON.stringify([locations.adaCottage]),
      JSON.stringify({
        customerId: customerIds.ada,
        locationId: locationIds.adaCottage,
        level: 'noService',
        reason: 'non-payment',
      }),
      '',
      JSON.stringify({ id: locations.linusHome, level: 'NO_SERVICE', reason: 42 }),
    ].join('\n');
    const response = await upload(body, 'application/x-ndjson; charset=utf-8');
    expect(response.status).toBe(201);
    const { uploadId, lines } = (await response.json()) as { uploadId: string; lines: number };
    expect(lines).toBe(5);
    const started = await start({ action: 'SUSPEND_LOCATION', uploadId, dryRun: true });
    expect(started?.__typename).toBe('StartBulkJobSuccess');
    const id = started?.__typename === 'StartBulkJobSuccess' ? started.job.id : '';
    expect(await waitForJob(gw.url, id)).toMatchObject({ succeeded: 2, failed: 3 });
    const invalid = await itemsOf(id, ['INVALID'], 10);
    expect(invalid?.edges.map((e) => [e.node.line, e.node.error?.message])).toEqual([
      [2, 'not valid JSON'],
      [3, 'not a JSON object'],
      [6, 'reason must be a string'],
    ]);
  });

  it('refuses uploads past the limits (413), of another type (415), without a usable header (400) or token (401)', async () => {
    const tooLong = await upload('id\n'.padEnd(20 * 1024 * 1024 + 10, 'x'), 'text/csv');
    expect(tooLong.status).toBe(413);
    expect(await tooLong.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 20 * 1024 * 1024 });
    // Refused unread, its connection closes, and the answer says so: a client never reuses that socket.
    expect(tooLong.headers.get('connection')).toBe('close');
    // Without a declared length, it is counted as it streams and cut off past the limit.
    const chunk = new TextEncoder().encode(`${'x'.repeat(1023)}\n`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 25 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const chunked = await upload(stream, 'application/x-ndjson', DEMO_ADMIN_TOKEN, {
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const manyLines = await upload(`id\n${'x\n'.repeat(100_001)}`, 'text/csv');
    expect(manyLines.status).toBe(413);
    expect(await manyLines.json()).toMatchObject({ limit: 100_000 });
    expect((await upload('id\nx\n', 'application/json')).status).toBe(415);
    const header = await upload('name,email\nAda,ada@example.net\n', 'text/csv');
    expect(header.status).toBe(400);
    expect(await header.json()).toMatchObject({ message: expect.stringContaining('customerId') });
    expect((await upload('id\nx\n', 'text/csv', null)).status).toBe(401);
  }, 60_000);

  it("another caller's upload is not found, as an unknown one; a suspension without levels is refused before anything is queued", async () => {
    const response = await upload(`id\n${locations.adaHome}\n`, 'text/csv');
    const { uploadId } = (await response.json()) as { uploadId: string };
    const theirs = await start({ action: 'RESTORE_LOCATION', uploadId }, tokens.ada);
    const unknown = await start(
      { action: 'RESTORE_LOCATION', uploadId: '00000000-0000-4000-8000-000000000000' },
      tokens.ada,
    );
    expect(theirs).toMatchObject({ __typename: 'UploadNotFoundError', code: 'NOT_FOUND' });
    expect(unknown?.__typename).toBe(theirs?.__typename);
    const noLevel = await start({ action: 'SUSPEND_LOCATION', uploadId });
    expect(noLevel).toMatchObject({
      __typename: 'InputValidationError',
      issues: [
        {
          path: ['input', 'level'],
          message: 'required for a suspension: 1 lines of the upload name no level',
        },
        { path: ['input', 'reason'], message: expect.stringContaining('name no reason') },
      ],
    });
    const withLevel = await start({
      action: 'SUSPEND_LOCATION',
      uploadId,
      level: 'NO_SERVICE',
      reason: 'x',
      dryRun: true,
    });
    expect(withLevel?.__typename).toBe('StartBulkJobSuccess');
    const id = withLevel?.__typename === 'StartBulkJobSuccess' ? withLevel.job.id : '';
    const node = (await gw.execute(BulkJobNode, { id })).data?.node;
    expect(node).toMatchObject({ objectCount: 1 });
  });
});
