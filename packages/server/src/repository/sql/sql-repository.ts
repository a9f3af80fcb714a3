/**
 * The Repository over any SqlDriver. Both dialects run the same statements (portable SQL:
 * `ON CONFLICT`, `RETURNING`, partial unique indexes); what differs lives in the drivers
 * (placeholders, locking, connection handling) and in each dialect's migrations (JSONB and
 * identity columns on PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import { createRedactor, parseImageReference } from '@sekisho/core';
import type { Redactor } from '@sekisho/core';
import { findingFixable, findingIdentity, findingInKev, FINDING_KINDS, isSeverity, REPORT_SCHEMA, reportCompleteness, scannerOfKind, SEVERITIES, severityRank } from '@sekisho/model';
import type {
  ApiRole,
  ApiTokenRecord,
  AuditEvent,
  AuditResult,
  ExceptionMatch,
  ExceptionRecord,
  ExceptionState,
  Finding,
  FindingFilter,
  FindingInterval,
  FindingKind,
  ImageRecord,
  Page,
  PageRequest,
  PolicyDecision,
  Report,
  ScanRecord,
  ScanTarget,
  Severity,
  StoredDecision,
  StoredFinding,
  StoredInventory,
  TagRecord,
  FleetFilter,
  FleetOverview,
  ImageSummary,
  IncidentEventOutcome,
  IncidentEventRecord,
  IncidentFilter,
  IncidentRecord,
  IncidentState,
  IncidentTimelineEntry,
  SekishoEvent,
  ConfigAuditRecord,
  EventHistogram,
  StoredEvent,
  StoredEventFilter,
  WorkloadFilter,
  WorkloadOverview,
  WorkloadRecord,
} from '@sekisho/model';
import { RepositoryError } from '../errors.js';
import { MAX_INTERVAL_SCOPES, MAX_TREND_INTERVALS } from '../types.js';
import type {
  AppendAudit,
  CreateToken,
  SeverityInterval,
  TokenCredential,
  IntervalFilter,
  ListAuditFilter,
  ListExceptionsFilter,
  ListImagesFilter,
  ProposeException,
  RecordIncidentEventOptions,
  RecordScanOptions,
  RecordScanResult,
  Repository,
  EventBucket,
  RecordConfigAudit,
  RecordConfigAuditResult,
} from '../types.js';
import { fleetOverview, summarizeImages } from './fleet.js';
import { SqlEventStore } from './events.js';
import { SqlIncidentStore } from './incidents.js';
import { SqlWorkloadStore } from './workloads.js';
import { json } from './json-text.js';
import { decodeCursor, pageSize } from './cursor.js';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './driver.js';
import { checkText, iso, num, optStr, paged, parse, str } from './row.js';

export interface SqlRepositoryOptions {
  /** The clock; tests pass a fixed one. */
  readonly now?: () => Date;
  /** Redaction at the store's edge; core's `createRedactor()` otherwise. */
  readonly redactor?: Redactor;
  /** Days an event is kept for the timeline, counted from its arrival (default 30). */
  readonly eventRetentionDays?: number;
}

const MAX_TEXT = 4096;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class SqlRepository implements Repository {
  readonly #driver: SqlDriver;
  readonly #now: () => Date;
  readonly #redactor: Redactor;
  readonly #incidents: SqlIncidentStore;
  readonly #workloads: SqlWorkloadStore;
  readonly #events: SqlEventStore;

  constructor(driver: SqlDriver, options: SqlRepositoryOptions = {}) {
    this.#driver = driver;
    this.#now = options.now ?? (() => new Date());
    this.#redactor = options.redactor ?? createRedactor();
    this.#incidents = new SqlIncidentStore(driver, this.#now, this.#redactor);
    this.#workloads = new SqlWorkloadStore(driver, this.#now, this.#redactor);
    this.#events = new SqlEventStore(driver, this.#now, this.#redactor, options.eventRetentionDays);
  }

  get dialect(): SqlDriver['dialect'] {
    return this.#driver.dialect;
  }

  async recordScan(report: Report, dbVersion: string, options: RecordScanOptions = {}): Promise<RecordScanResult> {
    checkText('dbVersion', dbVersion, 200);
    const clean = this.#redactor.report(report);
    const digest = clean.target.manifestDigest ?? clean.target.configDigest;
    if (digest === null) throw new RepositoryError('STORE_INVALID', 'a scan is stored by image digest: the report has neither a manifest nor a config digest');
    const at = iso(options.scannedAt ?? this.#now());
    const names = (options.names ?? namesOf(clean.target)).map((n) => ({ repository: n.repository, tag: n.tag }));
    for (const n of names) {
      checkText('repository', n.repository, 512);
      if (n.tag !== null) checkText('tag', n.tag, 128);
    }
    const repositories = [...new Set(names.map((n) => n.repository))].sort();
    const findings = [...new Map(clean.findings.map((f) => [f.id, f])).values()];
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const f of findings) counts[f.severity] += 1;
    const completeness = reportCompleteness(clean);
    const scanners = clean.scanners ?? [];
    // A kind whose scanner did not run proves nothing about its findings: they stay open.
    const checked = new Set<FindingKind>(
      FINDING_KINDS.filter((kind) => {
        const scanner = scannerOfKind(kind);
        return (clean.scanners === undefined || scanners.includes(scanner)) && !clean.notChecked.some((n) => n.scanner === scanner);
      }),
    );
    const scan: ScanRecord = {
      id: randomUUID(),
      digest,
      reference: clean.target.reference,
      dbVersion,
      scannedAt: at,
      toolVersion: clean.tool.version,
      status: completeness.status,
      statusReasons: completeness.reasons,
      scanners: [...scanners],
      packageCount: clean.packages.length,
      findingCount: findings.length,
      severityCounts: counts,
    };

    return this.#driver.transaction(async (tx) => {
      await tx.lock([`image:${digest}`, ...repositories.map((r) => `repo:${r}`)]);
      await tx.run(
        `INSERT INTO images (digest, config_digest, platform, size, first_seen_at, last_scanned_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (digest) DO UPDATE SET config_digest = excluded.config_digest, platform = excluded.platform,
           size = excluded.size, last_scanned_at = excluded.last_scanned_at`,
        [digest, clean.target.configDigest, json(clean.target.platform), clean.image?.size ?? null, at, at],
      );

      // The digest is its repository's head when it is new to the repository, or already the head.
      const heads: string[] = [];
      for (const repository of repositories) {
        const repo = (await tx.all('SELECT head_digest FROM repositories WHERE name = ?', [repository]))[0];
        const known = (await tx.all('SELECT 1 AS x FROM repository_images WHERE repository = ? AND digest = ?', [repository, digest])).length > 0;
        if (repo === undefined) {
          await tx.run('INSERT INTO repositories (name, head_digest, head_since) VALUES (?, ?, ?)', [repository, digest, at]);
        } else if (!known) {
          await tx.run('UPDATE repositories SET head_digest = ?, head_since = ? WHERE name = ?', [digest, at, repository]);
        }
        if (!known) await tx.run('INSERT INTO repository_images (repository, digest, first_seen_at) VALUES (?, ?, ?)', [repository, digest, at]);
        if (repo === undefined || !known || repo['head_digest'] === digest) heads.push(repository);
      }
      for (const n of names) {
        if (n.tag !== null) await upsertTag(tx, n.repository, n.tag, digest, at);
      }

      await tx.run('INSERT INTO scans (id, digest, reference, db_version, scanned_at, tool_version, status, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        scan.id,
        digest,
        scan.reference,
        dbVersion,
        at,
        scan.toolVersion,
        scan.status,
        json({
          statusReasons: scan.statusReasons,
          scanners: scan.scanners,
          packageCount: scan.packageCount,
          findingCount: scan.findingCount,
          severityCounts: counts,
          notChecked: clean.notChecked,
          unknowns: clean.unknowns.length,
          target: clean.target,
          image: clean.image,
        }),
      ]);

      await tx.run(
        `INSERT INTO inventories (digest, scan_id, distro, packages, relationships, package_count, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (digest) DO UPDATE SET scan_id = excluded.scan_id, distro = excluded.distro, packages = excluded.packages,
           relationships = excluded.relationships, package_count = excluded.package_count, updated_at = excluded.updated_at`,
        [digest, scan.id, json(clean.distro), json(clean.packages), json(clean.relationships), clean.packages.length, at],
      );
      await tx.run('DELETE FROM inventory_packages WHERE digest = ?', [digest]);
      const packages = [...new Map(clean.packages.map((p) => [p.id, p])).values()];
      await insertMany(
        tx,
        'inventory_packages',
        ['digest', 'package_id', 'type', 'name', 'version', 'purl'],
        packages.map((p) => [digest, p.id, p.type, p.name, p.version, p.purl]),
      );

      // Finding lifecycle, per scope: the digest itself, and each repository it heads.
      const present = new Map<string, FindingKind>(findings.map((f) => [findingIdentity(f), f.kind]));
      const firstSeen = new Map<string, string>();
      const seen = (identity: string, time: string): void => {
        const earlier = firstSeen.get(identity);
        if (earlier === undefined || time < earlier) firstSeen.set(identity, time);
      };
      let opened = 0;
      let fixed = 0;
      for (const scope of [`image:${digest}`, ...heads.map((r) => `repo:${r}`)]) {
        const open = await tx.all('SELECT id, identity, kind, first_seen_at FROM finding_intervals WHERE scope = ? AND fixed_at IS NULL', [scope]);
        const openIdentities = new Set<string>();
        for (const row of open) {
          const identity = str(row['identity']);
          openIdentities.add(identity);
          if (present.has(identity)) seen(identity, str(row['first_seen_at']));
          else if (checked.has(str(row['kind']) as FindingKind)) {
            await tx.run('UPDATE finding_intervals SET fixed_at = ?, fixed_digest = ? WHERE id = ?', [at, digest, num(row['id'])]);
            fixed += 1;
          }
        }
        const fresh = [...present].filter(([identity]) => !openIdentities.has(identity));
        await insertMany(
          tx,
          'finding_intervals',
          ['scope', 'identity', 'kind', 'first_seen_at', 'first_seen_digest'],
          fresh.map(([identity, kind]) => [scope, identity, kind, at, digest]),
        );
        for (const [identity] of fresh) seen(identity, at);
        opened += fresh.length;
      }

      await tx.run('DELETE FROM findings WHERE digest = ? AND db_version = ?', [digest, dbVersion]);
      await insertMany(
        tx,
        'findings',
        [
          'digest',
          'db_version',
          'finding_id',
          'scan_id',
          'identity',
          'kind',
          'severity',
          'severity_rank',
          'kev',
          'fixable',
          'vulnerability_id',
          'package_name',
          'first_seen_at',
          'document',
          'priority',
        ],
        findings.map((f) => {
          const identity = findingIdentity(f);
          return [
            digest,
            dbVersion,
            f.id,
            scan.id,
            identity,
            f.kind,
            f.severity,
            severityRank(f.severity),
            findingInKev(f) ? 1 : 0,
            findingFixable(f) ? 1 : 0,
            f.kind === 'vulnerability' ? f.vulnerabilityId : null,
            f.kind === 'vulnerability' ? f.packageName : null,
            firstSeen.get(identity) ?? at,
            json(f),
            f.kind === 'vulnerability' ? (f.priority?.level ?? null) : null,
          ];
        }),
      );
      return { scan, opened, fixed };
    });
  }

  async getImage(digest: string): Promise<ImageRecord | null> {
    const rows = await this.#driver.all('SELECT * FROM images WHERE digest = ?', [digest]);
    return (await this.#images(rows))[0] ?? null;
  }

  async listImages(filter: ListImagesFilter, page?: PageRequest): Promise<Page<ImageRecord>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 's');
    const where: string[] = [];
    const params: SqlValue[] = [];
    let from = 'images i';
    if (filter.repository !== undefined) {
      from += ' JOIN repository_images r ON r.digest = i.digest';
      where.push('r.repository = ?');
      params.push(filter.repository);
    }
    if (after !== null) {
      where.push('i.digest > ?');
      params.push(after[0] ?? '');
    }
    const rows = await this.#driver.all(`SELECT i.* FROM ${from} ${clause(where)} ORDER BY i.digest LIMIT ?`, [...params, size + 1]);
    const images = await this.#images(rows.slice(0, size));
    return paged(images, rows.length > size, (i) => [i.digest]);
  }

  async #images(rows: SqlRow[]): Promise<ImageRecord[]> {
    if (rows.length === 0) return [];
    const digests = rows.map((r) => str(r['digest']));
    const names = await this.#driver.all(`SELECT digest, repository FROM repository_images WHERE digest IN (${digests.map(() => '?').join(', ')}) ORDER BY repository`, digests);
    return rows.map((r) => ({
      digest: str(r['digest']),
      configDigest: optStr(r['config_digest']),
      platform: parse(r['platform']) as ImageRecord['platform'],
      size: r['size'] === null ? null : num(r['size']),
      repositories: names.filter((n) => n['digest'] === r['digest']).map((n) => str(n['repository'])),
      firstSeenAt: str(r['first_seen_at']),
      lastScannedAt: str(r['last_scanned_at']),
    }));
  }

  async setTag(repository: string, tag: string, digest: string, at?: Date): Promise<TagRecord> {
    checkText('repository', repository, 512);
    checkText('tag', tag, 128);
    const updatedAt = iso(at ?? this.#now());
    await this.#driver.transaction((tx) => upsertTag(tx, repository, tag, digest, updatedAt));
    return { repository, tag, digest, updatedAt };
  }

  async resolveTag(repository: string, tag: string): Promise<TagRecord | null> {
    const rows = await this.#driver.all('SELECT * FROM tags WHERE repository = ? AND tag = ?', [repository, tag]);
    return rows[0] === undefined ? null : toTag(rows[0]);
  }

  async listTags(repository: string, page?: PageRequest): Promise<Page<TagRecord>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 's');
    const rows = await this.#driver.all(
      `SELECT * FROM tags WHERE repository = ?${after === null ? '' : ' AND tag > ?'} ORDER BY tag LIMIT ?`,
      after === null ? [repository, size + 1] : [repository, after[0] ?? '', size + 1],
    );
    return paged(rows.slice(0, size).map(toTag), rows.length > size, (t) => [t.tag]);
  }

  async getScan(id: string): Promise<ScanRecord | null> {
    const rows = await this.#driver.all('SELECT * FROM scans WHERE id = ?', [id]);
    return rows[0] === undefined ? null : toScan(rows[0]);
  }

  async listScans(digest: string, page?: PageRequest): Promise<Page<ScanRecord>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'ss');
    const rows = await this.#driver.all(
      `SELECT * FROM scans WHERE digest = ?${after === null ? '' : ' AND (scanned_at < ? OR (scanned_at = ? AND id < ?))'}
       ORDER BY scanned_at DESC, id DESC LIMIT ?`,
      after === null ? [digest, size + 1] : [digest, after[0] ?? '', after[0] ?? '', after[1] ?? '', size + 1],
    );
    return paged(rows.slice(0, size).map(toScan), rows.length > size, (s) => [s.scannedAt, s.id]);
  }

  async getInventory(digest: string): Promise<StoredInventory | null> {
    const row = (await this.#driver.all('SELECT * FROM inventories WHERE digest = ?', [digest]))[0];
    if (row === undefined) return null;
    return {
      digest,
      scanId: str(row['scan_id']),
      distro: parse(row['distro']) as StoredInventory['distro'],
      packages: parse(row['packages']) as StoredInventory['packages'],
      relationships: parse(row['relationships']) as StoredInventory['relationships'],
      updatedAt: str(row['updated_at']),
    };
  }

  async listFindings(filter: FindingFilter, page?: PageRequest): Promise<Page<StoredFinding>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'ns');
    let dbVersion = filter.dbVersion;
    if (dbVersion === undefined) {
      const latest = await this.#driver.all('SELECT db_version FROM scans WHERE digest = ? ORDER BY scanned_at DESC, id DESC LIMIT 1', [filter.digest]);
      if (latest[0] === undefined) return { items: [], nextCursor: null };
      dbVersion = str(latest[0]['db_version']);
    }
    const where = ['digest = ?', 'db_version = ?'];
    const params: SqlValue[] = [filter.digest, dbVersion];
    if (filter.severities !== undefined) {
      for (const s of filter.severities) if (!isSeverity(s)) throw new RepositoryError('STORE_INVALID', `not a severity: ${String(s)}`);
      inList(where, params, 'severity', filter.severities);
    }
    if (filter.kinds !== undefined) {
      for (const k of filter.kinds) if (!(FINDING_KINDS as readonly string[]).includes(k)) throw new RepositoryError('STORE_INVALID', `not a finding kind: ${k}`);
      inList(where, params, 'kind', filter.kinds);
    }
    if (filter.kev !== undefined) {
      where.push('kev = ?');
      params.push(filter.kev ? 1 : 0);
    }
    if (filter.fixable !== undefined) {
      where.push('fixable = ?');
      params.push(filter.fixable ? 1 : 0);
    }
    if (filter.firstSeenFrom !== undefined) {
      where.push('first_seen_at >= ?');
      params.push(isoText('firstSeenFrom', filter.firstSeenFrom));
    }
    if (filter.firstSeenTo !== undefined) {
      where.push('first_seen_at <= ?');
      params.push(isoText('firstSeenTo', filter.firstSeenTo));
    }
    if (after !== null) {
      where.push('(severity_rank < ? OR (severity_rank = ? AND finding_id > ?))');
      params.push(after[0] ?? 0, after[0] ?? 0, after[1] ?? '');
    }
    const rows = await this.#driver.all(`SELECT * FROM findings ${clause(where)} ORDER BY severity_rank DESC, finding_id ASC LIMIT ?`, [...params, size + 1]);
    const items = rows.slice(0, size).map((r): StoredFinding => ({
      digest: str(r['digest']),
      dbVersion: str(r['db_version']),
      scanId: str(r['scan_id']),
      identity: str(r['identity']),
      firstSeenAt: str(r['first_seen_at']),
      kev: num(r['kev']) === 1,
      fixable: num(r['fixable']) === 1,
      finding: parse(r['document']) as Finding,
    }));
    return paged(items, rows.length > size, (f) => [severityRank(f.finding.severity), f.finding.id]);
  }

  async listIntervals(filter: IntervalFilter, page?: PageRequest): Promise<Page<FindingInterval & { readonly id: number }>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'sn');
    const where = ['scope = ?'];
    const params: SqlValue[] = [filter.scope];
    if (filter.identity !== undefined) {
      where.push('identity = ?');
      params.push(filter.identity);
    }
    if (filter.open !== undefined) where.push(filter.open ? 'fixed_at IS NULL' : 'fixed_at IS NOT NULL');
    if (after !== null) {
      where.push('(first_seen_at > ? OR (first_seen_at = ? AND id > ?))');
      params.push(after[0] ?? '', after[0] ?? '', after[1] ?? 0);
    }
    const rows = await this.#driver.all(`SELECT * FROM finding_intervals ${clause(where)} ORDER BY first_seen_at, id LIMIT ?`, [...params, size + 1]);
    const items = rows.slice(0, size).map((r) => ({
      id: num(r['id']),
      scope: str(r['scope']),
      identity: str(r['identity']),
      kind: str(r['kind']) as FindingKind,
      firstSeenAt: str(r['first_seen_at']),
      firstSeenDigest: str(r['first_seen_digest']),
      fixedAt: optStr(r['fixed_at']),
      fixedDigest: optStr(r['fixed_digest']),
    }));
    return paged(items, rows.length > size, (i) => [i.firstSeenAt, i.id]);
  }

  async recordDecision(digest: string, decision: PolicyDecision, scanId: string | null = null, at?: Date): Promise<StoredDecision> {
    const clean = this.#redactor.value(decision);
    const stored: StoredDecision = { id: randomUUID(), digest, scanId, recordedAt: iso(at ?? this.#now()), decision: clean };
    await this.#driver
      .run('INSERT INTO policy_decisions (id, digest, scan_id, environment, policy, result, recorded_at, document, grade, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        stored.id,
        digest,
        scanId,
        clean.environment,
        clean.policy,
        clean.result,
        stored.recordedAt,
        json(clean),
        clean.grade,
        clean.score,
      ])
      .catch((cause: unknown) => {
        throw isForeignKeyError(cause) ? new RepositoryError('STORE_NOT_FOUND', `no stored image or scan for this decision (${digest})`, { cause }) : cause;
      });
    return stored;
  }

  summarizeImages(filter: FleetFilter, page?: PageRequest): Promise<Page<ImageSummary>> {
    return summarizeImages(this.#driver, filter, page);
  }

  fleetOverview(filter: FleetFilter, slaDays: number, at?: Date): Promise<FleetOverview> {
    return fleetOverview(this.#driver, filter, at ?? this.#now(), slaDays);
  }

  async listDecisions(digest: string, page?: PageRequest): Promise<Page<StoredDecision>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'ss');
    const rows = await this.#driver.all(
      `SELECT * FROM policy_decisions WHERE digest = ?${after === null ? '' : ' AND (recorded_at < ? OR (recorded_at = ? AND id < ?))'}
       ORDER BY recorded_at DESC, id DESC LIMIT ?`,
      after === null ? [digest, size + 1] : [digest, after[0] ?? '', after[0] ?? '', after[1] ?? '', size + 1],
    );
    const items = rows.slice(0, size).map((r): StoredDecision => ({
      id: str(r['id']),
      digest: str(r['digest']),
      scanId: optStr(r['scan_id']),
      recordedAt: str(r['recorded_at']),
      decision: parse(r['document']) as PolicyDecision,
    }));
    return paged(items, rows.length > size, (d) => [d.recordedAt, d.id]);
  }

  async proposeException(input: ProposeException, at?: Date): Promise<ExceptionRecord> {
    const clean = this.#redactor.value(input);
    if ((clean.match.id === undefined) === (clean.match.rule === undefined)) {
      throw new RepositoryError('STORE_INVALID', 'an exception names either id (a finding) or rule (a policy rule)');
    }
    checkText('owner', clean.owner, 200);
    checkText('reason', clean.reason, MAX_TEXT);
    checkText('principal', clean.principal, 200);
    if (!DAY.test(clean.expires)) throw new RepositoryError('STORE_INVALID', `expires is not a YYYY-MM-DD date: ${clean.expires}`);
    const id = randomUUID();
    await this.#driver.run(`INSERT INTO exceptions (id, match, owner, reason, expires, state, proposed_by, proposed_at) VALUES (?, ?, ?, ?, ?, 'proposed', ?, ?)`, [
      id,
      json(clean.match),
      clean.owner,
      clean.reason,
      clean.expires,
      clean.principal,
      iso(at ?? this.#now()),
    ]);
    return this.#exception(id);
  }

  approveException(id: string, principal: string, at?: Date): Promise<ExceptionRecord> {
    return this.#transition(id, ['proposed'], "state = 'approved', approved_by = ?, approved_at = ?", [principal, iso(at ?? this.#now())]);
  }

  expireException(id: string, principal: string, at?: Date): Promise<ExceptionRecord> {
    return this.#transition(id, ['proposed', 'approved'], "state = 'expired', expired_by = ?, expired_at = ?", [principal, iso(at ?? this.#now())]);
  }

  async #transition(id: string, from: readonly ExceptionState[], set: string, params: SqlValue[]): Promise<ExceptionRecord> {
    const changed = await this.#driver.run(`UPDATE exceptions SET ${set} WHERE id = ? AND state IN (${from.map(() => '?').join(', ')})`, [...params, id, ...from]);
    const record = await this.#exception(id);
    if (changed === 0) throw new RepositoryError('STORE_CONFLICT', `exception ${id} is ${record.state}, not ${from.join(' or ')}`);
    return record;
  }

  async expireDueExceptions(at?: Date): Promise<number> {
    const when = at ?? this.#now();
    return this.#driver.run(`UPDATE exceptions SET state = 'expired', expired_by = 'system', expired_at = ? WHERE state IN ('proposed', 'approved') AND expires < ?`, [
      iso(when),
      iso(when).slice(0, 10),
    ]);
  }

  async getException(id: string): Promise<ExceptionRecord | null> {
    const rows = await this.#driver.all('SELECT * FROM exceptions WHERE id = ?', [id]);
    return rows[0] === undefined ? null : toException(rows[0]);
  }

  async #exception(id: string): Promise<ExceptionRecord> {
    const record = await this.getException(id);
    if (record === null) throw new RepositoryError('STORE_NOT_FOUND', `no exception ${id}`);
    return record;
  }

  async listExceptions(filter: ListExceptionsFilter, page?: PageRequest): Promise<Page<ExceptionRecord>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'ss');
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.state !== undefined) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (after !== null) {
      where.push('(proposed_at > ? OR (proposed_at = ? AND id > ?))');
      params.push(after[0] ?? '', after[0] ?? '', after[1] ?? '');
    }
    const rows = await this.#driver.all(`SELECT * FROM exceptions ${clause(where)} ORDER BY proposed_at, id LIMIT ?`, [...params, size + 1]);
    return paged(rows.slice(0, size).map(toException), rows.length > size, (e) => [e.proposedAt, e.id]);
  }

  async appendAudit(event: AppendAudit): Promise<AuditEvent> {
    const clean = this.#redactor.value({ ...event, at: undefined });
    checkText('method', clean.method, 32);
    checkText('action', clean.action, 200);
    checkText('principal', clean.principal, 200);
    const at = iso(event.at ?? this.#now());
    const rows = await this.#driver.all('INSERT INTO audit_events (at, source_ip, method, action, principal, result, target, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id', [
      at,
      clean.sourceIp,
      clean.method,
      clean.action,
      clean.principal,
      clean.result,
      clean.target ?? null,
      json(clean.details ?? {}),
    ]);
    return {
      id: String(rows[0]?.['id']),
      at,
      sourceIp: clean.sourceIp,
      method: clean.method,
      action: clean.action,
      principal: clean.principal,
      result: clean.result,
      target: clean.target ?? null,
      details: clean.details ?? {},
    };
  }

  async listAudit(filter: ListAuditFilter, page?: PageRequest): Promise<Page<AuditEvent>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'sn');
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.principal !== undefined) {
      where.push('principal = ?');
      params.push(filter.principal);
    }
    if (filter.action !== undefined) {
      where.push('action = ?');
      params.push(filter.action);
    }
    if (filter.from !== undefined) {
      where.push('at >= ?');
      params.push(isoText('from', filter.from));
    }
    if (filter.to !== undefined) {
      where.push('at <= ?');
      params.push(isoText('to', filter.to));
    }
    if (after !== null) {
      where.push('(at < ? OR (at = ? AND id < ?))');
      params.push(after[0] ?? '', after[0] ?? '', after[1] ?? 0);
    }
    const rows = await this.#driver.all(`SELECT * FROM audit_events ${clause(where)} ORDER BY at DESC, id DESC LIMIT ?`, [...params, size + 1]);
    const items = rows.slice(0, size).map((r): AuditEvent => ({
      id: String(num(r['id'])),
      at: str(r['at']),
      sourceIp: optStr(r['source_ip']),
      method: str(r['method']),
      action: str(r['action']),
      principal: str(r['principal']),
      result: str(r['result']) as AuditResult,
      target: optStr(r['target']),
      details: parse(r['details']) as Record<string, unknown>,
    }));
    return paged(items, rows.length > size, (e) => [e.at, Number(e.id)]);
  }

  async getScanReport(scanId: string): Promise<Report | null> {
    const row = (await this.#driver.all('SELECT * FROM scans WHERE id = ?', [scanId]))[0];
    if (row === undefined) return null;
    const scan = toScan(row);
    const summary = parse(row['summary']) as StoredSummary;
    const inventory = await this.getInventory(scan.digest);
    const rows = await this.#driver.all('SELECT document FROM findings WHERE digest = ? AND db_version = ? ORDER BY severity_rank DESC, finding_id', [scan.digest, scan.dbVersion]);
    const unknowns = summary.unknowns ?? 0;
    return {
      schema: REPORT_SCHEMA,
      tool: { name: 'sekisho', version: scan.toolVersion },
      target: summary.target ?? {
        reference: scan.reference,
        sourceType: 'registry',
        manifestDigest: scan.digest,
        configDigest: null,
        platform: null,
        repoTags: [],
      },
      image: summary.image ?? null,
      distro: inventory?.distro ?? null,
      packages: inventory?.packages ?? [],
      relationships: inventory?.relationships ?? [],
      findings: rows.map((r) => parse(r['document']) as Finding),
      unknowns:
        unknowns === 0
          ? []
          : [
              {
                location: { path: '/', layerDigest: null, diffId: null, layerIndex: null },
                foundBy: 'sekisho-server',
                reason: `${unknowns} file(s) or entries could not be read in this scan (details are not stored)`,
              },
            ],
      notChecked: summary.notChecked ?? [],
      scanners: scan.scanners,
    };
  }

  async listSeverityIntervals(scopes: string | readonly string[], from: string, to: string): Promise<SeverityInterval[]> {
    const list = typeof scopes === 'string' ? [scopes] : [...scopes];
    if (list.length === 0) return [];
    if (list.length > MAX_INTERVAL_SCOPES) throw new RepositoryError('STORE_INVALID', `at most ${MAX_INTERVAL_SCOPES} scopes at once`);
    for (const scope of list) checkText('scope', scope, 600);
    const start = isoText('from', from);
    const end = isoText('to', to);
    // The severity is the one the finding had in the digest that opened the interval.
    const rows = await this.#driver.all(
      `SELECT i.id, i.first_seen_at, i.fixed_at, MAX(f.severity_rank) AS severity_rank
       FROM finding_intervals i LEFT JOIN findings f ON f.digest = i.first_seen_digest AND f.identity = i.identity
       WHERE i.scope IN (${list.map(() => '?').join(', ')}) AND i.first_seen_at < ? AND (i.fixed_at IS NULL OR i.fixed_at > ?)
       GROUP BY i.id, i.first_seen_at, i.fixed_at ORDER BY i.id LIMIT ?`,
      [...list, end, start, MAX_TREND_INTERVALS + 1],
    );
    const named = list.length === 1 ? (list[0] ?? '') : `${list.length} scopes`;
    if (rows.length > MAX_TREND_INTERVALS)
      throw new RepositoryError('STORE_INVALID', `more than ${MAX_TREND_INTERVALS} finding intervals in ${named} for this range: ask for a shorter one or a smaller scope`);
    const byRank = new Map(SEVERITIES.map((s) => [severityRank(s), s]));
    return rows.map((r) => ({
      firstSeenAt: str(r['first_seen_at']),
      fixedAt: optStr(r['fixed_at']),
      severity: r['severity_rank'] === null || r['severity_rank'] === undefined ? 'unknown' : (byRank.get(num(r['severity_rank'])) ?? 'unknown'),
    }));
  }

  async createToken(input: CreateToken, at?: Date): Promise<ApiTokenRecord> {
    checkText('id', input.id, 64);
    checkText('name', input.name, 200);
    checkText('createdBy', input.createdBy, 200);
    if (!/^[0-9a-f]{64}$/.test(input.hash)) throw new RepositoryError('STORE_INVALID', 'a token hash is 64 lower-case hex digits (SHA-256)');
    const expiresAt = input.expiresAt === undefined || input.expiresAt === null ? null : iso(input.expiresAt);
    try {
      await this.#driver.run('INSERT INTO api_tokens (id, name, role, hash, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        input.id,
        input.name,
        input.role,
        input.hash,
        iso(at ?? this.#now()),
        input.createdBy,
        expiresAt,
      ]);
    } catch (cause) {
      if (isUniqueError(cause)) throw new RepositoryError('STORE_CONFLICT', `a token named ${input.name} (or with this id) exists`, { cause });
      throw cause;
    }
    return this.#token(input.id);
  }

  async getTokenCredential(id: string): Promise<TokenCredential | null> {
    const row = (await this.#driver.all('SELECT * FROM api_tokens WHERE id = ?', [id]))[0];
    return row === undefined ? null : { token: toToken(row), hash: str(row['hash']) };
  }

  async listTokens(page?: PageRequest): Promise<Page<ApiTokenRecord>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 's');
    const rows = await this.#driver.all(`SELECT * FROM api_tokens${after === null ? '' : ' WHERE name > ?'} ORDER BY name LIMIT ?`, after === null ? [size + 1] : [after[0] ?? '', size + 1]);
    return paged(rows.slice(0, size).map(toToken), rows.length > size, (t) => [t.name]);
  }

  async revokeToken(id: string, principal: string, at?: Date): Promise<ApiTokenRecord> {
    checkText('principal', principal, 200);
    await this.#driver.run('UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL', [iso(at ?? this.#now()), principal, id]);
    return this.#token(id);
  }

  async #token(id: string): Promise<ApiTokenRecord> {
    const credential = await this.getTokenCredential(id);
    if (credential === null) throw new RepositoryError('STORE_NOT_FOUND', `no token ${id}`);
    return credential.token;
  }

  recordIncidentEvent(event: SekishoEvent, options?: RecordIncidentEventOptions): Promise<IncidentEventOutcome> {
    return this.#incidents.recordEvent(event, options);
  }

  recordIncidentEvents(events: readonly SekishoEvent[], options?: RecordIncidentEventOptions): Promise<IncidentEventOutcome[]> {
    return this.#incidents.recordEvents(events, options);
  }

  getIncident(id: string): Promise<IncidentRecord | null> {
    return this.#incidents.get(id);
  }

  listIncidents(filter: IncidentFilter, page?: PageRequest): Promise<Page<IncidentRecord>> {
    return this.#incidents.list(filter, page);
  }

  listIncidentEvents(id: string, page?: PageRequest): Promise<Page<IncidentEventRecord>> {
    return this.#incidents.events(id, page);
  }

  incidentTimeline(id: string, page?: PageRequest): Promise<Page<IncidentTimelineEntry>> {
    return this.#incidents.timeline(id, page);
  }

  transitionIncident(id: string, to: IncidentState, principal: string, note: string | null = null, at?: Date): Promise<IncidentRecord> {
    return this.#incidents.transition(id, to, principal, note, at);
  }

  assignIncident(id: string, owner: string | null, principal: string, at?: Date): Promise<IncidentRecord> {
    return this.#incidents.assign(id, owner, principal, at);
  }

  addIncidentNote(id: string, principal: string, text: string, at?: Date): Promise<IncidentTimelineEntry> {
    return this.#incidents.note(id, principal, text, at);
  }

  recordIncidentAction(id: string, principal: string, action: string, details: Readonly<Record<string, unknown>>, at?: Date): Promise<IncidentTimelineEntry> {
    return this.#incidents.action(id, principal, action, details, at);
  }
  recordConfigAudit(audit: RecordConfigAudit, at?: Date): Promise<RecordConfigAuditResult> {
    return this.#workloads.record(audit, at);
  }

  getWorkload(id: string): Promise<WorkloadRecord | null> {
    return this.#workloads.get(id);
  }

  listWorkloads(filter: WorkloadFilter, page?: PageRequest): Promise<Page<WorkloadRecord>> {
    return this.#workloads.list(filter, page);
  }

  workloadOverview(filter: WorkloadFilter): Promise<WorkloadOverview> {
    return this.#workloads.overview(filter);
  }

  listConfigAudits(page?: PageRequest): Promise<Page<ConfigAuditRecord>> {
    return this.#workloads.audits(page);
  }

  recordEvents(events: readonly SekishoEvent[]): Promise<number> {
    return this.#events.record(events);
  }

  listEvents(filter: StoredEventFilter, page?: PageRequest): Promise<Page<StoredEvent>> {
    return this.#events.list(filter, page);
  }

  eventHistogram(filter: StoredEventFilter & { readonly from: string; readonly to: string }, bucket: EventBucket): Promise<EventHistogram> {
    return this.#events.histogram(filter, bucket);
  }

  close(): Promise<void> {
    return this.#driver.close();
  }
}

/** What a scan row's summary column holds; rows written before target and image were kept lack them. */
interface StoredSummary {
  readonly notChecked?: Report['notChecked'];
  readonly unknowns?: number;
  readonly target?: ScanTarget;
  readonly image?: Report['image'];
}

function toToken(r: SqlRow): ApiTokenRecord {
  return {
    id: str(r['id']),
    name: str(r['name']),
    role: str(r['role']) as ApiRole,
    createdAt: str(r['created_at']),
    createdBy: str(r['created_by']),
    expiresAt: optStr(r['expires_at']),
    revokedAt: optStr(r['revoked_at']),
    revokedBy: optStr(r['revoked_by']),
  };
}

/** PostgreSQL's unique_violation, SQLite's SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY. */
function isUniqueError(cause: unknown): boolean {
  const error = cause as { code?: unknown; errcode?: unknown } | null;
  return error?.code === '23505' || error?.errcode === 2067 || error?.errcode === 1555;
}

/** Repositories and tags named by a scan target: its registry reference and its repo tags. */
export function namesOf(target: ScanTarget): { repository: string; tag: string | null }[] {
  const texts = [...(target.sourceType === 'registry' ? [target.reference.replace(/^(registry|docker):(\/\/)?/, '')] : []), ...target.repoTags];
  const out = new Map<string, { repository: string; tag: string | null }>();
  for (const text of texts) {
    try {
      const ref = parseImageReference(text);
      const repository = `${ref.registry}/${ref.repository}`;
      out.set(`${repository}:${ref.tag ?? ''}`, { repository, tag: ref.tag });
    } catch {
      // not a registry name (a file path, a bare id): no repository to file it under
    }
  }
  return [...out.values()];
}

async function upsertTag(tx: SqlExecutor, repository: string, tag: string, digest: string, at: string): Promise<void> {
  await tx.run(
    `INSERT INTO tags (repository, tag, digest, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (repository, tag) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at`,
    [repository, tag, digest, at],
  );
}

/** Multi-row INSERTs in chunks that stay under both dialects' bound-parameter limits. Table and column names are constants. */
async function insertMany(tx: SqlExecutor, table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void> {
  const perChunk = Math.max(1, Math.floor(4000 / columns.length));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += perChunk) {
    const chunk = rows.slice(i, i + perChunk);
    await tx.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
  }
}

function inList(where: string[], params: SqlValue[], column: string, values: readonly string[]): void {
  if (values.length === 0) {
    where.push('1 = 0');
    return;
  }
  where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
  params.push(...values);
}

function clause(where: readonly string[]): string {
  return where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
}

function toTag(r: SqlRow): TagRecord {
  return { repository: str(r['repository']), tag: str(r['tag']), digest: str(r['digest']), updatedAt: str(r['updated_at']) };
}

function toScan(r: SqlRow): ScanRecord {
  const summary = parse(r['summary']) as Pick<ScanRecord, 'statusReasons' | 'scanners' | 'packageCount' | 'findingCount' | 'severityCounts'>;
  return {
    id: str(r['id']),
    digest: str(r['digest']),
    reference: str(r['reference']),
    dbVersion: str(r['db_version']),
    scannedAt: str(r['scanned_at']),
    toolVersion: str(r['tool_version']),
    status: str(r['status']) as ScanRecord['status'],
    statusReasons: summary.statusReasons,
    scanners: summary.scanners,
    packageCount: summary.packageCount,
    findingCount: summary.findingCount,
    severityCounts: summary.severityCounts,
  };
}

function toException(r: SqlRow): ExceptionRecord {
  return {
    id: str(r['id']),
    match: parse(r['match']) as ExceptionMatch,
    owner: str(r['owner']),
    reason: str(r['reason']),
    expires: str(r['expires']),
    state: str(r['state']) as ExceptionState,
    proposedBy: str(r['proposed_by']),
    proposedAt: str(r['proposed_at']),
    approvedBy: optStr(r['approved_by']),
    approvedAt: optStr(r['approved_at']),
    expiredBy: optStr(r['expired_by']),
    expiredAt: optStr(r['expired_at']),
  };
}

/** PostgreSQL's foreign_key_violation, SQLite's SQLITE_CONSTRAINT_FOREIGNKEY. */
function isForeignKeyError(cause: unknown): boolean {
  const error = cause as { code?: unknown; errcode?: unknown } | null;
  return error?.code === '23503' || error?.errcode === 787;
}

function isoText(field: string, text: string): string {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new RepositoryError('STORE_INVALID', `${field} is not an ISO 8601 time: ${text}`);
  return date.toISOString();
}
