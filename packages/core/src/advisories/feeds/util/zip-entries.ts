import type yauzlModule from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { lazyModule } from '../../../util/lazy-module.js';

const yauzl = lazyModule<typeof yauzlModule>('yauzl');

/**
 * Reads the entries of a zip archive (OSV `all.zip`) one at a time, in memory, with bounds:
 * entry count, declared and actual uncompressed size per entry (yauzl checks the actual size
 * against the declared one while inflating, so a lying header fails), total uncompressed bytes,
 * and names (absolute paths, `..` segments and backslashes are refused by yauzl's
 * validateFileName; nothing is ever written to disk, so zip slip cannot reach the file system).
 * A bad entry is reported through `onSkip` and reading continues; a broken archive throws.
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

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl().open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: true }, (error, zip) => {
      if (error !== null) reject(error);
      else resolve(zip);
    });
  });
}

function readEntry(zip: ZipFile, entry: Entry, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error !== null) return reject(error);
      const parts: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          stream.destroy(new Error(`entry larger than ${limit} bytes`));
          return;
        }
        parts.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(parts)));
    });
  });
}

export async function* zipEntries(
  path: string,
  accept: (name: string) => boolean,
  onSkip: (name: string, reason: string) => void,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): AsyncGenerator<ZipEntryData> {
  const zip = await openZip(path);
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new Error(`zip has ${zip.entryCount} entries, more than ${limits.maxEntries}`);
  }
  let total = 0;
  const next = (): Promise<Entry | null> =>
    new Promise((resolve, reject) => {
      const onEntry = (entry: Entry): void => {
        cleanup();
        resolve(entry);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(null);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const cleanup = (): void => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
  try {
    for (let entry = await next(); entry !== null; entry = await next()) {
      const name = entry.fileName;
      if (name.endsWith('/') || !accept(name)) continue;
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        onSkip(name, `entry of ${entry.uncompressedSize} bytes exceeds ${limits.maxEntryBytes}`);
        continue;
      }
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) throw new Error(`zip expands beyond ${limits.maxTotalBytes} bytes`);
      let data: Buffer;
      try {
        data = await readEntry(zip, entry, limits.maxEntryBytes);
      } catch (error) {
        onSkip(name, error instanceof Error ? error.message : String(error));
        continue;
      }
      yield { name, data };
    }
  } finally {
    zip.close();
  }
}
