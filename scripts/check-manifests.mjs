#!/usr/bin/env node
// Shipped hashes live forever: fails (exit 1) when an id of a released persisted-operations manifest
// would stop working, unless it is retired on purpose, with a reason, in clients/retired.json.
//
//   node scripts/check-manifests.mjs [--released clients/released] [--retired clients/retired.json]
//                                    [--manifest <generated manifest>]... [--schema schema.graphql]
//                                    [--base <git ref>]
//
// - each released snapshot (clients/released/NNNN-<date>.json) keeps every id of the one before it;
// - the manifests the gateway serves by default (clients/generated/ and the last snapshot) load together
//   (no id with two documents, every document parses) and every one of them validates against
//   schema.graphql (--schema);
// - with --base: every snapshot committed at that ref is still there, with all its ids (snapshots are
//   never edited: a release adds a new one).
// Ids generated but not yet released are listed: `node scripts/release-manifests.mjs` when an app ships them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { manifests, namesOf, options, readRetired, readSnapshots, root } from './released-manifests.mjs';

const opts = options(process.argv.slice(2), ['manifest']);
const releasedFolder = opts.released ?? join(root, 'clients/released');
const retiredFile = opts.retired ?? join(root, 'clients/retired.json');
const generated = opts.manifest ?? manifests.GENERATED_MANIFESTS;

const failures = [];
const retired = readRetired(retiredFile);
failures.push(...retired.problems);

const missing = (from, to) =>
  [...from.documents].filter(([id]) => !to.has(id) && !retired.ids.has(id)).map(([id, doc]) => [id, doc]);

const snapshots = readSnapshots(releasedFolder);
for (let i = 1; i < snapshots.length; i++) {
  const [before, after] = [snapshots[i - 1], snapshots[i]];
  for (const [id, document] of missing(before, after.documents)) {
    failures.push(
      `${id} (${namesOf(document)}) of ${basename(before.file)} is missing from ${basename(after.file)}: keep it, or retire it in ${retiredFile} with a reason`,
    );
  }
}

const last = snapshots.at(-1);
let served = new Map();
try {
  served = manifests.loadManifests([...generated, ...(last ? [last.file] : [])]).documents;
} catch (error) {
  failures.push(error.message);
}

if (opts.base) {
  const git = (...args) => execFileSync('git', ['-C', releasedFolder, ...args], { encoding: 'utf8' });
  let committed;
  try {
    committed = git('ls-tree', '--name-only', opts.base, './').split('\n').filter(Boolean);
  } catch {
    console.warn(
      `check-manifests: ${opts.base} is not available here (a shallow clone?); snapshots not compared with it`,
    );
  }
  const current = new Map(snapshots.map((snapshot) => [basename(snapshot.file), snapshot.documents]));
  for (const path of committed ?? []) {
    const name = basename(path);
    if (!/^\d{4}-.*\.json$/.test(name)) continue;
    const then = JSON.parse(git('show', `${opts.base}:./${name}`));
    const now = current.get(name) ?? new Map();
    for (const [id, document] of Object.entries(then)) {
      const key = manifests.normalizeId(id);
      if (!now.has(key) && !retired.ids.has(key)) {
        failures.push(
          `${id} (${namesOf(document)}) of ${name} at ${opts.base} is gone: released snapshots are never edited`,
        );
      }
    }
  }
}

// A schema change that breaks a shipped document breaks every app that sends its id.
const schema = buildSchema(readFileSync(opts.schema ?? join(root, 'schema.graphql'), 'utf8'));
for (const [id, document] of served) {
  for (const error of validate(schema, parse(document))) {
    failures.push(`${id} (${namesOf(document)}) no longer validates against the schema: ${error.message}`);
  }
}

const unreleased = [...served.keys()].filter((id) => !last?.documents.has(id));
if (unreleased.length) {
  console.log(
    `check-manifests: ${unreleased.length} id(s) not released yet (node scripts/release-manifests.mjs when an app ships them)`,
  );
}
if (failures.length) {
  console.error(`check-manifests: ${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `check-manifests: ${snapshots.length} released snapshot(s), ${last?.documents.size ?? 0} released id(s), all served`,
);
