import { closeSync, fstatSync, openSync } from 'node:fs';
import { fileSource, openZip, readEntry } from '../../../util/zip-reader.js';

/**
 * Reads the entries of a zip archive (OSV `all.zip`) one at a time, from disk by position, with
 * bounds: entry count, declared and actual uncompressed size per entry (the reader refuses output
 * that disagrees with the declared size, so a lying header fails), total uncompressed bytes. Names
 * with an absolute path, a `..` segment or a backslash make the archive refused (nothing is ever
 * written to disk; such names are a forged archive). A bad entry is reported through `onSkip` and
 * reading continues; a broken archive throws.
 */
export interface ZipLimits {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2_000_000,
  maxEntryBytes: 32 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024 * 1024,
};

export interface ZipEntryData {
  readonly name: string;
  readonly data: Buffer;
}

function escapingName(name: string): boolean {
  return name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..');
}

export async function* zipEntries(
  path: string,
  accept: (name: string) => boolean,
  onSkip: (name: string, reason: string) => void,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): AsyncGenerator<ZipEntryData> {
  const fd = openSync(path, 'r');
  try {
    const source = fileSource(fd, fstatSync(fd).size);
    const zip = openZip(source, limits.maxEntries);
    if (!zip.ok) throw new Error(`${path}: ${zip.reason}`);
    const bad = zip.value.entries.find((e) => escapingName(e.name));
    if (bad !== undefined) throw new Error(`invalid relative path in zip: ${bad.name}`);
    const budget = { remaining: limits.maxTotalBytes };
    for (const entry of zip.value.entries) {
      const name = entry.name;
      if (name.endsWith('/') || !accept(name)) continue;
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        onSkip(name, `entry of ${entry.uncompressedSize} bytes exceeds ${limits.maxEntryBytes}`);
        continue;
      }
      if (entry.uncompressedSize > budget.remaining) throw new Error(`zip expands beyond ${limits.maxTotalBytes} bytes`);
      const data = readEntry(source, entry, budget, limits.maxEntryBytes);
      if (!data.ok) {
        onSkip(name, data.reason);
        continue;
      }
      yield { name, data: data.value };
      await Promise.resolve(); // let other work run between entries of a large archive
    }
  } finally {
    closeSync(fd);
  }
}
