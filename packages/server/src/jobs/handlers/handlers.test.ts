/**
 * The job handlers on the SQLite store and its in-process pool, with small advisory databases
 * built from the example feeds (examples/advisories): a re-match after a database update records
 * the new findings with their first-seen time and raises one `finding` event each, without
 * reading an image; scan-image scans a real fixture image once per digest; evaluate-policy records
 * a decision from the stored scan.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAdvisoryDb, parsePolicy } from '@sekisho/core';
import { REPORT_SCHEMA } from '@sekisho/model';
import type { EventSink, Package, Report, SekishoEvent } from '@sekisho/model';
import { repoRoot, requiredTestData } from '@sekisho/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../open-store.js';
import type { StoreWithQueue } from '../open-store.js';
import { advisoryDbAt, currentDbVersion } from '../advisories.js';
import type { WorkerContext } from '../context.js';
import { enqueueRematchAfterDbUpdate, watchDbVersion } from '../rescan.js';
import { settledAs } from '../testing/queue-contract.js';
import { createJobHandlers, startHandlers } from './index.js';

const DIGEST = `sha256:${'1'.repeat(64)}`;
let dir: string;
let dbFile: string;

function npm(name: string, version: string): Package {
  return {
    id: `npm-${name}-${version}`,
    name,
    version,
    type: 'npm',
    purl: `pkg:npm/${name}@${version}`,
    cpes: [],
    licenses: [],
    locations: [{ path: `/app/node_modules/${name}/package.json`, layerDigest: null, diffId: null, layerIndex: 1 }],
    foundBy: 'javascript-package-cataloger',
    evidence: 'installed',
    source: null,
    metadata: null,
  };
}

/** A scan as a registry scan would have stored it; the reference is never read again. */
function storedScan(): Report {
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: 'test' },
    target: { reference: 'registry.invalid/team/app:1', sourceType: 'registry', manifestDigest: DIGEST, configDigest: null, platform: null, repoTags: [] },
    image: null,
    distro: null,
    packages: [npm('lodash', '4.17.15')],
    relationships: [],
    findings: [],
    unknowns: [],
    notChecked: [],
    scanners: ['vuln', 'secret', 'hardening'],
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sekisho-handlers-'));
  dbFile = join(dir, 'advisories.sqlite');
  return () => rmSync(dir, { recursive: true, force: true });
});

/** An advisory database of one unrelated npm advisory (v1), or with the example npm feed (v2). */
async function buildDb(withExamples: boolean, built: string): Promise<string> {
  const feed = join(dir, `feed-${built.slice(0, 10)}`);
  mkdirSync(feed, { recursive: true });
  writeFileSync(
    join(feed, 'left-pad.json'),
    JSON.stringify({
      schema_version: '1.6.0',
      id: 'GHSA-test-0001',
      modified: '2024-01-01T00:00:00Z',
      aliases: ['CVE-2024-0001'],
      affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.1' }] }] }],
    }),
  );
  const from = withExamples ? [feed, join(repoRoot(), 'examples', 'advisories', 'npm-nsp')] : [feed];
  await buildAdvisoryDb({ out: dbFile, from, now: new Date(built) });
  return currentDbVersion(advisoryDbAt(dbFile)) as string;
}

describe('job handlers', () => {
  let store: StoreWithQueue | null = null;
  afterEach(async () => {
    await store?.queue.stop(1000);
    await store?.repository.close();
    store = null;
  });

  const start = async (extra: Partial<WorkerContext> = {}): Promise<{ store: StoreWithQueue; events: SekishoEvent[] }> => {
    store = await openSqliteStore({ path: join(dir, `store-${Math.random().toString(16).slice(2)}.db`) }, { pollMs: 50 });
    const events: SekishoEvent[] = [];
    const sink: EventSink = { emit: (e) => Promise.resolve(void events.push(e)) };
    const ctx: WorkerContext = { repository: store.repository, queue: store.queue, advisories: advisoryDbAt(dbFile), cacheDir: join(dir, 'layers'), events: sink, ...extra };
    await startHandlers(store.queue, createJobHandlers(ctx), 2);
    return { store, events };
  };

  it('re-matches stored inventories after a database update: new findings with first-seen, one event each, no image read', async () => {
    const v1 = await buildDb(false, '2026-01-01T00:00:00.000Z');
    const { store, events } = await start();
    await store.repository.recordScan(storedScan(), v1, { scannedAt: new Date('2026-01-02T00:00:00Z') });
    expect((await store.repository.listFindings({ digest: DIGEST })).items).toHaveLength(0);

    // Same version: nothing to do.
    const same = await enqueueRematchAfterDbUpdate(store.repository, store.queue, v1);
    expect(same.digests).toBe(1);
    const first = await settledAs(store.queue, same.jobs[0]!, 'completed');
    expect(first.result).toMatchObject({ matched: 0, skipped: 1, newFindings: 0 });

    // The watch every worker runs: the first version seen is the baseline; a new build queues the re-match.
    const watch = watchDbVersion(store.repository, store.queue, advisoryDbAt(dbFile), { intervalMs: 3_600_000 });
    expect(await watch.check()).toBeNull();
    const v2 = await buildDb(true, '2026-02-01T00:00:00.000Z');
    expect(v2).not.toBe(v1);
    const before = Date.now();
    const queued = (await watch.check())!;
    watch.stop();
    expect(queued).toMatchObject({ dbVersion: v2, digests: 1 });
    expect(await watch.check()).toBeNull();
    const done = await settledAs(store.queue, queued.jobs[0]!, 'completed');
    expect(done.result).toMatchObject({ dbVersion: v2, matched: 1, newFindings: 1 });

    const findings = (await store.repository.listFindings({ digest: DIGEST })).items;
    expect(findings.map((f) => [f.dbVersion, f.finding.ruleId])).toEqual([[v2, 'NSWG-ECO-516']]);
    expect(Date.parse(findings[0]!.firstSeenAt)).toBeGreaterThanOrEqual(before - 1000);
    // Findings under the old version stay as they were.
    expect((await store.repository.listFindings({ digest: DIGEST, dbVersion: v1 })).items).toHaveLength(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'finding',
      action: 'advisories.rematch',
      result: 'detected',
      subject: { type: 'image', digest: DIGEST },
      details: { vulnerabilityId: 'NSWG-ECO-516', package: 'lodash', dbVersion: v2 },
    });
    // The repository's head had it: the repository scope opened an interval too.
    expect((await store.repository.listIntervals({ scope: 'repo:registry.invalid/team/app', open: true })).items.map((i) => i.identity)).toEqual([findings[0]!.identity]);

    // Running it again finds nothing new and raises nothing.
    const again = await store.queue.enqueue('rematch', { dbVersion: v2, digests: [DIGEST] });
    expect((await settledAs(store.queue, again.id, 'completed')).result).toMatchObject({ matched: 0, skipped: 1 });
    expect(events).toHaveLength(1);
  });

  it('evaluates the configured policy against the stored scan and records the decision; no policy fails as not judged', async () => {
    const v2 = await buildDb(true, '2026-02-01T00:00:00.000Z');
    const policy = parsePolicy(
      'apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: { name: t }\nrules:\n  no-medium: { kind: vulnerabilities, severity: medium, action: fail }\nenvironments:\n  prod: {}\ndefaultEnvironment: prod\n',
      'test',
    );
    const { store } = await start({ policy });
    await store.repository.recordScan(storedScan(), 'old', { scannedAt: new Date('2026-01-02T00:00:00Z') });
    const rematch = await store.queue.enqueue('rematch', { dbVersion: v2 });
    await settledAs(store.queue, rematch.id, 'completed');
    const job = await store.queue.enqueue('evaluate-policy', { digest: DIGEST, environment: 'prod' });
    const done = await settledAs(store.queue, job.id, 'completed');
    const decisions = (await store.repository.listDecisions(DIGEST)).items;
    expect(decisions).toHaveLength(1);
    expect(done.result).toMatchObject({ digest: DIGEST, result: decisions[0]!.decision.result });
    // NSWG-ECO-516 is medium: the rule fails.
    expect(decisions[0]!.decision.result).toBe('fail');
    // No environment named: the policy's default.
    const unnamed = await store.queue.enqueue('evaluate-policy', { digest: DIGEST });
    expect((await settledAs(store.queue, unnamed.id, 'completed')).result).toMatchObject({ environment: 'prod', result: 'fail' });
  });

  it('fails evaluate-policy without a policy, and scan-image of a malformed reference, at once (no retries)', async () => {
    await buildDb(false, '2026-01-01T00:00:00.000Z');
    const { store } = await start();
    const policyJob = await store.queue.enqueue('evaluate-policy', { digest: DIGEST });
    expect((await settledAs(store.queue, policyJob.id, 'failed')).error).toContain('no policy');
    const bad = await store.queue.enqueue('scan-image', { reference: 'registry:UPPER/CASE::bad' });
    const failed = await settledAs(store.queue, bad.id, 'failed', 30_000);
    expect(failed.attempts).toBe(1);
  });

  const fixture = requiredTestData(join(process.env['SEKISHO_FIXTURES_DIR'] ?? join(repoRoot(), '.fixtures', 'images'), 'compare-before', 'oci'), 'path', 'run scripts/build-fixture-images.sh');
  it.skipIf(fixture === null)(
    'scans a real fixture image through the engine once per digest, with the shared layer cache',
    async () => {
      await buildDb(true, '2026-02-01T00:00:00.000Z');
      const { store } = await start();
      const job = await store.queue.enqueue('scan-image', { reference: fixture as string });
      const done = await settledAs(store.queue, job.id, 'completed', 120_000);
      const digest = String(done.result?.['digest']);
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const inventory = await store.repository.getInventory(digest);
      expect(inventory?.packages.length).toBeGreaterThan(0);
      const scans = (await store.repository.listScans(digest)).items;
      expect(scans).toHaveLength(1);
      expect(scans[0]!.scanners).toContain('vuln');
      // The same digest again (another tag): recorded once, not scanned again.
      const twice = await store.queue.enqueue('scan-image', { reference: fixture as string, digest });
      expect((await settledAs(store.queue, twice.id, 'completed', 60_000)).result).toMatchObject({ skipped: expect.any(String) as unknown, scanId: scans[0]!.id });
      expect((await store.repository.listScans(digest)).items).toHaveLength(1);
    },
    180_000,
  );
});
