import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { actorOf } from '../../src/security/identity.js';
import { locations } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { CancelBulkJob, StartBulkJob } from './documents.js';
import { bulkConfig, newKey, waitForJob } from './helpers.js';

/**
 * What an operator sees of bulk jobs: audit records of a job's start, cancel and end (in the owner's name,
 * never the token), the items' own workflow records, metrics, a span per item with its upstream calls as
 * children; and what nobody sees: the job's credential, sealed in Redis while it runs and gone after.
 */

describe.runIf(redisAvailable)('bulk jobs, observed', () => {
  let redis: TestRedis;
  let gw: TestGateway;
  let dir: string;
  let exporter: InMemorySpanExporter;
  const auditFile = () => join(dir, 'audit.log');
  const audit = () =>
    readFileSync(auditFile(), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, any>);
  const start = async (input: Record<string, unknown>) => {
    const answer = await gw.execute(StartBulkJob, { input: { idempotencyKey: newKey(), ...input } as never });
    const result = answer.data?.startBulkJob;
    if (result?.__typename !== 'StartBulkJobSuccess') throw new Error(JSON.stringify(answer));
    return result.job.id;
  };
  const jobIdOf = (gid: string) => Buffer.from(gid, 'base64').toString().slice('BulkJob:'.length);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sg-bulk-audit-'));
    redis = await startRedis();
    exporter = new InMemorySpanExporter();
    gw = await startTestGateway(
      { ...bulkConfig(redis.url), auditLog: auditFile(), metrics: true },
      { spanProcessors: [new SimpleSpanProcessor(exporter)] },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("audits a job's start and end in the owner's name, beside its items' own workflow records", async () => {
    const id = await start({
      action: 'SUSPEND_LOCATION',
      items: [locations.adaHome, locations.adaCottage],
      level: 'BASIC_SERVICE',
      reason: 'tiered service',
      dryRun: true,
    });
    await waitForJob(gw.url, id);
    const jobId = jobIdOf(id);
    const records = audit().filter((r) => r.targets?.bulkJobId === jobId);
    expect(records.map((r) => [r.operation, r.outcome])).toEqual([
      ['bulkJob.start', 'CREATED'],
      ['bulkJob.end', 'COMPLETED'],
    ]);
    expect(records[0]).toMatchObject({
      actor: actorOf(DEMO_ADMIN_TOKEN),
      dryRun: true,
      detail: { action: 'SUSPEND_LOCATION', objectCount: 2 },
    });
    expect(records[1]).toMatchObject({ detail: { succeeded: 2, failed: 0, skipped: 0 } });
    // Each item keeps the workflow's own record, under the item's request id.
    const items = audit().filter(
      (r) => String(r.requestId).startsWith(`bulk-${jobId}-`) && !r.operation.includes('.'),
    );
    expect(items.map((r) => [r.operation, r.outcome])).toEqual([
      ['suspendLocation', 'PREVIEW'],
      ['suspendLocation', 'PREVIEW'],
    ]);
    expect(items.every((r) => r.actor === actorOf(DEMO_ADMIN_TOKEN))).toBe(true);
    expect(readFileSync(auditFile(), 'utf8')).not.toContain(DEMO_ADMIN_TOKEN);
  });

  it('audits a cancel', async () => {
    gw.sandbox.plume.control.inject({ method: 'GET', path: '/api/Customers/*', delayMs: 200 });
    try {
      const id = await start({ action: 'RESTORE_LOCATION', items: Object.values(locations), dryRun: true });
      expect((await gw.execute(CancelBulkJob, { id })).data?.cancelBulkJob.__typename).toBe(
        'CancelBulkJobSuccess',
      );
      await waitForJob(gw.url, id);
      const records = audit().filter((r) => r.targets?.bulkJobId === jobIdOf(id));
      expect(records.map((r) => [r.operation, r.outcome])).toEqual([
        ['bulkJob.start', 'CREATED'],
        ['bulkJob.cancel', 'CANCELING'],
        ['bulkJob.end', 'CANCELED'],
      ]);
    } finally {
      gw.sandbox.plume.control.clearFaults();
    }
  });

  it('counts items by action and outcome, jobs by status, queue wait and item duration', async () => {
    const metrics = async () => (await fetch(`${gw.url}/metrics`)).text();
    const value = (text: string, series: string) =>
      Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const series = [
      'bulk_items_total{action="SUSPEND_LOCATION",outcome="SUCCEEDED"}',
      'bulk_items_total{action="SUSPEND_LOCATION",outcome="INVALID"}',
      'bulk_jobs_ended_total{action="SUSPEND_LOCATION",status="COMPLETED"}',
      'bulk_item_queue_wait_seconds_count',
      'bulk_item_duration_seconds_count{action="SUSPEND_LOCATION",outcome="SUCCEEDED"}',
    ];
    const before = await metrics();
    const id = await start({
      action: 'SUSPEND_LOCATION',
      items: [locations.linusHome, 'x'],
      level: 'NO_SERVICE',
      reason: 'r',
    });
    await waitForJob(gw.url, id);
    const after = await metrics();
    // The INVALID line never ran: counted, with no duration.
    expect(series.map((name) => value(after, name) - value(before, name))).toEqual([1, 1, 1, 1, 1]);
    expect(after).toMatch(/^bulk_jobs\{status="RUNNING"\} \d+$/m);
  });

  it('a span per item, its upstream calls its children', async () => {
    exporter.reset();
    const id = await start({
      action: 'SUSPEND_LOCATION',
      items: [locations.linusGarage],
      level: 'NO_SERVICE',
      reason: 'r',
    });
    await waitForJob(gw.url, id);
    const spans = exporter.getFinishedSpans();
    const item = spans.find((s) => s.name === 'bulk SUSPEND_LOCATION');
    expect(item?.attributes).toMatchObject({
      'bulk.job_id': jobIdOf(id),
      'bulk.item_index': 0,
      'bulk.outcome': 'SUCCEEDED',
    });
    const children = spans.filter(
      (s) => s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === item?.spanContext().spanId,
    );
    expect(children.map((s) => s.name)).toEqual(
      expect.arrayContaining(['PATCH /api/Customers/{id}/locations/{id}/serviceLevel']),
    );
  });

  it('keeps the credential sealed in Redis while the job runs, and deletes it when the job ends', async () => {
    gw.sandbox.plume.control.inject({ method: 'PATCH', path: '/api/Customers/*', delayMs: 300 });
    const client = new Redis(redis.url);
    try {
      const id = await start({
        action: 'SUSPEND_LOCATION',
        items: [locations.margaretOffice],
        level: 'NO_SERVICE',
        reason: 'r',
      });
      const key = `subscriber-graph:bulk:job:{${jobIdOf(id)}}:cred`;
      const sealed = await client.get(key);
      expect(sealed).toBeTruthy();
      expect(sealed).not.toContain(DEMO_ADMIN_TOKEN);
      expect(Buffer.from(sealed!, 'base64').toString('latin1')).not.toContain(DEMO_ADMIN_TOKEN);
      await waitForJob(gw.url, id);
      expect(await client.exists(key)).toBe(0);
      // Nowhere in Redis, in any key.
      for (const name of await client.keys('subscriber-graph:bulk:*')) {
        const type = await client.type(name);
        const dump =
          type === 'string'
            ? await client.get(name)
            : type === 'hash'
              ? JSON.stringify(await client.hgetall(name))
              : '';
        expect(dump ?? '').not.toContain(DEMO_ADMIN_TOKEN);
      }
      expect(gw.logs.join('\n')).not.toContain(DEMO_ADMIN_TOKEN);
    } finally {
      gw.sandbox.plume.control.clearFaults();
      client.disconnect();
    }
  });
});
