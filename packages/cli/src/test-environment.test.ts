/**
 * Tests never read the machine's cache or advisory database: vitest.config.ts points the cache
 * variables into a temporary folder for the run (packages/core/src/testing/vitest-setup.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { defaultDbPath } from './commands/vulnerability-options.js';
import { DB_FILE_NAME, resolveDbPath } from './commands/db.js';
import { defaultCacheDir, layerCacheDir } from './global-options.js';

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

const root = inject('sekishoTestRoot');

describe('the test environment', () => {
  const savedHome = process.env['HOME'];
  afterEach(() => {
    if (savedHome === undefined) delete process.env['HOME'];
    else process.env['HOME'] = savedHome;
  });

  it('points the cache variables into the run’s temporary folder and clears SEKISHO_DB', () => {
    expect(isInside(root, tmpdir())).toBe(true);
    expect(isInside(process.env['SEKISHO_CACHE_DIR'] ?? '', root)).toBe(true);
    expect(isInside(process.env['XDG_CACHE_HOME'] ?? '', root)).toBe(true);
    expect(process.env['SEKISHO_DB']).toBeUndefined();
  });

  it('resolves the CLI’s default cache, layer cache and database paths inside it', () => {
    expect(isInside(defaultCacheDir(), root)).toBe(true);
    expect(isInside(layerCacheDir({}) ?? '', root)).toBe(true);
    expect(isInside(defaultDbPath(), root)).toBe(true);
    expect(isInside(resolveDbPath(), root)).toBe(true);
  });

  it('never picks a database at the default path under the home folder', () => {
    const home = mkdtempSync(join(tmpdir(), 'sekisho-fake-home-'));
    try {
      process.env['HOME'] = home;
      expect(homedir()).toBe(home);
      const planted = join(home, '.cache', 'sekisho', 'db', DB_FILE_NAME);
      mkdirSync(join(home, '.cache', 'sekisho', 'db'), { recursive: true });
      writeFileSync(planted, 'not a database');
      expect(defaultDbPath()).not.toBe(planted);
      expect(isInside(defaultDbPath(), home)).toBe(false);
      expect(isInside(defaultDbPath(), root)).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('passes the same environment to processes that tests start', () => {
    const script = 'process.stdout.write(JSON.stringify([process.env.SEKISHO_CACHE_DIR, process.env.XDG_CACHE_HOME]))';
    const seen = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as [string, string];
    expect(seen).toEqual([process.env['SEKISHO_CACHE_DIR'], process.env['XDG_CACHE_HOME']]);
  });
});
