#!/usr/bin/env node
// Regenerates examples/advisories/: the few advisory records that concern the packages of
// examples/hello-app.oci.tar, taken verbatim from a feeds folder laid out as ../shared/feeds
// (npm-nsp/<id>.json, debian-dsa/{DSA,DLA}/list). `npm run example` builds its database from them.
//
//   node scripts/example-advisories.mjs [--feeds DIR] [--out DIR]
//
// npm advisories: every record of the npm modules below, copied byte for byte.
// Debian: the DSA/DLA list entries (header line and its tab-indented lines, in the list's order)
// for the example's source packages, dated SINCE or later.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
/** npm modules in the example's layer 1 (app/package.json). */
const NPM_MODULES = new Set(['lodash', 'minimist']);
/** Debian source packages of the example's layer 0 (base-files netbase zlib1g libssl3 ca-certificates). */
const DEBIAN_SOURCES = new Set(['base-files', 'netbase', 'zlib', 'openssl', 'ca-certificates']);
const SINCE = 2021;

const { values } = parseArgs({
  options: {
    feeds: { type: 'string', default: process.env.SEKISHO_SHARED_DIR ? join(process.env.SEKISHO_SHARED_DIR, 'feeds') : join(ROOT, '..', 'shared', 'feeds') },
    out: { type: 'string', default: join(ROOT, 'examples', 'advisories') },
  },
});
const feeds = values.feeds;
const out = values.out;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The newest date the feeds vouch for: the snapshot is "as of" this day. */
let asOf = '';
const later = (date) => {
  if (date > asOf) asOf = date;
};

// npm: one JSON advisory per file, index.json left out (it repeats them all)
const npmOut = join(out, 'npm-nsp');
rmSync(npmOut, { recursive: true, force: true });
mkdirSync(npmOut, { recursive: true });
const npm = [];
for (const name of readdirSync(join(feeds, 'npm-nsp')).sort()) {
  if (!name.endsWith('.json') || name === 'index.json') continue;
  const record = JSON.parse(readFileSync(join(feeds, 'npm-nsp', name), 'utf8'));
  if (typeof record.updated_at === 'string') later(record.updated_at.slice(0, 10));
  if (!NPM_MODULES.has(record.module_name)) continue;
  copyFileSync(join(feeds, 'npm-nsp', name), join(npmOut, name));
  npm.push(`${record.id} ${record.module_name} ${record.vulnerable_versions}`);
}

// Debian: filter the list files entry by entry
const HEADER = /^\[(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\] (D[SL]A-\S+) (\S+) - /;
const debian = [];
for (const list of ['DSA', 'DLA']) {
  const lines = readFileSync(join(feeds, 'debian-dsa', list, 'list'), 'utf8').split('\n');
  const kept = [];
  let keep = false;
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header !== null) {
      later(`${header[3]}-${String(MONTHS.indexOf(header[2]) + 1).padStart(2, '0')}-${header[1].padStart(2, '0')}`);
      keep = DEBIAN_SOURCES.has(header[5]) && Number(header[3]) >= SINCE;
      if (keep) debian.push(`${header[4]} ${header[5]}`);
    } else if (!line.startsWith('\t') && !line.startsWith(' ')) keep = false;
    if (keep) kept.push(line);
  }
  const dir = join(out, 'debian-dsa', list);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'list'), kept.length === 0 ? '' : `${kept.join('\n')}\n`);
}

// Read by scripts/run-example.mjs for the "snapshot dated …" line; not a feed file (the build lists it as not read).
const snapshot = {
  snapshot: 'sekisho example advisories',
  asOf,
  sources: [
    { folder: 'npm-nsp', name: 'Node.js Security WG npm advisories (nodejs/security-wg vuln/npm)', license: 'MIT', records: npm.length },
    { folder: 'debian-dsa', name: 'Debian Security Tracker DSA/DLA lists (security-tracker.debian.org)', license: 'public data, no licence stated', records: debian.length },
  ],
};
writeFileSync(join(out, 'snapshot.json'), `${JSON.stringify(snapshot, null, 2)}\n`);

process.stdout.write(`${out}: ${npm.length} npm advisories (${npm.join('; ')}), ${debian.length} Debian entries (${debian.join(', ')}), as of ${asOf}\n`);
