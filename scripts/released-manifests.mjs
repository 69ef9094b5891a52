// What scripts/check-manifests.mjs and scripts/release-manifests.mjs share: the released snapshots
// (clients/released/NNNN-<date>.json, each `{ "<id>": "<document>" }` with every id shipped until then),
// the retirement file, and the gateway's own manifest loader (src/security/persisted-manifests.ts, run
// through tsx), so the scripts read every format exactly as the gateway does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** @type {typeof import('../src/security/persisted-manifests.ts')} */
export const manifests = await tsImport('../src/security/persisted-manifests.ts', import.meta.url);

/** The snapshots in release order, each as { file, documents: Map<id, document> } (ids normalised). */
export function readSnapshots(folder) {
  return readdirSync(folder)
    .filter((name) => /^\d{4}-.*\.json$/.test(name))
    .sort()
    .map((name) => ({
      file: join(folder, name),
      documents: manifests.loadManifests([join(folder, name)]).documents,
    }));
}

/**
 * The retirement file: `{ "<id>": { "reason": "<why it may stop working>", "retired": "YYYY-MM-DD" } }`.
 * Returns the ids (normalised) and a problem per entry without a reason.
 */
export function readRetired(file) {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  const ids = new Set();
  const problems = [];
  for (const [id, entry] of Object.entries(parsed)) {
    ids.add(manifests.normalizeId(id));
    if (typeof entry?.reason !== 'string' || entry.reason.trim() === '') {
      problems.push(`${file}: ${id} is retired without a reason ({ "reason": "..." })`);
    }
  }
  return { ids, problems };
}

/** The operation names of a document, for messages. */
export const namesOf = (document) =>
  [...document.matchAll(/\b(?:query|mutation|subscription)\s+(\w+)/g)].map(([, name]) => name).join(', ');

/** How an id is written in a snapshot: `sha256:<hex>` when it is its document's hash (the loader checks it). */
export const snapshotKey = (id, document) =>
  manifests.sha256Hex(document) === id ? `${manifests.SHA256_PREFIX}${id}` : id;

/** `--name value` options (repeatable ones collected in arrays). */
export function options(argv, repeatable = []) {
  const result = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, '');
    const value = argv[i + 1];
    if (!name || value === undefined) throw new Error(`expected --name value pairs, got ${argv.join(' ')}`);
    if (repeatable.includes(name)) (result[name] ??= []).push(value);
    else result[name] = value;
  }
  return result;
}
