import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDockerArchive } from '@sekisho/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCaptured } from '../testing/run-captured.js';

/** Through the CLI: a rescan served from the cache prints exactly what a scan without a cache prints. */
const TOKEN = 'ghp_' + 'Zq8xW3rT7yP2mK9vB4nL6cF1hJ5dG0sA2eR8';
let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-cli-warm-'));
  image = join(dir, 'image.tar');
  await writeDockerArchive(image, {
    layers: [
      {
        entries: [
          { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
          { name: 'var/lib/dpkg/status', content: 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b7\nArchitecture: amd64\n\n' },
          { name: 'usr/bin/su', content: 'x', mode: 0o4755 },
        ],
      },
      { entries: [{ name: 'app/.env', content: `GITHUB_TOKEN=${TOKEN}\n` }] },
    ],
    config: { Env: [`API_TOKEN=${TOKEN}`] },
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
// An hour ahead (Date only): the archive is old enough for the unchanged-file proof to be recorded.
beforeEach(() => {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now + 3_600_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe.each([
  ['sbom', '--format', 'json'],
  ['sbom', '--format', 'spdx-json'],
  ['image', '--scanners', 'secret,hardening', '--format', 'json'],
])('sekisho %s … %s %s', (command, ...flags) => {
  it('prints the same bytes from a warm cache as with no cache', async () => {
    const cacheDir = await mkdtemp(join(dir, 'cache-'));
    const args = [command, `docker-archive:${image}`, ...flags];
    const cold = await runCaptured(['--no-cache', '-q', ...args]);
    expect(cold.stderr).toBe('');
    const prime = await runCaptured(['--cache-dir', cacheDir, '-q', ...args]);
    const warm = await runCaptured(['--cache-dir', cacheDir, '-q', ...args]);
    expect([prime.code, warm.code]).toEqual([cold.code, cold.code]);
    expect(prime.stdout).toBe(cold.stdout);
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.stdout).not.toContain(TOKEN);
  });
});
