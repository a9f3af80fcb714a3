/**
 * The contract every Repository implementation passes: `repositoryContract(name, factory)` is
 * called once per backend (repository.test.ts). The factory opens an empty store.
 */
import { DECISION_SCHEMA } from '@sekisho/model';
import type { PolicyDecision, Severity, StoredFinding } from '@sekisho/model';
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf } from './codes.js';
import { MAX_INTERVAL_SCOPES, MAX_PAGE_SIZE } from '../types.js';
import type { Repository } from '../types.js';
import { incidentContractCases } from './incident-contract.js';
import { workloadContractCases } from './workload-contract.js';
import { digestOf, report, secret, vuln } from './reports.js';

export interface ContractSubject {
  readonly repository: Repository;
  /** Every byte the store holds, as text (database files, or every row of every table). */
  storedText(): Promise<string>;
  /** Opens the same store again (pending migrations: none). */
  reopen(): Promise<Repository>;
  /** Runs a statement directly against the store (to fake a newer schema). */
  raw(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface ContractClock {
  now: Date;
}

export type ContractFactory = (clock: ContractClock) => Promise<ContractSubject>;

const T = (day: number, hour = 0): Date => new Date(Date.UTC(2026, 10, day, hour));

async function allFindings(repo: Repository, digest: string, limit = 2): Promise<StoredFinding[]> {
  const out: StoredFinding[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await repo.listFindings({ digest }, { limit, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return out;
}

function decision(result: 'pass' | 'fail', evidence = 'ok'): PolicyDecision {
  return {
    schema: DECISION_SCHEMA,
    policy: 'default',
    environment: 'production',
    result,
    score: result === 'pass' ? 100 : 40,
    grade: result === 'pass' ? 'A' : 'D',
    rules: [
      {
        id: 'no-secrets',
        kind: 'secrets',
        action: 'fail',
        status: result === 'pass' ? 'pass' : 'violated',
        outcome: result,
        message: evidence,
        evidence: [],
        evidenceCount: 0,
        excepted: 0,
        weight: 10,
      },
    ],
    exceptions: { applied: [], expired: [] },
    evaluatedAt: '2026-11-01T00:00:00.000Z',
  };
}

export function repositoryContract(name: string, factory: ContractFactory | null, skip?: string): void {
  describe.skipIf(factory === null)(skip === undefined ? name : `${name} (skipped: ${skip})`, () => {
    let subject: ContractSubject | null = null;
    const clock: ContractClock = { now: T(1) };
    const open = async (): Promise<Repository> => {
      if (factory === null) throw new Error('unreachable');
      clock.now = T(1);
      subject = await factory(clock);
      return subject.repository;
    };
    afterEach(async () => {
      await subject?.close();
      subject = null;
    });
    incidentContractCases(open, () => subject, clock);
    workloadContractCases(open, clock);

    describe('migrations', () => {
      it('applies every migration once; reopening applies none', async () => {
        const repo = await open();
        expect(['sqlite', 'postgres']).toContain(repo.dialect);
        const again = await subject!.reopen();
        await again.close();
        expect(await repo.listImages({})).toEqual({ items: [], nextCursor: null });
      });

      it('refuses a database whose schema is newer than the code (STORE_SCHEMA)', async () => {
        await open();
        await subject!.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', '2030-01-01T00:00:00.000Z')");
        expect(await codeOf(subject!.reopen())).toBe('STORE_SCHEMA');
      });
    });

    describe('recordScan', () => {
      it('stores the image, its repository and tag, the scan and the inventory', async () => {
        const repo = await open();
        const d = digestOf(1);
        const { scan } = await repo.recordScan(report({ digest: d, reference: 'registry.example/team/app:1.0', findings: [vuln({ cve: 'CVE-1', pkg: 'openssl', severity: 'high' })] }), 'db-1', {
          scannedAt: T(2),
        });
        expect(scan).toMatchObject({ digest: d, dbVersion: 'db-1', status: 'complete', packageCount: 1, findingCount: 1 });
        expect(scan.severityCounts.high).toBe(1);
        expect(await repo.getScan(scan.id)).toEqual(scan);
        expect(await repo.getImage(d)).toMatchObject({ digest: d, repositories: ['registry.example/team/app'], size: 1234, firstSeenAt: T(2).toISOString() });
        expect(await repo.resolveTag('registry.example/team/app', '1.0')).toMatchObject({ digest: d });
        const inventory = await repo.getInventory(d);
        expect(inventory?.packages.map((p) => p.purl)).toEqual(['pkg:deb/debian/openssl@3.0.1']);
        expect(inventory?.scanId).toBe(scan.id);
        expect(await repo.getImage(digestOf(2))).toBeNull();
      });

      it('keeps findings per (digest, DB version); lists the latest version by default', async () => {
        const repo = await open();
        const d = digestOf(1);
        await repo.recordScan(report({ digest: d, findings: [vuln({ cve: 'CVE-1', pkg: 'a' })] }), 'db-1', { scannedAt: T(2) });
        await repo.recordScan(report({ digest: d, findings: [vuln({ cve: 'CVE-1', pkg: 'a' }), vuln({ cve: 'CVE-2', pkg: 'b' })] }), 'db-2', { scannedAt: T(3) });
        expect((await repo.listFindings({ digest: d, dbVersion: 'db-1' })).items.map((f) => f.finding.ruleId)).toEqual(['CVE-1']);
        expect((await repo.listFindings({ digest: d })).items.map((f) => f.finding.ruleId).sort()).toEqual(['CVE-1', 'CVE-2']);
        expect((await repo.listScans(d)).items.map((s) => s.dbVersion)).toEqual(['db-2', 'db-1']);
        expect((await repo.listFindings({ digest: digestOf(9) })).items).toEqual([]);
      });

      it('fixes a finding that disappears from a rescan of the same digest, and opens a new interval when it returns', async () => {
        const repo = await open();
        const d = digestOf(1);
        const a = vuln({ cve: 'CVE-A', pkg: 'openssl' });
        const b = vuln({ cve: 'CVE-B', pkg: 'zlib' });
        await repo.recordScan(report({ digest: d, findings: [a, b] }), 'db-1', { scannedAt: T(2) });
        const second = await repo.recordScan(report({ digest: d, findings: [b] }), 'db-2', { scannedAt: T(3) });
        expect(second.fixed).toBeGreaterThan(0);
        await repo.recordScan(report({ digest: d, findings: [a, b] }), 'db-3', { scannedAt: T(4) });

        const intervals = (await repo.listIntervals({ scope: `image:${d}`, identity: 'vulnerability|CVE-A|deb|openssl' })).items;
        expect(intervals.map((i) => [i.firstSeenAt, i.fixedAt, i.fixedDigest])).toEqual([
          [T(2).toISOString(), T(3).toISOString(), d],
          [T(4).toISOString(), null, null],
        ]);
        const latest = await allFindings(repo, d);
        const firstSeen = Object.fromEntries(latest.map((f) => [f.finding.ruleId, f.firstSeenAt]));
        expect(firstSeen).toEqual({ 'CVE-A': T(4).toISOString(), 'CVE-B': T(2).toISOString() });
      });

      it('fixes a finding absent from a newer digest of the same repository; a newer package version is the same finding', async () => {
        const repo = await open();
        const ref = 'registry.example/team/app:latest';
        const old = digestOf(1);
        const next = digestOf(2);
        await repo.recordScan(report({ digest: old, reference: ref, findings: [vuln({ cve: 'CVE-A', pkg: 'a' }), vuln({ cve: 'CVE-B', pkg: 'b', version: '1.0' })] }), 'db-1', { scannedAt: T(2) });
        await repo.recordScan(report({ digest: next, reference: ref, findings: [vuln({ cve: 'CVE-B', pkg: 'b', version: '1.1' })] }), 'db-1', { scannedAt: T(5) });

        const scope = 'repo:registry.example/team/app';
        const fixed = (await repo.listIntervals({ scope, open: false })).items;
        expect(fixed.map((i) => [i.identity, i.fixedAt, i.fixedDigest])).toEqual([['vulnerability|CVE-A|deb|a', T(5).toISOString(), next]]);
        const [b] = (await repo.listFindings({ digest: next })).items;
        expect(b?.firstSeenAt).toBe(T(2).toISOString());
        expect(await repo.resolveTag('registry.example/team/app', 'latest')).toMatchObject({ digest: next });

        // Rescanning the older digest changes nothing for the repository: it is no longer its newest.
        await repo.recordScan(report({ digest: old, reference: 'registry.example/team/app@' + old, findings: [vuln({ cve: 'CVE-A', pkg: 'a' })] }), 'db-2', { scannedAt: T(6) });
        expect((await repo.listIntervals({ scope, open: true })).items.map((i) => i.identity)).toEqual(['vulnerability|CVE-B|deb|b']);
      });

      it('leaves findings open when their scanner did not run', async () => {
        const repo = await open();
        const d = digestOf(1);
        await repo.recordScan(report({ digest: d, findings: [vuln({ cve: 'CVE-A', pkg: 'a' }), secret('/app/.env', 'AKIA…(20 chars)')] }), 'db-1', { scannedAt: T(2) });
        const result = await repo.recordScan(
          report({ digest: d, findings: [secret('/app/.env', 'AKIA…(20 chars)')], scanners: ['secret'], notChecked: [{ scanner: 'vuln', reason: 'no advisory database', fix: null }] }),
          'db-1',
          { scannedAt: T(3) },
        );
        expect(result.fixed).toBe(0);
        expect((await repo.listIntervals({ scope: `image:${d}`, open: true })).items).toHaveLength(2);
        expect((await repo.getScan(result.scan.id))?.status).toBe('incomplete');
      });

      it('writes nothing when any part fails (one transaction)', async () => {
        const repo = await open();
        const d = digestOf(1);
        const broken = { ...vuln({ cve: 'CVE-X', pkg: 'x' }), severity: 'bogus' as Severity };
        await expect(repo.recordScan(report({ digest: d, findings: [vuln({ cve: 'CVE-A', pkg: 'a' }), broken] }), 'db-1', { scannedAt: T(2) })).rejects.toThrow();
        expect(await repo.getImage(d)).toBeNull();
        expect(await repo.getInventory(d)).toBeNull();
        expect((await repo.listScans(d)).items).toEqual([]);
        expect((await repo.listIntervals({ scope: `image:${d}` })).items).toEqual([]);
        // and the store still works
        await repo.recordScan(report({ digest: d }), 'db-1', { scannedAt: T(3) });
        expect(await repo.getImage(d)).not.toBeNull();
      });

      it('stores no secret value whole: the report is redacted at the edge', async () => {
        const repo = await open();
        const key = 'AKIAZ3MXQ7RDLW5PQ2TN';
        const token = 'ghp_Q8vR2mX9kL4pT7wZ3nB6yH1cF5dJ0sA8eG2u';
        await repo.recordScan(report({ digest: digestOf(1), findings: [secret('/app/.env', key)], env: [`GITHUB_TOKEN=${token}`, 'PATH=/usr/bin'] }), 'db-1', { scannedAt: T(2) });
        await repo.appendAudit({ sourceIp: '10.0.0.1', method: 'POST', action: 'scan.record', principal: 'ci', result: 'success', details: { note: `key ${key}` } });
        const [stored] = (await repo.listFindings({ digest: digestOf(1) })).items;
        expect(stored?.finding.kind === 'secret' ? stored.finding.match : null).toBe('AKIA…(20 chars)');
        const text = await subject!.storedText();
        expect(text).toContain('AKIA…(20 chars)');
        expect(text).not.toContain(key);
        expect(text).not.toContain(token);
      });

      it('stores text with NUL characters the same way on every backend (as U+FFFD)', async () => {
        const repo = await open();
        const odd = { ...secret('/app/bin', 'AKIA…(20 chars)'), description: 'a\u0000b \\u0000 c' };
        await repo.recordScan(report({ digest: digestOf(1), findings: [odd] }), 'db-1', { scannedAt: T(2) });
        const [stored] = (await repo.listFindings({ digest: digestOf(1) })).items;
        expect(stored?.finding.description).toBe('a\ufffdb \\u0000 c');
      });

      it('records concurrent scans of one repository without losing any', async () => {
        const repo = await open();
        const ref = 'registry.example/team/app:latest';
        await Promise.all(
          [1, 2, 3, 4, 5].map((n) => repo.recordScan(report({ digest: digestOf(n), reference: ref, findings: [vuln({ cve: `CVE-${n}`, pkg: 'a' })] }), 'db-1', { scannedAt: T(2, n) })),
        );
        expect((await repo.listImages({ repository: 'registry.example/team/app' })).items).toHaveLength(5);
        expect((await repo.listIntervals({ scope: 'repo:registry.example/team/app', open: true })).items).toHaveLength(1);
      });

      it('rejects a report without a digest (STORE_INVALID)', async () => {
        const repo = await open();
        const r = report({ digest: digestOf(1) });
        expect(await codeOf(repo.recordScan({ ...r, target: { ...r.target, manifestDigest: null, configDigest: null } }, 'db-1'))).toBe('STORE_INVALID');
      });
    });

    describe('listing', () => {
      const mixed = [
        vuln({ cve: 'CVE-C1', pkg: 'a', severity: 'critical', fixed: true, kev: true }),
        vuln({ cve: 'CVE-C2', pkg: 'b', severity: 'critical' }),
        vuln({ cve: 'CVE-H1', pkg: 'c', severity: 'high', fixed: true }),
        vuln({ cve: 'CVE-M1', pkg: 'd', severity: 'medium' }),
        vuln({ cve: 'CVE-L1', pkg: 'e', severity: 'low', fixed: true }),
      ];

      it('pages findings by keyset, most severe first, each once', async () => {
        const repo = await open();
        await repo.recordScan(report({ digest: digestOf(1), findings: mixed }), 'db-1', { scannedAt: T(2) });
        const all = await allFindings(repo, digestOf(1), 2);
        expect(all.map((f) => f.finding.ruleId)).toEqual(['CVE-C1', 'CVE-C2', 'CVE-H1', 'CVE-M1', 'CVE-L1']);
      });

      it('filters findings by severity, KEV, fixability and first-seen range', async () => {
        const repo = await open();
        const d = digestOf(1);
        await repo.recordScan(report({ digest: d, findings: mixed.slice(0, 3) }), 'db-1', { scannedAt: T(2) });
        await repo.recordScan(report({ digest: d, findings: mixed }), 'db-2', { scannedAt: T(4) });
        const ids = async (filter: Omit<Parameters<Repository['listFindings']>[0], 'digest'>): Promise<string[]> =>
          (await repo.listFindings({ digest: d, ...filter })).items.map((f) => f.finding.ruleId);
        expect(await ids({ severities: ['critical'] })).toEqual(['CVE-C1', 'CVE-C2']);
        expect(await ids({ severities: ['high', 'low'] })).toEqual(['CVE-H1', 'CVE-L1']);
        expect(await ids({ severities: [] })).toEqual([]);
        expect(await ids({ kev: true })).toEqual(['CVE-C1']);
        expect(await ids({ fixable: true })).toEqual(['CVE-C1', 'CVE-H1', 'CVE-L1']);
        expect(await ids({ fixable: false, severities: ['critical', 'medium'] })).toEqual(['CVE-C2', 'CVE-M1']);
        expect(await ids({ firstSeenFrom: T(3).toISOString() })).toEqual(['CVE-M1', 'CVE-L1']);
        expect(await ids({ firstSeenTo: T(3).toISOString() })).toEqual(['CVE-C1', 'CVE-C2', 'CVE-H1']);
        expect(await ids({ dbVersion: 'db-1', kev: false })).toEqual(['CVE-C2', 'CVE-H1']);
      });

      it('bounds page sizes and rejects foreign cursors and bad filters (STORE_INVALID)', async () => {
        const repo = await open();
        const many = Array.from({ length: MAX_PAGE_SIZE + 5 }, (_, i) => vuln({ cve: `CVE-${String(i).padStart(4, '0')}`, pkg: 'p' }));
        await repo.recordScan(report({ digest: digestOf(1), findings: many }), 'db-1', { scannedAt: T(2) });
        const page = await repo.listFindings({ digest: digestOf(1) }, { limit: 100_000 });
        expect(page.items).toHaveLength(MAX_PAGE_SIZE);
        expect(page.nextCursor).not.toBeNull();
        expect((await repo.listFindings({ digest: digestOf(1) }, { cursor: page.nextCursor })).items).toHaveLength(5);
        expect(await codeOf(repo.listFindings({ digest: digestOf(1) }, { cursor: 'bm90LWEtY3Vyc29y' }))).toBe('STORE_INVALID');
        expect(await codeOf(repo.listScans(digestOf(1), { cursor: page.nextCursor }))).toBe('STORE_INVALID');
        expect(await codeOf(repo.listFindings({ digest: digestOf(1), severities: ['severe' as Severity] }))).toBe('STORE_INVALID');
        expect(await codeOf(repo.listFindings({ digest: digestOf(1), firstSeenFrom: 'yesterday' }))).toBe('STORE_INVALID');
      });

      it('lists images by repository and tags, and moves a tag', async () => {
        const repo = await open();
        await repo.recordScan(report({ digest: digestOf(1), reference: 'registry.example/a:1' }), 'db-1', { scannedAt: T(2) });
        await repo.recordScan(report({ digest: digestOf(2), reference: 'registry.example/a:2' }), 'db-1', { scannedAt: T(3) });
        await repo.recordScan(report({ digest: digestOf(3), reference: 'registry.example/b:1' }), 'db-1', { scannedAt: T(3) });
        const first = await repo.listImages({ repository: 'registry.example/a' }, { limit: 1 });
        const second = await repo.listImages({ repository: 'registry.example/a' }, { limit: 1, cursor: first.nextCursor });
        expect([...first.items, ...second.items].map((i) => i.digest)).toEqual([digestOf(1), digestOf(2)]);
        expect(second.nextCursor).toBeNull();
        expect((await repo.listImages({})).items).toHaveLength(3);
        await repo.setTag('registry.example/a', '1', digestOf(2), T(4));
        expect((await repo.listTags('registry.example/a')).items.map((t) => [t.tag, t.digest])).toEqual([
          ['1', digestOf(2)],
          ['2', digestOf(2)],
        ]);
      });
    });

    describe('fleet views', () => {
      it('summarizes images from their latest scan and decision, newest first, filtered and paged; totals the fleet', async () => {
        const repo = await open();
        const a = digestOf(1);
        const b = digestOf(2);
        const c = digestOf(3);
        // a: scanned twice; only the later scan (db-2) counts
        await repo.recordScan(report({ digest: a, reference: 'registry.example/team/api:1', findings: [vuln({ cve: 'CVE-OLD', pkg: 'zlib', severity: 'low' })] }), 'db-1', { scannedAt: T(1) });
        const { scan: sa } = await repo.recordScan(
          report({
            digest: a,
            reference: 'registry.example/team/api:1',
            findings: [
              { ...vuln({ cve: 'CVE-1', pkg: 'openssl', severity: 'critical', fixed: true, kev: true }), priority: { level: 'p1', score: 98, factors: ['listed in KEV'] } },
              { ...vuln({ cve: 'CVE-2', pkg: 'zlib', severity: 'high', fixed: true }), priority: { level: 'p3', score: 40, factors: [] } },
            ],
          }),
          'db-2',
          { scannedAt: T(3) },
        );
        await repo.recordScan(report({ digest: b, reference: 'registry.example/team/web:2', findings: [vuln({ cve: 'CVE-3', pkg: 'curl', severity: 'medium' })] }), 'db-2', { scannedAt: T(4) });
        await repo.recordScan(report({ digest: c, reference: 'registry.example/other/job:3' }), 'db-2', { scannedAt: T(2) });
        await repo.recordDecision(a, decision('pass'), sa.id, T(3));
        await repo.recordDecision(a, decision('fail'), sa.id, T(3, 5));
        await repo.recordDecision(b, { ...decision('pass'), environment: 'staging' }, null, T(4));

        const first = await repo.summarizeImages({}, { limit: 2 });
        expect(first.items.map((i) => i.digest)).toEqual([b, a]);
        const second = await repo.summarizeImages({}, { limit: 2, cursor: first.nextCursor });
        expect(second.items.map((i) => i.digest)).toEqual([c]);
        expect(second.nextCursor).toBeNull();
        const [sb, sa2] = first.items;
        expect(sa2).toMatchObject({
          repositories: ['registry.example/team/api'],
          tags: ['1'],
          scanId: sa.id,
          status: 'complete',
          kev: 1,
          decision: { environment: 'production', result: 'fail', grade: 'D', score: 40 },
        });
        expect(sa2?.severityCounts).toMatchObject({ critical: 1, high: 1, low: 0 });
        expect(sb?.decision).toMatchObject({ environment: 'staging', result: 'pass', grade: 'A' });
        expect(second.items[0]?.decision).toBeNull();
        expect((await repo.summarizeImages({ environment: 'production' })).items.map((i) => i.digest)).toEqual([a]);
        expect((await repo.summarizeImages({ repository: 'registry.example/other/job' })).items.map((i) => i.digest)).toEqual([c]);

        const all = await repo.fleetOverview({}, 30, T(30));
        expect(all).toMatchObject({ images: 3, kev: 1, slaDays: 30, pastSla: 0 });
        expect(all.bySeverity).toMatchObject({ critical: 1, high: 1, medium: 1, low: 0 });
        // b's finding carries no priority (a report from before priorities): counted by severity only
        expect(all.byPriority).toEqual({ p1: 1, p2: 0, p3: 1, p4: 0 });
        expect(all.environments).toEqual([
          { name: 'production', images: 1, failing: 1, grades: { A: 0, B: 0, C: 0, D: 1, E: 0, F: 0 } },
          { name: 'staging', images: 1, failing: 0, grades: { A: 1, B: 0, C: 0, D: 0, E: 0, F: 0 } },
        ]);
        // 40 days on, the fixable critical and high of a are past a 30-day SLA; the medium of b has no fix
        expect((await repo.fleetOverview({}, 30, T(3, 0 + 24 * 40))).pastSla).toBe(2);
        expect(await repo.fleetOverview({ environment: 'staging' }, 30, T(30))).toMatchObject({ images: 1, bySeverity: { critical: 0, medium: 1 }, kev: 0 });
      });
    });

    describe('decisions, exceptions, audit', () => {
      it('records policy decisions per digest, newest first', async () => {
        const repo = await open();
        const d = digestOf(1);
        const { scan } = await repo.recordScan(report({ digest: d }), 'db-1', { scannedAt: T(2) });
        await repo.recordDecision(d, decision('fail'), scan.id, T(2));
        await repo.recordDecision(d, decision('pass'), null, T(3));
        const page = await repo.listDecisions(d, { limit: 1 });
        expect(page.items.map((x) => x.decision.result)).toEqual(['pass']);
        const next = await repo.listDecisions(d, { limit: 1, cursor: page.nextCursor });
        expect(next.items.map((x) => [x.decision.result, x.scanId])).toEqual([['fail', scan.id]]);
        expect(await codeOf(repo.recordDecision(digestOf(7), decision('pass')))).toBe('STORE_NOT_FOUND');
      });

      it('moves exceptions from proposed to approved to expired, with who and when', async () => {
        const repo = await open();
        const proposed = await repo.proposeException({ match: { id: 'CVE-1', package: 'openssl' }, owner: 'team-a', reason: 'not reachable', expires: '2026-11-30', principal: 'alice' }, T(2));
        expect(proposed).toMatchObject({ state: 'proposed', proposedBy: 'alice', proposedAt: T(2).toISOString(), approvedBy: null });
        const approved = await repo.approveException(proposed.id, 'bob', T(3));
        expect(approved).toMatchObject({ state: 'approved', approvedBy: 'bob', approvedAt: T(3).toISOString() });
        expect(await codeOf(repo.approveException(proposed.id, 'bob'))).toBe('STORE_CONFLICT');
        expect(await codeOf(repo.approveException('missing', 'bob'))).toBe('STORE_NOT_FOUND');
        expect(await codeOf(repo.proposeException({ match: {}, owner: 'x', reason: 'y', expires: '2026-12-01', principal: 'z' }))).toBe('STORE_INVALID');

        const other = await repo.proposeException({ match: { rule: 'no-root' }, owner: 'team-b', reason: 'legacy', expires: '2027-01-31', principal: 'carol' }, T(4));
        expect(await repo.expireDueExceptions(new Date('2026-11-30T23:00:00Z'))).toBe(0);
        expect(await repo.expireDueExceptions(new Date('2026-12-01T00:00:00Z'))).toBe(1);
        expect(await repo.getException(proposed.id)).toMatchObject({ state: 'expired', expiredBy: 'system' });
        const early = await repo.expireException(other.id, 'dave', T(5));
        expect(early).toMatchObject({ state: 'expired', expiredBy: 'dave', expiredAt: T(5).toISOString() });
        expect((await repo.listExceptions({ state: 'expired' }, { limit: 1 })).nextCursor).not.toBeNull();
        expect((await repo.listExceptions({ state: 'approved' })).items).toEqual([]);
      });

      it('appends audit events and lists them newest first, filtered', async () => {
        const repo = await open();
        for (let i = 0; i < 5; i++) {
          await repo.appendAudit({
            at: T(2, i),
            sourceIp: '192.0.2.1',
            method: i % 2 === 0 ? 'POST' : 'GET',
            action: i % 2 === 0 ? 'exception.approve' : 'findings.list',
            principal: i < 3 ? 'alice' : 'bob',
            result: i === 4 ? 'denied' : 'success',
            target: `x${i}`,
          });
        }
        const pages: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await repo.listAudit({}, { limit: 2, cursor });
          pages.push(...page.items.map((e) => e.target ?? ''));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(pages).toEqual(['x4', 'x3', 'x2', 'x1', 'x0']);
        expect((await repo.listAudit({ principal: 'bob' })).items.map((e) => e.result)).toEqual(['denied', 'success']);
        expect((await repo.listAudit({ action: 'exception.approve', from: T(2, 1).toISOString(), to: T(2, 3).toISOString() })).items.map((e) => e.target)).toEqual(['x2']);
        expect((await repo.listAudit({}, { limit: 1 })).items[0]).toMatchObject({ sourceIp: '192.0.2.1', method: 'POST', principal: 'bob', at: T(2, 4).toISOString() });
      });
    });

    describe('what the API reads', () => {
      it('rebuilds a scan’s report: target, image facts, inventory, findings, scanners; unknowns as a count', async () => {
        const repo = await open();
        const d = digestOf(40);
        const base = report({
          digest: d,
          env: ['MODE=prod'],
          findings: [vuln({ cve: 'CVE-7', pkg: 'openssl', severity: 'high' })],
          notChecked: [{ scanner: 'malware', reason: 'no engine', fix: null }],
        });
        const withUnknowns = { ...base, unknowns: [{ location: { path: '/etc/x', layerDigest: null, diffId: null, layerIndex: 0 }, foundBy: 't', reason: 'unreadable' }] };
        const { scan } = await repo.recordScan(withUnknowns, 'db-1', { scannedAt: T(2) });
        const rebuilt = await repo.getScanReport(scan.id);
        expect(rebuilt?.target).toEqual(base.target);
        expect(rebuilt?.image?.config.env).toEqual(['MODE=prod']);
        expect(rebuilt?.packages.map((p) => p.purl)).toEqual(base.packages.map((p) => p.purl));
        expect(rebuilt?.findings.map((f) => f.id)).toEqual(base.findings.map((f) => f.id));
        expect(rebuilt?.scanners).toEqual(base.scanners);
        expect(rebuilt?.notChecked).toEqual(base.notChecked);
        expect(rebuilt?.unknowns).toHaveLength(1);
        expect(rebuilt?.unknowns[0]?.reason).toMatch(/^1 file/);
        expect(await repo.getScanReport('no-such-scan')).toBeNull();
      });

      it('lists the intervals open in a range with the severity that opened them', async () => {
        const repo = await open();
        const d1 = digestOf(41);
        const d2 = digestOf(42);
        const ref = 'registry.example/team/trend:1';
        await repo.recordScan(report({ digest: d1, reference: ref, findings: [vuln({ cve: 'CVE-A', pkg: 'a', severity: 'critical' }), vuln({ cve: 'CVE-B', pkg: 'b', severity: 'low' })] }), 'db-1', {
          scannedAt: T(2),
        });
        await repo.recordScan(report({ digest: d2, reference: ref, findings: [vuln({ cve: 'CVE-B', pkg: 'b', severity: 'low' })] }), 'db-1', { scannedAt: T(5) });
        const scope = 'repo:registry.example/team/trend';
        const all = await repo.listSeverityIntervals(scope, T(1).toISOString(), T(9).toISOString());
        expect(all.map((i) => [i.severity, i.firstSeenAt, i.fixedAt]).sort()).toEqual([
          ['critical', T(2).toISOString(), T(5).toISOString()],
          ['low', T(2).toISOString(), null],
        ]);
        expect((await repo.listSeverityIntervals(scope, T(6).toISOString(), T(9).toISOString())).map((i) => i.severity)).toEqual(['low']);
        expect(await repo.listSeverityIntervals(scope, T(0).toISOString(), T(1).toISOString())).toEqual([]);
        expect(await codeOf(repo.listSeverityIntervals(scope, 'yesterday', T(1).toISOString()))).toBe('STORE_INVALID');
        // several scopes in one query: every interval of each, once
        const other = 'registry.example/team/trend-other:1';
        await repo.recordScan(report({ digest: digestOf(43), reference: other, findings: [vuln({ cve: 'CVE-C', pkg: 'c', severity: 'high' })] }), 'db-1', { scannedAt: T(3) });
        const both = await repo.listSeverityIntervals([scope, 'repo:registry.example/team/trend-other', 'repo:nobody/here'], T(1).toISOString(), T(9).toISOString());
        expect(both.map((i) => i.severity).sort()).toEqual(['critical', 'high', 'low']);
        expect(await repo.listSeverityIntervals([], T(1).toISOString(), T(9).toISOString())).toEqual([]);
        expect(
          await codeOf(
            repo.listSeverityIntervals(
              Array.from({ length: MAX_INTERVAL_SCOPES + 1 }, (_, i) => `repo:r${i}`),
              T(1).toISOString(),
              T(9).toISOString(),
            ),
          ),
        ).toBe('STORE_INVALID');
      });

      it('keeps API tokens by hash: create, look up, list by name, revoke once; names are unique', async () => {
        const repo = await open();
        const hash = 'a'.repeat(64);
        const token = await repo.createToken({ id: 'tok1', name: 'ci', role: 'scanner', hash, createdBy: 'admin', expiresAt: T(30) }, T(2));
        expect(token).toEqual({ id: 'tok1', name: 'ci', role: 'scanner', createdAt: T(2).toISOString(), createdBy: 'admin', expiresAt: T(30).toISOString(), revokedAt: null, revokedBy: null });
        expect(await repo.getTokenCredential('tok1')).toEqual({ token, hash });
        expect(await repo.getTokenCredential('tok2')).toBeNull();
        expect(await codeOf(repo.createToken({ id: 'tok2', name: 'ci', role: 'viewer', hash, createdBy: 'admin' }))).toBe('STORE_CONFLICT');
        expect(await codeOf(repo.createToken({ id: 'tok3', name: 'x', role: 'viewer', hash: 'not-hex', createdBy: 'admin' }))).toBe('STORE_INVALID');
        await repo.createToken({ id: 'tok4', name: 'alice', role: 'approver', hash: 'b'.repeat(64), createdBy: 'admin' });
        const first = await repo.listTokens({ limit: 1 });
        expect(first.items.map((t) => t.name)).toEqual(['alice']);
        expect((await repo.listTokens({ limit: 1, cursor: first.nextCursor })).items.map((t) => t.name)).toEqual(['ci']);
        expect(await repo.revokeToken('tok1', 'root', T(3))).toMatchObject({ revokedAt: T(3).toISOString(), revokedBy: 'root' });
        expect(await repo.revokeToken('tok1', 'other', T(4))).toMatchObject({ revokedAt: T(3).toISOString(), revokedBy: 'root' });
        expect(await codeOf(repo.revokeToken('nope', 'root'))).toBe('STORE_NOT_FOUND');
      });
    });
  });
}
