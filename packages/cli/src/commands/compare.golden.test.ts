import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { buildAdvisoryDb } from '@sekisho/core';
import { repoRoot, requiredTestData, sharedDir } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCommand } from './compare.js';

/*
 * `sekisho compare` of two real images (scripts/build-fixture-images.sh compare-before
 * compare-after): the second is the first plus a layer that upgrades lodash 4.17.15 → 4.17.19,
 * matched against a database built from the npm-nsp feed in ../shared/feeds. The markdown and the
 * JSON (fixture paths and the tool version replaced) are golden files, reviewed by hand:
 * `vitest run -u` rewrites them, and the diff is the review.
 */
/** A fixture image's OCI layout (SEKISHO_FIXTURES_DIR, else .fixtures/images), or null when not built. */
const fixtureImage = (name: string): string | null =>
  requiredTestData(
    path.join(process.env['SEKISHO_FIXTURES_DIR'] ?? path.join(repoRoot(), '.fixtures', 'images'), name, 'oci'),
    'folder',
    'run scripts/build-fixture-images.sh compare-before compare-after',
  );
const before = fixtureImage('compare-before');
const after = fixtureImage('compare-after');
const feed = sharedDir('feeds', 'npm-nsp');
const ready = before !== null && after !== null && feed !== null;
if (!ready) console.warn('compare golden test skipped: build compare-before and compare-after (scripts/build-fixture-images.sh) and set SEKISHO_SHARED_DIR');

let dir = '';
let db = '';
beforeAll(async () => {
  if (!ready) return;
  dir = mkdtempSync(path.join(tmpdir(), 'sekisho-compare-golden-'));
  db = path.join(dir, 'advisories.sqlite');
  await buildAdvisoryDb({ out: db, from: [feed], now: new Date('2026-11-01T00:00:00Z') });
}, 120_000);
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function compare(format: string): Promise<string> {
  let out = '';
  const io = { stdout: (t: string) => (out += t), stderr: () => undefined, isTty: false };
  const program = new Command('sekisho').option('-q, --quiet').option('--cache-dir <dir>').exitOverride();
  program.addCommand(compareCommand(io));
  await program.parseAsync(['node', 'sekisho', '--quiet', '--cache-dir', path.join(dir, 'cache'), 'compare', before!, after!, '--db', db, '--format', format]);
  return out;
}

/**
 * Paths of this machine, the tool version, digests and compressed sizes are not part of the
 * answer: a rebuild of the fixtures (npm writes files with the time of the install) changes the
 * digests and sizes, not what changed.
 */
function redact(text: string): string {
  return text
    .replaceAll(path.dirname(path.dirname(before!)), '<fixtures>')
    .replace(/"version": "\d+\.\d+\.\d+[^"]*"/g, '"version": "<version>"')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<digest>')
    .replace(/"size": \d+/g, '"size": "<bytes>"');
}

describe.skipIf(!ready)('sekisho compare of two real images: lodash upgraded in a layer on the same base', () => {
  it('markdown', { timeout: 300_000 }, async () => {
    await expect(redact(await compare('markdown'))).toMatchFileSnapshot('./__golden__/compare-lodash.md');
  });

  it('JSON', { timeout: 300_000 }, async () => {
    await expect(redact(await compare('json'))).toMatchFileSnapshot('./__golden__/compare-lodash.json');
  });
});
