import type { InputLine } from './items.js';

/**
 * An upload's text, a line at a time: CSV with a header row naming its columns (`id`, or `customerId` and
 * `locationId`; optionally `level`, `reason`), or NDJSON with one object of the same fields per line. A line
 * that cannot be read is kept with why (it becomes an INVALID item with its line number): one bad line never
 * refuses the file. Only a CSV header that names no item column does.
 */

export type UploadFormat = 'csv' | 'ndjson';

const FIELDS = ['id', 'customerId', 'locationId', 'level', 'reason'] as const;
type Field = (typeof FIELDS)[number];
const BY_LOWERCASE = new Map<string, Field>(FIELDS.map((field) => [field.toLowerCase(), field]));
/** Longest value kept from a field; longer ones make the line INVALID (no id or reason is this long). */
const MAX_VALUE = 1_000;

export class UploadFormatError extends Error {
  override name = 'UploadFormatError';
}

/** One CSV record on one line (RFC 4180 quoting, `""` for a quote); undefined when its quoting is broken. */
export function csvFields(text: string): string[] | undefined {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    if (text[at] === '"') {
      let value = '';
      at += 1;
      for (;;) {
        const quote = text.indexOf('"', at);
        if (quote < 0) return undefined;
        value += text.slice(at, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          at = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      fields.push(value);
      if (at === text.length) return fields;
      if (text[at] !== ',') return undefined;
      at += 1;
    } else {
      const comma = text.indexOf(',', at);
      if (comma < 0) {
        fields.push(text.slice(at).trim());
        return fields;
      }
      fields.push(text.slice(at, comma).trim());
      at = comma + 1;
    }
  }
}

function lineOf(line: number, values: Partial<Record<Field, unknown>>): InputLine {
  const read: InputLine = { line };
  for (const field of FIELDS) {
    const value = values[field];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') return { line, error: `${field} must be a string` };
    if (value.length > MAX_VALUE) return { line, error: `${field} is longer than ${MAX_VALUE} characters` };
    read[field] = value;
  }
  return read;
}

/** Reads lines of one format; `header` is called for a CSV's first line. */
export class LineReader {
  private columns: Array<Field | undefined> | undefined;

  constructor(private readonly format: UploadFormat) {}

  /** The item a (non-empty) line names; undefined for a CSV's header row. */
  read(text: string, line: number): InputLine | undefined {
    return this.format === 'csv' ? this.csv(text, line) : this.ndjson(text, line);
  }

  private csv(text: string, line: number): InputLine | undefined {
    const fields = csvFields(text);
    if (!this.columns) {
      if (!fields) throw new UploadFormatError('The CSV header row is malformed.');
      this.columns = fields.map((name) => BY_LOWERCASE.get(name.trim().toLowerCase()));
      if (!this.columns.includes('id') && !this.columns.includes('customerId')) {
        throw new UploadFormatError(
          'The CSV header row must name the column id (a global ID), or customerId (and locationId).',
        );
      }
      return undefined;
    }
    if (!fields) return { line, error: 'malformed CSV (a quote is not closed)' };
    if (fields.length !== this.columns.length) {
      return { line, error: `has ${fields.length} fields; the header names ${this.columns.length}` };
    }
    const values: Partial<Record<Field, string>> = {};
    this.columns.forEach((column, i) => {
      if (column) values[column] = fields[i];
    });
    return lineOf(line, values);
  }

  private ndjson(text: string, line: number): InputLine {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { line, error: 'not valid JSON' };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { line, error: 'not a JSON object' };
    }
    return lineOf(line, value as Record<string, unknown>);
  }

  /** A CSV without even a header row. */
  get sawHeader(): boolean {
    return this.format !== 'csv' || this.columns !== undefined;
  }
}
