import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { InputLine } from './items.js';
import { PREFIX } from './model.js';
import { LineReader, type UploadFormat, UploadFormatError } from './upload-lines.js';

/**
 * Staged uploads (`POST /bulk/uploads`), as Shopify stages its JSONL: the body is read as it streams,
 * counted in bytes and lines (refused with 413 past 20 MB or 100,000 lines), parsed a line at a time, and
 * stored in Redis in batches under a new upload id, for the caller alone, for 24 hours. A job started from
 * it copies its lines, so one upload can feed a dry run and then the real run.
 */

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_UPLOAD_LINES = 100_000;
export const UPLOAD_TTL_MS = 24 * 3600_000;
const BATCH = 1_000;

const CONTENT_TYPES: Record<string, UploadFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
};

export interface Upload {
  id: string;
  owner: string;
  lines: number;
  /** Lines that name no level or no reason (a suspension without a job-wide one cannot use them). */
  withoutLevel: number;
  withoutReason: number;
}

/** An upload refused as a whole: the HTTP status and what to tell the caller. */
export class UploadRefusedError extends Error {
  override name = 'UploadRefusedError';
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
    readonly limit?: number,
  ) {
    super(message);
  }
}

export const formatOf = (contentType: string | null): UploadFormat | undefined =>
  CONTENT_TYPES[(contentType ?? '').split(';')[0]!.trim().toLowerCase()];

export class Uploads {
  constructor(private readonly redis: Redis) {}

  private key(id: string) {
    return `${PREFIX}upload:{${id}}`;
  }

  linesKey(id: string): string {
    return `${this.key(id)}:lines`;
  }

  async get(id: string, owner: string): Promise<Upload | undefined> {
    const hash = await this.redis.hgetall(this.key(id));
    if (hash.owner !== owner) return undefined;
    return {
      id,
      owner,
      lines: Number(hash.lines),
      withoutLevel: Number(hash.withoutLevel),
      withoutReason: Number(hash.withoutReason),
    };
  }

  /** What a suspension from this upload lacks when the job gives no level or reason of its own. */
  missingFields(
    upload: Upload,
    input: { action: string; level?: string | null; reason?: string | null },
  ): Array<{ message: string; path: string[] }> {
    if (input.action !== 'SUSPEND_LOCATION') return [];
    const issues = [];
    if (!input.level && upload.withoutLevel > 0) {
      issues.push({
        path: ['input', 'level'],
        message: `required for a suspension: ${upload.withoutLevel} lines of the upload name no level`,
      });
    }
    if (!input.reason && upload.withoutReason > 0) {
      issues.push({
        path: ['input', 'reason'],
        message: `required for a suspension: ${upload.withoutReason} lines of the upload name no reason`,
      });
    }
    return issues;
  }

  /** Reads, counts and stores one upload; refuses it whole (UploadRefusedError) past a limit or a bad header. */
  async receive(owner: string, format: UploadFormat, body: ReadableStream<Uint8Array>) {
    const id = randomUUID();
    const linesKey = this.linesKey(id);
    const reader = new LineReader(format);
    const counts = { lines: 0, withoutLevel: 0, withoutReason: 0 };
    let batch: string[] = [];
    const flush = async () => {
      if (!batch.length) return;
      await this.redis
        .pipeline()
        .rpush(linesKey, ...batch)
        .pexpire(linesKey, UPLOAD_TTL_MS)
        .exec();
      batch = [];
    };
    const take = async (text: string, number: number) => {
      if (!text.trim()) return;
      const line: InputLine | undefined = reader.read(text, number);
      if (!line) return;
      counts.lines += 1;
      if (counts.lines > MAX_UPLOAD_LINES) {
        throw new UploadRefusedError(
          413,
          `An upload holds at most ${MAX_UPLOAD_LINES} lines.`,
          MAX_UPLOAD_LINES,
        );
      }
      if (!line.error && !line.level) counts.withoutLevel += 1;
      if (!line.error && !line.reason) counts.withoutReason += 1;
      batch.push(JSON.stringify(line));
      if (batch.length >= BATCH) await flush();
    };
    try {
      await eachLine(body, take);
      if (!reader.sawHeader) throw new UploadRefusedError(400, 'The CSV has no header row.');
      await flush();
      await this.redis
        .pipeline()
        .hset(this.key(id), { owner, ...counts, createdAt: new Date().toISOString() })
        .pexpire(this.key(id), UPLOAD_TTL_MS)
        .exec();
      return { uploadId: id, lines: counts.lines };
    } catch (error) {
      await this.redis.del(linesKey).catch(() => {});
      if (error instanceof UploadFormatError) throw new UploadRefusedError(400, error.message);
      throw error;
    }
  }
}

/** Calls `take` with each line (numbered from 1) as the body streams in, counting its bytes. */
async function eachLine(
  body: ReadableStream<Uint8Array>,
  take: (text: string, line: number) => Promise<void>,
) {
  const decoder = new TextDecoder('utf-8');
  const reader = body.getReader();
  let bytes = 0;
  let pending = '';
  let number = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > MAX_UPLOAD_BYTES) {
        throw new UploadRefusedError(
          413,
          `An upload holds at most ${MAX_UPLOAD_BYTES} bytes (20 MB).`,
          MAX_UPLOAD_BYTES,
        );
      }
      pending += decoder.decode(value, { stream: true });
      if (number === 0 && pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
      let end = pending.indexOf('\n');
      while (end >= 0) {
        number += 1;
        await take(pending.slice(0, end).replace(/\r$/, ''), number);
        pending = pending.slice(end + 1);
        end = pending.indexOf('\n');
      }
    }
    pending += decoder.decode();
    if (pending) await take(pending.replace(/\r$/, ''), number + 1);
  } finally {
    await reader.cancel().catch(() => {});
  }
}
