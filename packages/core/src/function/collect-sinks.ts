import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openImage } from '../source/registry.js';
import { findCodeSinks, isApplicationCode } from './code-sinks.js';
import type { CodeSink } from './code-sinks.js';

/** Source files larger than this are not searched (minified bundles are the usual case), and say so. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

export interface SinkSearch {
  readonly sinks: readonly CodeSink[];
  /** Application files that were not searched, with the reason: the search is then incomplete. */
  readonly unsearched: readonly { readonly path: string; readonly reason: string }[];
}

/** Search the function's own code (a ZIP package or a directory) for shell and eval sinks. Dependencies are not searched. */
export async function collectCodeSinks(reference: string): Promise<SinkSearch> {
  const tempDir = await mkdtemp(join(tmpdir(), 'sekisho-fn-'));
  const sinks: CodeSink[] = [];
  const unsearched: { path: string; reason: string }[] = [];
  try {
    const handle = await openImage(reference, { tempDir });
    try {
      for (const layer of handle.layers) {
        if (layer.walk === undefined) continue;
        await layer.walk({
          bodyBytes: (header) => (header.kind === 'file' && isApplicationCode(header.path) ? MAX_SOURCE_BYTES : 0),
          entry: (header, body, truncated) => {
            if (header.kind !== 'file' || !isApplicationCode(header.path) || body === null) return;
            if (truncated) unsearched.push({ path: header.path, reason: `larger than ${MAX_SOURCE_BYTES} bytes: not searched for shell/eval sinks` });
            else sinks.push(...findCodeSinks(header.path, body.toString('utf8')));
          },
          unknown: (path, reason) => unsearched.push({ path, reason }),
        });
      }
    } finally {
      await handle.close();
    }
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  return { sinks, unsearched };
}
