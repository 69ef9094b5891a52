import { z } from 'zod';

/**
 * One declaration per setting: its config name (the key), the environment variable it is read from, and
 * how (parsing, default, messages). A group of them gives both the variables to parse
 * (`variablesOf`) and the typed values (`valuesOf`), so no setting is spelled twice.
 */

export interface Setting<V extends string = string, S extends z.ZodType = z.ZodType> {
  variable: V;
  schema: S;
}

export type Settings = Record<string, Setting>;

export function setting<V extends string, S extends z.ZodType>(variable: V, schema: S): Setting<V, S> {
  return { variable, schema };
}

/** The environment variables a group reads, each with its schema: a piece of the one z.object. */
export type VariablesOf<G extends Settings> = { [K in keyof G as G[K]['variable']]: G[K]['schema'] };

export function variablesOf<G extends Settings>(group: G): VariablesOf<G> {
  return Object.fromEntries(Object.values(group).map((s) => [s.variable, s.schema])) as VariablesOf<G>;
}

/** A group's parsed values under their config names. */
export type ValuesOf<G extends Settings> = { [K in keyof G]: z.output<G[K]['schema']> };

export function valuesOf<G extends Settings>(group: G, env: Readonly<Record<string, unknown>>): ValuesOf<G> {
  return Object.fromEntries(Object.entries(group).map(([name, s]) => [name, env[s.variable]])) as ValuesOf<G>;
}

// The parsers several settings share.

export const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));
export const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')
  .optional();
export const millis = z.coerce.number().int().min(1).max(600_000);
export const limit = (max: number) => z.coerce.number().int().min(1).max(max);

/** A comma-separated list, trimmed, empty entries dropped. */
export const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
);

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A duration: `24h`, `30m`, `90s`, `1d`, `500ms`, or a bare number of seconds. */
export const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'must be a duration such as 24h, 30m, 90s or a number of seconds')
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(\w*)$/.exec(value)!;
    return Number(amount) * UNIT_MS[(unit || 's') as keyof typeof UNIT_MS];
  })
  .refine((ms) => ms >= 1000, 'must be at least 1s');
