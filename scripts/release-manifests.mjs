#!/usr/bin/env node
// Records an app release: writes the next snapshot clients/released/NNNN-<date>.json, the last one plus
// every id the clients' generated manifests hold now, minus the ids retired in clients/retired.json.
// Run it when an app version that sends the current ids ships, and commit the new file; the gateway then
// serves those ids for good, whatever later happens to the operations in clients/.
//
//   node scripts/release-manifests.mjs [--released clients/released] [--retired clients/retired.json]
//                                      [--manifest <generated manifest>]... [--date YYYY-MM-DD]
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { manifests, options, readRetired, readSnapshots, root, snapshotKey } from './released-manifests.mjs';

const opts = options(process.argv.slice(2), ['manifest']);
const releasedFolder = opts.released ?? join(root, 'clients/released');
const retired = readRetired(opts.retired ?? join(root, 'clients/retired.json'));
if (retired.problems.length) throw new Error(retired.problems.join('\n'));

const snapshots = readSnapshots(releasedFolder);
const last = snapshots.at(-1);
const current = manifests.loadManifests(opts.manifest ?? manifests.GENERATED_MANIFESTS).documents;
const next = new Map([...(last?.documents ?? []), ...current].filter(([id]) => !retired.ids.has(id)));

const unchanged =
  last && next.size === last.documents.size && [...next.keys()].every((id) => last.documents.has(id));
if (unchanged) {
  console.log(`release-manifests: nothing new since ${last.file}`);
} else {
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const number = Number(basename(last?.file ?? '0000').slice(0, 4)) + 1;
  const file = join(releasedFolder, `${String(number).padStart(4, '0')}-${date}.json`);
  const entries = [...next].map(([id, document]) => [snapshotKey(id, document), document]);
  entries.sort(([a], [b]) => a.localeCompare(b));
  writeFileSync(file, `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`);
  console.log(`release-manifests: ${file} holds ${next.size} id(s); commit it`);
}
