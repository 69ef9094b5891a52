import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIds, DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

/**
 * Memory an anonymous client controls (issue 19, finding 5): a gateway process with a 128 MB heap, flooded
 * with what once filled it. Before, 3,840 `{ __typename }` requests carrying 95 KB of distinct variables
 * left 400 MB on the heap (the cost cache kept every variables JSON), and Yoga's parser cache kept 1,024
 * documents of up to ~400 KB each: such a process died. The heap is read from the process after a full
 * garbage collection, which a small preloaded hook runs on SIGUSR2 (the gateway's code is untouched).
 */

const HEAP_MB = 128;
const MB = 1_000_000;
/** Below MAX_REQUEST_BODY_BYTES (100 KB) with the rest of the body. */
const PAD = 'x'.repeat(95_000);

const running: ChildProcess[] = [];
let server: ServerProcess;

function gcHook(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gc-hook-')), 'gc-hook.mjs');
  writeFileSync(
    file,
    "process.on('SIGUSR2', () => { globalThis.gc(); console.log(`heap after gc: ${process.memoryUsage().heapUsed}`); });\n",
  );
  return file;
}

/** The gateway's heap in use right after a full collection, as the process reports it. */
async function heapAfterGc(): Promise<number> {
  const readings = () => [...server.output().matchAll(/heap after gc: (\d+)/g)].map((m) => Number(m[1]));
  const before = readings().length;
  server.child.kill('SIGUSR2');
  for (let waited = 0; readings().length === before; waited += 50) {
    if (waited > 10_000) throw new Error('the gateway did not report its heap');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return readings().at(-1)!;
}

async function postJson(body: unknown, token?: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** Sends every body, `concurrency` at a time; answers the statuses seen, with their counts. */
async function flood(bodies: Iterable<unknown>, concurrency = 16): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  const queue = bodies[Symbol.iterator]();
  const worker = async () => {
    for (let next = queue.next(); !next.done; next = queue.next()) {
      const { status } = await postJson(next.value);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

async function expectStillServes(): Promise<void> {
  const answer = await postJson(
    { query: `{ customer(id: "${customerIds.ada}") { name } }` },
    DEMO_ADMIN_TOKEN,
  );
  expect(answer.json).toEqual({ data: { customer: { name: 'Ada Lovelace' } } });
}

describe(`a gateway with a ${HEAP_MB} MB heap under a flood of client-made input`, () => {
  let baseline: number;

  beforeAll(async () => {
    server = await startServer(
      {
        NODE_OPTIONS: `--max-old-space-size=${HEAP_MB} --expose-gc --import ${gcHook()}`,
        AUDIT_LOG: 'off',
      },
      running,
    );
    await expectStillServes();
    baseline = await heapAfterGc();
  }, 30_000);

  afterAll(() => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('3,840 requests with 95 KB of distinct variables (60 documents × 64) leave the heap as it was', async () => {
    function* bodies() {
      for (let document = 0; document < 60; document++) {
        for (let variables = 0; variables < 64; variables++) {
          yield { query: `query Flood${document} { __typename }`, variables: { pad: `${variables}${PAD}` } };
        }
      }
    }
    expect(await flood(bodies())).toEqual({ 200: 3840 });
    expect(server.child.exitCode).toBeNull();
    await expectStillServes();
    // 365 MB of variables went through; the cost cache keeps only hashes of them (~2 MB at most).
    expect(await heapAfterGc()).toBeLessThan(baseline + 16 * MB);
  }, 120_000);

  it('300 distinct documents of 95 KB and 1,000 tokens each: the parser cache stays in its 32 MB', async () => {
    function* bodies() {
      for (let i = 0; i < 300; i++) {
        yield { query: `# ${i} ${PAD.slice(10_000)}\n{ ${'__typename '.repeat(998)}}` };
      }
    }
    expect(await flood(bodies())).toEqual({ 200: 300 });
    expect(server.child.exitCode).toBeNull();
    await expectStillServes();
    // ~400 KB each parsed (AST, tokens, validation errors): 120 MB with Yoga's default 1,024-document cache.
    expect(await heapAfterGc()).toBeLessThan(baseline + 48 * MB);
  }, 120_000);

  it('reports its heap in use on /metrics, below the configured heap', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const used = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(metrics)?.[1]);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(HEAP_MB * 1024 * 1024);
  });
});
