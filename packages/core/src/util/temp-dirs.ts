import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every private temporary directory a scan makes is registered here until it is removed, so that
 * a process ending on a signal or through `process.exit` can still remove it: the CLI calls
 * `removeTempDirsSync` from its SIGINT/SIGTERM/SIGHUP handlers and on `exit`. The library
 * installs no handlers itself (an embedding process owns its signals).
 */
const live = new Set<string>();

/** Make `<root>/sekisho-XXXXXX` (mode 0700) and register it. */
export async function createTempDir(root: string, prefix = 'sekisho-'): Promise<string> {
  const dir = await mkdtemp(join(root, prefix));
  live.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } finally {
    live.delete(dir);
  }
}

/** Remove every registered directory now, synchronously (signal and exit paths); never throws. */
export function removeTempDirsSync(): void {
  for (const dir of live) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // best effort: the process is ending
    }
    live.delete(dir);
  }
}

/** Directories not yet removed (for tests and diagnostics). */
export function liveTempDirs(): readonly string[] {
  return [...live];
}
