import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/architecture.md's rooms, held against the code: every import in src/ (type imports included) goes to
 * its own room or one below it, there is no import cycle, and only server.ts knows the simulators.
 */

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** The rooms from the top (1) down, as docs/architecture.md lists them; the first match wins. */
const ROOMS: Array<[room: number, pattern: RegExp]> = [
  [1, /^server\.ts$/],
  [2, /^(app\.ts|bulk\/index\.ts)$/],
  [3, /^(yoga|graphiql|jobs-page|readiness|drain|connections)\.ts$|^tour\//],
  [4, /^(security\/(?!identity|bounded-cache)|observability\/|bulk\/routes\.ts$)/],
  [5, /^(schema\/|builder\.ts$)/],
  [6, /^(bulk|workflows)\//],
  [7, /^(context|loaders|mapping)\.ts$|^store\/|^security\/(identity|bounded-cache)\.ts$/],
  [8, /^(upstream|domain)\/|^errors\.ts$/],
  [9, /^(config|logger)\.ts$|^config\//],
];

const roomOf = (file: string) => ROOMS.find(([, pattern]) => pattern.test(file))?.[0];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(src, path)] : [];
  });
}

/** The files of src/ a file imports (static, dynamic and type imports; packages left out). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((specifier) =>
    relative(src, resolve(src, dirname(file), specifier)).replace(/\.js$/, '.ts'),
  );
}

const files = sourceFiles(src).filter((file) => !file.startsWith('sandbox/'));
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('the rooms of src/', () => {
  it('place every module in a room', () => {
    expect(files.filter((file) => roomOf(file) === undefined)).toEqual([]);
  });

  it('import only from their own room or the rooms below it', () => {
    const upward = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((target) => !target.startsWith('sandbox/') && roomOf(target)! < roomOf(file)!)
        .map((target) => `${file} (room ${roomOf(file)}) → ${target} (room ${roomOf(target)})`),
    );
    expect(upward).toEqual([]);
  });

  it('only server.ts imports the simulators', () => {
    const importers = [...graph].filter(([, imports]) => imports.some((t) => t.startsWith('sandbox/')));
    expect(importers.map(([file]) => file)).toEqual(['server.ts']);
  });

  it('have no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
