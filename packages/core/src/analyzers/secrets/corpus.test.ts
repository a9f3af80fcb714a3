import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../testing/shared-data.js';
import { analyzeFile, MAX_SCAN_BYTES, selectsForSecrets } from './analyzer.js';
import { compileRules } from './engine.js';
import type { SecretAnalyzerFinding } from './types.js';

/**
 * Measurement on real third-party text: the installed npm packages of this repository hold code,
 * docs and tests but no live credentials, so every finding here is counted as a false positive
 * (a few may be deliberate fake keys in fixtures). Files are scanned under `/srv/corpus/…` so the
 * node_modules allowlists do not hide anything: this is the worst case for an application tree.
 */
const modules = resolve(repoRoot(), 'node_modules');
const MAX_FILES = 4000;

function* walk(dir: string, depth = 0): Generator<string> {
  if (depth > 12) return;
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    // The workspace's own packages (symlinked) and tool caches are not third-party text.
    if (depth === 0 && (name.startsWith('.') || name === '@sekisho' || name === 'sekisho')) continue;
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) yield* walk(path, depth + 1);
    else if (st.isFile()) yield path;
  }
}

/** Scan `[file on disk, path in the image]` pairs as the analyzer would and print counts per rule. */
function measure(label: string, pairs: Iterable<readonly [string, string]>, distroTrees = false): void {
  const rules = compileRules();
  const byRule = new Map<string, number>();
  let files = 0;
  let bytes = 0;
  const findings: SecretAnalyzerFinding[] = [];
  for (const [file, path] of pairs) {
    if (files >= MAX_FILES) break;
    const size = statSync(file).size;
    if (!selectsForSecrets({ path, kind: 'file', mode: 0o644, uid: 0, gid: 0, size, linkTarget: null, mtime: 0 }, distroTrees)) continue;
    let body: Buffer;
    try {
      body = readFileSync(file).subarray(0, MAX_SCAN_BYTES);
    } catch {
      continue; // unreadable system file
    }
    files++;
    bytes += body.length;
    for (const f of analyzeFile(rules, path, size, body, size > body.length).findings as SecretAnalyzerFinding[]) {
      findings.push(f);
      byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    }
  }
  const top = [...byRule.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  console.log(
    [`${label}: ${files} files, ${(bytes / 1048576).toFixed(1)} MiB, ${findings.length} findings in ${new Set(findings.map((f) => f.path)).size} files`, ...top.map(([id, n]) => `  ${id}: ${n}`)].join(
      '\n',
    ),
  );
  if (process.env.SECRETS_CORPUS_DEBUG !== undefined) for (const f of findings) console.log(f.ruleId, f.path, f.line);
  expect(files).toBeGreaterThan(0);
  for (const f of findings) expect(f.match).toMatch(/^.{0,4}…\(\d+ chars\)$/u);
}

// The repository's node_modules always exist where tests run (Vitest is installed there): never skipped.
describe('negative corpus: installed npm packages', () => {
  it('reports counts per rule, redacted', () => {
    expect(existsSync(modules), modules).toBe(true);
    measure(
      'negative corpus',
      (function* () {
        for (const file of walk(modules)) yield [file, `/srv/corpus/${file.slice(modules.length + 1)}`] as const;
      })(),
    );
  });
});

/**
 * The Debian system this runs on: configuration, shared data and the distribution's Python
 * libraries, scanned at their own paths with the distribution trees included (the worst case:
 * by default those trees are not read). Like the npm corpus, every finding counts as a false
 * positive.
 */
const DEBIAN_ROOTS = ['/etc', '/usr/share', '/usr/lib/python3'];

describe.skipIf(!existsSync('/etc/debian_version'))('negative corpus: Debian trees of this system', () => {
  it('reports counts per rule, redacted', () => {
    measure(
      'negative corpus (Debian)',
      (function* () {
        for (const root of DEBIAN_ROOTS) {
          let n = 0;
          for (const file of walk(root)) {
            if (++n > MAX_FILES / DEBIAN_ROOTS.length) break;
            yield [file, file] as const;
          }
        }
      })(),
      true,
    );
  });
});
