/**
 * Registry polling end to end on a real registry (docker-registry + skopeo, as core's registry
 * tests; skipped with the reason when they are missing, a failure in CI): a poll queues a
 * scan-repository job, which lists the tags and queues one scan per new digest (two tags of one
 * image: one scan); a second poll queues no scan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, requiredTestData } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRegistryTools, pushLayout, startRegistry } from '../../../core/src/source/registry/test-registry.js';
import type { RunningRegistry } from '../../../core/src/source/registry/test-registry.js';
import { advisoryDbAt } from '../jobs/advisories.js';
import { createJobHandlers, startHandlers } from '../jobs/handlers/index.js';
import { settledAs, until } from '../jobs/testing/queue-contract.js';
import { openSqliteStore } from '../jobs/open-store.js';
import { startRegistryPoll, watchedRepositories } from './poll.js';

describe('watched repositories', () => {
  it('are checked and deduplicated; a registry alone or too many are refused', () => {
    expect(watchedRepositories(['registry.example/team/app', 'registry.example/team/app/', 'docker.io/library/nginx'])).toEqual(['registry.example/team/app', 'docker.io/library/nginx']);
    expect(() => watchedRepositories(['registry.example'])).toThrow(/not a repository/);
    expect(() => watchedRepositories(['registry.example/team/app:1'])).toThrow();
    expect(() => watchedRepositories(['a.example/x', 'b.example/y'], 1)).toThrow(/at most 1/);
  });
});

const missing = missingRegistryTools();
const fixtures = process.env['SEKISHO_FIXTURES_DIR'] ?? join(repoRoot(), '.fixtures', 'images');
const before = requiredTestData(join(fixtures, 'compare-before', 'oci'), 'path', 'run scripts/build-fixture-images.sh');
const after = requiredTestData(join(fixtures, 'compare-after', 'oci'), 'path', 'run scripts/build-fixture-images.sh');

describe.skipIf(missing !== null || before === null || after === null)(`registry poll on a real registry${missing ? ` (skipped: ${missing})` : ''}`, () => {
  // Unset when beforeAll failed before setting them; afterAll cleans up what there is.
  let registry: RunningRegistry | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    const started = await startRegistry();
    registry = started;
    dir = mkdtempSync(join(tmpdir(), 'sekisho-poll-'));
    await pushLayout(started, before as string, 'latest', 'team/app:1');
    await pushLayout(started, before as string, 'latest', 'team/app:2');
    await pushLayout(started, after as string, 'latest', 'team/app:3');
  }, 180_000);
  afterAll(async () => {
    await registry?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('queues a scan per new digest, once, and nothing on the next poll', async () => {
    if (registry === undefined || dir === undefined) throw new Error('the registry did not start');
    const { repository, queue } = await openSqliteStore({ path: join(dir, 'store.db') }, { pollMs: 50 });
    const poll = startRegistryPoll(queue, { repositories: [`${registry.host}/team/app`], intervalMs: 3_600_000 });
    try {
      const registryOptions = { insecureRegistries: [registry.host] };
      await startHandlers(queue, createJobHandlers({ repository, queue, advisories: advisoryDbAt(join(dir, 'none.sqlite')), cacheDir: join(dir, 'layers'), registry: registryOptions }), 2);
      expect(await poll.poll()).toBe(1);
      const listing = (await queue.list({ kind: 'scan-repository' })).items[0]!;
      const listed = await settledAs(queue, listing.id, 'completed', 60_000);
      expect(listed.result).toMatchObject({ repository: `${registry.host}/team/app`, tags: 3, queued: 2 });
      const scans = await until(
        'two completed scans',
        async () => {
          const done = (await queue.list({ kind: 'scan-image', state: 'completed' })).items;
          return done.length === 2 ? done : null;
        },
        120_000,
      );
      const digests = scans.map((j) => String(j.result?.['digest'])).sort();
      expect(new Set(digests).size).toBe(2);
      const tags = (await repository.listTags(`${registry.host}/team/app`)).items;
      // One of the two tags of the shared digest named its scan; the other is recorded by the next poll.
      expect(tags.map((t) => t.tag).sort()).toHaveLength(2);
      expect(tags.map((t) => t.tag)).toContain('3');

      expect(await poll.poll()).toBe(1);
      const second = (await queue.list({ kind: 'scan-repository' })).items[0]!;
      expect(second.id).not.toBe(listing.id);
      // Tag 2 points at a digest already scanned: recorded, not scanned again.
      expect((await settledAs(queue, second.id, 'completed', 60_000)).result).toMatchObject({ tags: 3, queued: 0, unchanged: 3 });
      expect((await repository.listTags(`${registry.host}/team/app`)).items.map((t) => t.tag).sort()).toEqual(['1', '2', '3']);
      expect((await queue.list({ kind: 'scan-image' })).items).toHaveLength(2);
    } finally {
      poll.stop();
      await queue.stop(1000);
      await repository.close();
    }
  }, 240_000);
});
