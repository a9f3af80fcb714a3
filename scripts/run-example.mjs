#!/usr/bin/env node
// `npm run example`: build a throw-away advisory database from the bundled snapshot
// (examples/advisories) and scan examples/hello-app.oci.tar with it. Extra arguments go to
// `sekisho image` (e.g. `npm run example -- --format json`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'packages', 'cli', 'bin', 'sekisho.js');
const SNAPSHOT = join(ROOT, 'examples', 'advisories');

const { asOf } = JSON.parse(readFileSync(join(SNAPSHOT, 'snapshot.json'), 'utf8'));
const days = Math.floor((Date.now() - Date.parse(`${asOf}T00:00:00Z`)) / 86_400_000);
const dir = mkdtempSync(join(tmpdir(), 'sekisho-example-'));
let status = 70;
try {
  const db = join(dir, 'advisories.sqlite');
  const build = spawnSync(process.execPath, [CLI, 'db', 'build', '--from', SNAPSHOT, '--db', db], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    process.stderr.write('example: could not build the database from examples/advisories (see above)\n');
    status = build.status ?? 70;
  } else {
    process.stderr.write(`example: vulnerabilities from the bundled example snapshot (examples/advisories) dated ${asOf}, ${days} days old; ` + 'run `sekisho db update` for current data\n');
    const scan = spawnSync(process.execPath, [CLI, 'image', join('examples', 'hello-app.oci.tar'), '--db', db, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
    status = scan.status ?? 70;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
