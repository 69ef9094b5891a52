import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { jobIdOf } from '../src/bulk/ids.js';
import { keys } from '../src/bulk/model.js';
import type { SandboxUrls } from './processes.js';
import { SCALE_CUSTOMER_ID } from './targets.js';

/** What the bulk bench reads from outside the gateway: the simulators' request logs, and Redis's keys. */

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
}

/** Every request both simulators recorded since their logs were last cleared. */
export async function recordedCalls(sims: SandboxUrls): Promise<RecordedCall[]> {
  const lists = await Promise.all(
    [sims.plumeUrl, sims.servicesUrl].map(async (base) => {
      const response = await fetch(`${base}/__sandbox/requests`);
      return (await response.json()) as RecordedCall[];
    }),
  );
  return lists.flat();
}

/** The scale customer's WiFi-cloud id, or its services sub-account (`ACC-1099`): what bulk items touch. */
const SCALE_MARKERS = [SCALE_CUSTOMER_ID, 'ACC-1099'];
export const isScaleCall = (call: RecordedCall) =>
  SCALE_MARKERS.some((marker) => call.path.includes(marker) || JSON.stringify(call.query).includes(marker));

/** `GET /api/Customers/{id}/locations/{id}/serviceLevel`: a call's kind, its ids left out. */
export const kindOf = (call: RecordedCall) =>
  `${call.method} ${call.path.replace(/\/[0-9A-Z-]{8,}(?=\/|$)/g, '/{id}')}`;

export function countByKind(calls: RecordedCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[kindOf(call)] = (counts[kindOf(call)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([, a], [, b]) => b - a));
}

/** Level writes per location: how many locations were written, and the most writes any one got. */
export function levelWrites(calls: RecordedCall[]): { locations: number; most: number } {
  const perLocation = new Map<string, number>();
  for (const call of calls) {
    const location = /\/locations\/(\w+)\/serviceLevel$/.exec(call.path)?.[1];
    if (call.method === 'PATCH' && location) perLocation.set(location, (perLocation.get(location) ?? 0) + 1);
  }
  return { locations: perLocation.size, most: Math.max(0, ...perLocation.values()) };
}

/** A job's fan-out cursor (items enqueued so far), from its record in Redis: the API does not show it. */
export async function enqueuedOf(redis: Redis, globalId: string): Promise<number> {
  return Number((await redis.hget(keys.job(jobIdOf(globalId)!), 'enqueued')) ?? 0);
}

/** Waits until the simulators' logs stop growing for 300 ms (calls made after an answer are counted too). */
export async function settledCalls(sims: SandboxUrls): Promise<RecordedCall[]> {
  let last = -1;
  for (;;) {
    const calls = await recordedCalls(sims);
    if (calls.length === last) return calls;
    last = calls.length;
    await sleep(300);
  }
}

export interface KeyGroup {
  pattern: string;
  keys: number;
  /** Estimated from MEMORY USAGE of up to 50 keys of the group. */
  bytes: number;
}

/** Redis keys by shape (ids collapsed), largest first: where the bytes of a job go. */
export async function keyGroups(redis: Redis): Promise<KeyGroup[]> {
  const groups = new Map<string, string[]>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const pattern = key
        .replace(/\{[^}]*\}/g, '{…}')
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<uuid>')
        .replace(/:[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*(?=:|$)/g, ':<id>');
      const group = groups.get(pattern) ?? [];
      group.push(key);
      groups.set(pattern, group);
    }
  } while (cursor !== '0');
  const result: KeyGroup[] = [];
  for (const [pattern, keys] of groups) {
    const sample = keys.slice(0, 50);
    const sizes = await Promise.all(sample.map((key) => redis.memory('USAGE', key)));
    const mean = sizes.reduce<number>((sum, size) => sum + Number(size ?? 0), 0) / sample.length;
    result.push({ pattern, keys: keys.length, bytes: Math.round(mean * keys.length) });
  }
  return result.sort((a, b) => b.bytes - a.bytes);
}
