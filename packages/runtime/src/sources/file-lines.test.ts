import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileLines, type FileLinesStats } from './file-lines.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-tail-'));
  dirs.push(dir);
  const path = join(dir, 'audit.log');
  writeFileSync(path, content);
  return path;
}
const stats = (): FileLinesStats => ({ lines: 0, oversized: 0, rotations: 0, truncations: 0 });

/** Collects lines until `count` arrive, running `steps` as lines come in. */
async function follow(path: string, count: number, onLine: (line: string, n: number) => void, s: FileLinesStats): Promise<string[]> {
  const controller = new AbortController();
  const out: string[] = [];
  const timer = setTimeout(() => controller.abort(), 5000);
  for await (const line of fileLines({ path, follow: true, pollMs: 20, signal: controller.signal }, s)) {
    out.push(line);
    onLine(line, out.length);
    if (out.length >= count) break;
  }
  clearTimeout(timer);
  return out;
}

describe('fileLines', () => {
  it('reads a file to its end, holding a last line without newline, CRLF trimmed', async () => {
    const path = tempFile('a\r\nb\n\nc');
    const out: string[] = [];
    for await (const line of fileLines({ path, follow: false })) out.push(line);
    expect(out).toEqual(['a', 'b', '', 'c']);
  });

  it('skips and counts lines over the limit without holding them, even across reads', async () => {
    const big = 'x'.repeat(200_000);
    const path = tempFile(`ok1\n${big}\nok2\n${big}`);
    const s = stats();
    const out: string[] = [];
    for await (const line of fileLines({ path, follow: false, maxLineBytes: 1000 }, s)) out.push(line);
    expect(out).toEqual(['ok1', 'ok2']);
    expect(s.oversized).toBe(2);
  });

  it('follows appends, a rotation (rename + new file) and a truncation', async () => {
    const path = tempFile('one\n');
    const s = stats();
    const out = await follow(
      path,
      5,
      (line) => {
        if (line === 'one') appendFileSync(path, 'two\npartial');
        if (line === 'two') {
          setTimeout(() => {
            appendFileSync(path, '-done\n');
            renameSync(path, `${path}.1`);
            writeFileSync(path, 'three\n');
          }, 50);
        }
        if (line === 'three') {
          setTimeout(() => {
            truncateSync(path, 0);
            writeFileSync(path, 'four\n');
          }, 50);
        }
      },
      s,
    );
    expect(out).toEqual(['one', 'two', 'partial-done', 'three', 'four']);
    expect(s.rotations).toBe(1);
    expect(s.truncations).toBe(1);
  });
});
