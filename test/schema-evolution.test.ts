import { readFileSync } from 'node:fs';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';

/**
 * The released schema check (docs/schema-changelog.md): GraphQL Inspector diffs schema.graphql against
 * schema/released.graphql, the schema apps in the stores were generated from. A breaking change fails
 * unless the changelog's table lists it with its reason and what a shipped app must do; dangerous changes
 * are printed.
 */

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

interface IntendedBreak {
  type: string;
  path: string;
  reason: string;
  appAction: string;
}

/** The rows of the changelog's "Intended breaks" table: `| `TYPE` | `Path` | reason | what an app must do |`. */
function intendedBreaks(changelog: string): IntendedBreak[] {
  const section = changelog.split(/^## /m).find((s) => s.startsWith('Intended breaks')) ?? '';
  return section
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const [type = '', path = '', reason = '', appAction = ''] = cells;
      return { type: type.replaceAll('`', ''), path: path.replaceAll('`', ''), reason, appAction };
    });
}

interface Verdict {
  /** Breaking changes the changelog does not list: each fails CI. */
  unlisted: Change[];
  /** Changelog rows that match no change, or lack a reason or an app action. */
  badRows: IntendedBreak[];
  dangerous: Change[];
}

async function checkSchema(released: string, current: string, changelog: string): Promise<Verdict> {
  const changes = await diff(buildSchema(released), buildSchema(current));
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  const rows = intendedBreaks(changelog);
  const listed = (c: Change) => rows.some((row) => row.type === c.type && row.path === c.path);
  return {
    unlisted: breaking.filter((c) => !listed(c)),
    badRows: rows.filter(
      (row) =>
        !row.reason || !row.appAction || !breaking.some((c) => c.type === row.type && c.path === row.path),
    ),
    dangerous: changes.filter((c) => c.criticality.level === CriticalityLevel.Dangerous),
  };
}

const released = read('schema/released.graphql');
const current = read('schema.graphql');
const changelog = read('docs/schema-changelog.md');

describe('schema.graphql against the released schema (GraphQL Inspector)', () => {
  it('breaks nothing a shipped app relies on, beyond the changelog', async () => {
    const verdict = await checkSchema(released, current, changelog);
    const dangerous = verdict.dangerous.map((c) => `  ${c.message}`);
    console.info(`${dangerous.length} dangerous changes since the release:\n${dangerous.join('\n')}`);
    expect(
      verdict.unlisted.map((c) => `${c.type} ${c.path}: ${c.message}`),
      'breaking changes not in docs/schema-changelog.md',
    ).toEqual([]);
    expect(verdict.badRows, 'changelog rows without a matching change, a reason or an app action').toEqual(
      [],
    );
  });

  it('lists the eight non-null to nullable changes with a reason and what an app must do', () => {
    const rows = intendedBreaks(changelog);
    expect(rows.map((row) => row.path).sort()).toEqual([
      'Customer.locations',
      'Customer.services',
      'Location.customer',
      'Location.nodes',
      'Location.services',
      'Query.customer',
      'ServicesRequestRejectedError.upstreamCode',
      'WifiNode.location',
    ]);
    for (const row of rows) expect(row.type).toBe('FIELD_TYPE_CHANGED');
  });

  it('reports a breaking change that the changelog does not list', async () => {
    // A synthetic break: a released field removed, another retyped.
    const broken = current
      .replace(/^ {2}"""Full name\."""\n {2}name: String!\n/m, '')
      .replace(/(^type WifiNode [^]*?\n {2}serialNumber: )String!/m, '$1Int!');
    expect(broken).not.toBe(current);
    const verdict = await checkSchema(released, broken, changelog);
    expect(verdict.unlisted.map((c) => `${c.type} ${c.path}`)).toEqual([
      'FIELD_REMOVED Customer.name',
      'FIELD_TYPE_CHANGED WifiNode.serialNumber',
    ]);
  });

  it('accepts that break once the changelog lists it with a reason and an app action, not without', async () => {
    const broken = current.replace(/^ {2}"""Full name\."""\n {2}name: String!\n/m, '');
    const row = '| `FIELD_REMOVED` | `Customer.name` | a test | update the app |';
    const withRow = changelog.replace(/(\| `FIELD_TYPE_CHANGED` \| `Query.customer`[^\n]*\n)/, `$1${row}\n`);
    expect((await checkSchema(released, broken, withRow)).unlisted).toEqual([]);
    const withoutReason = withRow.replace(row, '| `FIELD_REMOVED` | `Customer.name` |  |  |');
    expect((await checkSchema(released, broken, withoutReason)).badRows).toEqual([
      { type: 'FIELD_REMOVED', path: 'Customer.name', reason: '', appAction: '' },
    ]);
    // A row whose change is gone (the field is back) is reported, so the table stays true.
    expect((await checkSchema(released, current, withRow)).badRows.map((r) => r.path)).toEqual([
      'Customer.name',
    ]);
  });
});
