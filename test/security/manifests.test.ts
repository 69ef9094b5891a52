import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Shipped hashes live forever: scripts/check-manifests.mjs (run by .ci/run) fails when an id of a released
 * manifest would stop working unless it is retired with a reason; scripts/release-manifests.mjs records a
 * release. Run as CI runs them, on the repository and on small layouts in a temp dir.
 */

const root = new URL('../../', import.meta.url).pathname;
const script = (name: string) => join(root, 'scripts', name);
const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

const documents = { a: 'query A { a }', b: 'query B { b }', c: 'query C { a b }' };
const ids = { a: sha(documents.a), b: sha(documents.b), c: sha(documents.c) };

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'released-'));
  mkdirSync(join(folder, 'released'));
  write('schema.graphql', 'type Query { a: Int b: Int }');
  write('retired.json', {});
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, content: unknown) {
  writeFileSync(join(folder, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}
const snapshot = (name: string, ...keys: Array<keyof typeof documents>) =>
  write(`released/${name}`, Object.fromEntries(keys.map((key) => [ids[key], documents[key]])));
const generated = (...keys: Array<keyof typeof documents>) =>
  write('generated.json', Object.fromEntries(keys.map((key) => [ids[key], documents[key]])));

function run(name: string, ...extra: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      script(name),
      ...['--released', join(folder, 'released'), '--retired', join(folder, 'retired.json')],
      ...['--manifest', join(folder, 'generated.json'), ...extra],
      ...(name === 'check-manifests.mjs' ? ['--schema', join(folder, 'schema.graphql')] : []),
    ],
    { encoding: 'utf8', cwd: root },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
const check = (...extra: string[]) => run('check-manifests.mjs', ...extra);

describe('scripts/check-manifests.mjs', () => {
  it("passes on the repository's own manifests (clients/generated, clients/released, clients/retired.json)", () => {
    const result = spawnSync(process.execPath, [script('check-manifests.mjs')], {
      encoding: 'utf8',
      cwd: root,
    });
    expect([result.status, result.stderr]).toEqual([0, '']);
  });

  it('fails when a snapshot drops an id of the one before it, naming the id, its operation and both files', () => {
    generated('a');
    snapshot('0001-2026-01-01.json', 'a', 'b');
    snapshot('0002-2026-02-01.json', 'a');
    const result = check();
    expect(result.status).toBe(1);
    expect(result.output).toContain(
      `${ids.b.slice(7)} (B) of 0001-2026-01-01.json is missing from 0002-2026-02-01.json`,
    );
  });

  it('passes once that id is retired with a reason, and fails on a retirement without one', () => {
    generated('a');
    snapshot('0001-2026-01-01.json', 'a', 'b');
    snapshot('0002-2026-02-01.json', 'a');
    write('retired.json', {
      [ids.b]: { reason: 'app 1.x is below the minimum version since 2026-02', retired: '2026-02-01' },
    });
    expect(check().status).toBe(0);
    write('retired.json', { [ids.b]: { retired: '2026-02-01' } });
    const result = check();
    expect(result.status).toBe(1);
    expect(result.output).toContain(`${ids.b} is retired without a reason`);
  });

  it('fails when a released document no longer validates against the schema', () => {
    generated('a');
    snapshot('0001-2026-01-01.json', 'a', 'b');
    write('schema.graphql', 'type Query { a: Int }');
    const result = check();
    expect(result.status).toBe(1);
    expect(result.output).toContain(`(B) no longer validates against the schema: Cannot query field "b"`);
  });

  it('fails when the generated and released manifests give one id two documents', () => {
    write('generated.json', { [ids.a]: documents.a });
    write('released/0001-2026-01-01.json', { [ids.a.slice(7)]: documents.b });
    const result = check();
    expect(result.status).toBe(1);
    expect(result.output).toContain('two different documents');
  });

  it('with --base, fails when a committed snapshot was edited to drop an id', () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', folder, '-c', 'user.name=t', '-c', 'user.email=t@example.net', ...args], {
        encoding: 'utf8',
      });
    generated('a');
    snapshot('0001-2026-01-01.json', 'a', 'b');
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'release');
    expect(check('--base', 'HEAD').status).toBe(0);
    snapshot('0001-2026-01-01.json', 'a');
    const result = check('--base', 'HEAD');
    expect(result.status).toBe(1);
    expect(result.output).toContain(`${ids.b} (B) of 0001-2026-01-01.json at HEAD is gone`);
  });
});

describe('scripts/release-manifests.mjs', () => {
  it('writes the next snapshot: the last one, plus the generated ids, minus the retired ones', () => {
    snapshot('0001-2026-01-01.json', 'a', 'b');
    generated('a', 'c');
    write('retired.json', { [ids.b]: { reason: 'replaced by C' } });

    const result = run('release-manifests.mjs', '--date', '2026-03-01');

    expect(result.status).toBe(0);
    expect(readdirSync(join(folder, 'released')).sort()).toEqual([
      '0001-2026-01-01.json',
      '0002-2026-03-01.json',
    ]);
    const next = JSON.parse(readFileSync(join(folder, 'released/0002-2026-03-01.json'), 'utf8'));
    expect(next).toEqual({ [ids.a]: documents.a, [ids.c]: documents.c });
    expect(check().status).toBe(0);
    // Nothing new: no new file.
    expect(run('release-manifests.mjs', '--date', '2026-04-01').output).toContain('nothing new');
    expect(readdirSync(join(folder, 'released'))).toHaveLength(2);
  });
});
