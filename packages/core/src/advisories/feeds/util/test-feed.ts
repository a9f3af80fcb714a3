import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Advisory } from '../../types.js';
import type { CveFactsUpdate, FeedContext, FeedFile, FeedImporter } from '../types.js';
import { feedFile, memoryFeedFile } from './feed-file.js';

/** Runs an importer over one file (test helper, not part of the build). */
export async function runImporter(
  importer: FeedImporter,
  file: FeedFile,
): Promise<{ advisories: Advisory[]; facts: CveFactsUpdate[]; skipped: { source: string; record: string; reason: string }[]; detected: boolean }> {
  const advisories: Advisory[] = [];
  const facts: CveFactsUpdate[] = [];
  const skipped: { source: string; record: string; reason: string }[] = [];
  const context: FeedContext = { skip: (source, record, reason) => skipped.push({ source, record, reason }), warn: () => {} };
  for await (const item of importer.parse(file, context)) {
    if (item.kind === 'advisory') advisories.push(item.advisory);
    else facts.push(item.facts);
  }
  return { advisories, facts, skipped, detected: importer.detect(file) };
}

export const memoryFile = memoryFeedFile;

/** Writes `content` to a temp file named `name` and returns it as a FeedFile; `cleanup` removes it. */
export async function diskFile(name: string, content: string | Uint8Array): Promise<{ file: FeedFile; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-feed-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return { file: await feedFile(path, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
