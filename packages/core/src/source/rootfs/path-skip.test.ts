import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntryHeader } from '../../layers/entry.js';
import type { DirectoryVisitor } from '../types.js';
import { nodeWalkFs } from './read-listed-file.js';
import type { WalkFs } from './read-listed-file.js';
import { combineSkips, skipGlobs } from './path-skip.js';
import { walkDirectory } from './walk-directory.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sekisho-skip-'));
  await mkdir(join(root, 'node_modules', 'x'), { recursive: true });
  await mkdir(join(root, 'src', 'vendor'), { recursive: true });
  await writeFile(join(root, 'node_modules', 'x', 'index.js'), 'x\n');
  await writeFile(join(root, 'src', 'app.js'), 'app\n');
  await writeFile(join(root, 'src', 'app.min.js'), 'min\n');
  await writeFile(join(root, 'src', 'vendor', 'lib.js'), 'lib\n');
  await writeFile(join(root, '.env'), 'TOKEN=1\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('skipGlobs', () => {
  it('matches bare names at any depth, ./ and / rooted, and directories only as directories', () => {
    const skip = skipGlobs({ dirs: ['node_modules', './src/vendor'], files: ['*.min.js', '/.env'] });
    expect(skip).not.toBeNull();
    expect(skip?.test('/node_modules', true)).toBe(true);
    expect(skip?.test('/a/b/node_modules', true)).toBe(true);
    expect(skip?.test('/node_modules', false)).toBe(false);
    expect(skip?.test('/src/vendor', true)).toBe(true);
    expect(skip?.test('/other/src/vendor', true)).toBe(false);
    expect(skip?.test('/src/app.min.js', false)).toBe(true);
    expect(skip?.test('/src/app.js', false)).toBe(false);
    expect(skip?.test('/.env', false)).toBe(true);
    expect(skip?.patterns).toEqual(['dir:node_modules', 'dir:./src/vendor', 'file:*.min.js', 'file:/.env']);
  });

  it('is null without patterns, and combines', () => {
    expect(skipGlobs({ dirs: [], files: [''] })).toBeNull();
    const both = combineSkips([skipGlobs({ files: ['*.js'] }), null, skipGlobs({ dirs: ['x'] })]);
    expect(both?.test('/a.js', false)).toBe(true);
    expect(both?.test('/x', true)).toBe(true);
    expect(both?.patterns).toEqual(['file:*.js', 'dir:x']);
  });
});

describe('walkDirectory with a skip', () => {
  it('never lists skipped directories nor opens skipped files, and records them', async () => {
    const touched: string[] = [];
    const fs: WalkFs = {
      ...nodeWalkFs,
      readdir: (path) => {
        touched.push(`list ${path}`);
        return nodeWalkFs.readdir(path);
      },
      open: (path, flags) => {
        touched.push(`open ${path}`);
        return nodeWalkFs.open(path, flags);
      },
    };
    const seen: string[] = [];
    const visitor: DirectoryVisitor = {
      bodyBytes: () => 1024,
      entry: (header: EntryHeader) => {
        seen.push(header.path);
        return Promise.resolve();
      },
      unknown: (path, reason) => {
        throw new Error(`unexpected unknown ${path}: ${reason}`);
      },
    };
    const skip = skipGlobs({ dirs: ['node_modules', 'vendor'], files: ['*.min.js', '.env'] });
    await walkDirectory(root, visitor, { fs, pinDirectories: false, skip });
    expect(seen.sort()).toEqual(['/src', '/src/app.js']);
    expect(skip?.skippedPaths.sort()).toEqual(['/.env', '/node_modules', '/src/app.min.js', '/src/vendor']);
    expect(touched.some((t) => t.includes('node_modules') || t.includes('vendor') || t.includes('min.js') || t.includes('.env'))).toBe(false);
  });
});
