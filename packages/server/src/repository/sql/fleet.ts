/**
 * The fleet views (overview cards, the image list of the dashboard): aggregates over each image's
 * latest scan and latest policy decision, computed in the database so that 10,000 stored images
 * cost one query per view, not one per image. Portable SQL (common table expressions, correlated
 * subqueries), as every query of this store.
 */
import type { FleetFilter, FleetOverview, HealthGrade, ImageSummary, Page, PageRequest, PriorityLevel, ScanRecord, Severity } from '@sekisho/model';
import { SEVERITIES, compareText } from '@sekisho/model';
import { decodeCursor, encodeCursor, pageSize } from './cursor.js';
import { str } from './row.js';
import type { SqlExecutor, SqlRow, SqlValue } from './driver.js';

const LATEST = `
  latest AS (
    SELECT s.digest, s.id, s.db_version, s.status, s.summary
    FROM scans s
    WHERE s.id = (SELECT s2.id FROM scans s2 WHERE s2.digest = s.digest ORDER BY s2.scanned_at DESC, s2.id DESC LIMIT 1)
  ),
  decided AS (
    SELECT d.digest, d.environment, d.result, d.grade, d.score
    FROM policy_decisions d
    WHERE d.id = (SELECT d2.id FROM policy_decisions d2 WHERE d2.digest = d.digest ORDER BY d2.recorded_at DESC, d2.id DESC LIMIT 1)
  )`;

const GRADES: readonly HealthGrade[] = ['A', 'B', 'C', 'D', 'E', 'F'];

/** `i` is the images table; the filter narrows it by repository, registry, the environment of the latest decision, and the namespaces whose workloads run it. */
function filterClause(filter: FleetFilter, where: string[], params: SqlValue[]): void {
  if (filter.repository !== undefined) {
    where.push('EXISTS (SELECT 1 FROM repository_images r WHERE r.digest = i.digest AND r.repository = ?)');
    params.push(filter.repository);
  }
  if (filter.environment !== undefined) {
    where.push('EXISTS (SELECT 1 FROM decided e WHERE e.digest = i.digest AND e.environment = ?)');
    params.push(filter.environment);
  }
  if (filter.registry !== undefined) {
    const prefix = `${filter.registry}/`;
    where.push('EXISTS (SELECT 1 FROM repository_images r WHERE r.digest = i.digest AND SUBSTR(r.repository, 1, CAST(? AS INTEGER)) = ?)');
    params.push(prefix.length, prefix);
  }
  if (filter.namespace !== undefined) {
    // a workload pinned by digest runs that image; one named by tag runs some image of its repository
    where.push(
      `EXISTS (SELECT 1 FROM workloads w WHERE w.namespace = ? AND (w.image_digest = i.digest OR (w.image_digest IS NULL AND EXISTS (SELECT 1 FROM repository_images r WHERE r.digest = i.digest AND r.repository = w.image_repository))))`,
    );
    params.push(filter.namespace);
  }
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : str(v));
const count = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v !== '' ? Number(v) : 0);

function zeroCounts(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

/** Images newest-scanned first, each with its latest scan's counts and its latest decision. */
export async function summarizeImages(db: SqlExecutor, filter: FleetFilter, page?: PageRequest): Promise<Page<ImageSummary>> {
  const size = pageSize(page);
  const after = decodeCursor(page?.cursor, 'ss');
  const where: string[] = [];
  const params: SqlValue[] = [];
  filterClause(filter, where, params);
  if (after !== null) {
    where.push('(i.last_scanned_at < ? OR (i.last_scanned_at = ? AND i.digest > ?))');
    params.push(after[0] ?? '', after[0] ?? '', after[1] ?? '');
  }
  const rows = await db.all(
    `WITH ${LATEST}
     SELECT i.digest, i.last_scanned_at, l.id AS scan_id, l.status, l.summary, l.db_version, e.environment, e.result, e.grade, e.score
     FROM images i LEFT JOIN latest l ON l.digest = i.digest LEFT JOIN decided e ON e.digest = i.digest
     ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY i.last_scanned_at DESC, i.digest ASC LIMIT ?`,
    [...params, size + 1],
  );
  const shown = rows.slice(0, size);
  const digests = shown.map((r) => text(r['digest']));
  const repos = new Map<string, string[]>();
  const tags = new Map<string, string[]>();
  const kev = new Map<string, number>();
  if (digests.length > 0) {
    const marks = digests.map(() => '?').join(', ');
    for (const r of await db.all(`SELECT digest, repository FROM repository_images WHERE digest IN (${marks}) ORDER BY repository`, digests)) {
      repos.set(text(r['digest']), [...(repos.get(text(r['digest'])) ?? []), text(r['repository'])]);
    }
    for (const r of await db.all(`SELECT digest, tag FROM tags WHERE digest IN (${marks}) ORDER BY tag`, digests)) {
      tags.set(text(r['digest']), [...(tags.get(text(r['digest'])) ?? []), text(r['tag'])]);
    }
    const pairs = shown.filter((r) => r['db_version'] !== null && r['db_version'] !== undefined);
    if (pairs.length > 0) {
      const kevRows = await db.all(
        `SELECT digest, COUNT(*) AS n FROM findings WHERE kev = 1 AND (${pairs.map(() => '(digest = ? AND db_version = ?)').join(' OR ')}) GROUP BY digest`,
        pairs.flatMap((r) => [text(r['digest']), text(r['db_version'])]),
      );
      for (const r of kevRows) kev.set(text(r['digest']), count(r['n']));
    }
  }
  const items = shown.map((r): ImageSummary => {
    const digest = text(r['digest']);
    const raw = r['summary'];
    // PostgreSQL returns jsonb columns parsed; SQLite returns text
    const summary = (raw === null || raw === undefined ? null : typeof raw === 'string' ? JSON.parse(raw) : raw) as Pick<ScanRecord, 'severityCounts' | 'packageCount'> | null;
    const result = r['result'];
    return {
      digest,
      repositories: repos.get(digest) ?? [],
      tags: tags.get(digest) ?? [],
      lastScannedAt: text(r['last_scanned_at']),
      scanId: r['scan_id'] === null || r['scan_id'] === undefined ? null : text(r['scan_id']),
      status: r['status'] === 'complete' || r['status'] === 'incomplete' ? r['status'] : null,
      severityCounts: summary?.severityCounts ?? null,
      packageCount: summary?.packageCount ?? 0,
      kev: kev.get(digest) ?? 0,
      decision:
        result === 'pass' || result === 'warn' || result === 'fail'
          ? {
              environment: text(r['environment']),
              result,
              grade: GRADES.includes(r['grade'] as HealthGrade) ? (r['grade'] as HealthGrade) : null,
              score: r['score'] === null || r['score'] === undefined ? null : count(r['score']),
            }
          : null,
    };
  });
  const last = shown[shown.length - 1];
  return { items, nextCursor: rows.length > size && last !== undefined ? encodeCursor([text(last['last_scanned_at']), text(last['digest'])]) : null };
}

/**
 * Totals over each image's latest scan: vulnerabilities by severity, KEV-listed ones, fixable
 * critical/high ones open longer than `slaDays`, and per environment (of the latest decision) the
 * images, the failing ones and the grades.
 */
export async function fleetOverview(db: SqlExecutor, filter: FleetFilter, now: Date, slaDays: number): Promise<FleetOverview> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  filterClause(filter, where, params);
  const scope = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const [imageRow] = await db.all(`WITH ${LATEST} SELECT COUNT(*) AS n FROM images i ${scope}`, params);
  const deadline = new Date(now.getTime() - slaDays * 86_400_000).toISOString();
  const severityRows = await db.all(
    `WITH ${LATEST}
     SELECT f.severity, f.priority, COUNT(*) AS n, SUM(f.kev) AS kev,
            SUM(CASE WHEN f.fixable = 1 AND f.severity_rank >= 4 AND f.first_seen_at < ? THEN 1 ELSE 0 END) AS late
     FROM findings f JOIN latest l ON l.digest = f.digest AND l.db_version = f.db_version
     WHERE f.kind = 'vulnerability' AND f.digest IN (SELECT i.digest FROM images i ${scope})
     GROUP BY f.severity, f.priority`,
    [deadline, ...params],
  );
  const bySeverity = zeroCounts();
  let kev = 0;
  let pastSla = 0;
  const byPriority: Record<PriorityLevel, number> = { p1: 0, p2: 0, p3: 0, p4: 0 };
  for (const r of severityRows) {
    const severity = text(r['severity']);
    if ((SEVERITIES as readonly string[]).includes(severity)) bySeverity[severity as Severity] += count(r['n']);
    const priority = r['priority'];
    if (priority === 'p1' || priority === 'p2' || priority === 'p3' || priority === 'p4') byPriority[priority] += count(r['n']);
    kev += count(r['kev']);
    pastSla += count(r['late']);
  }
  const envRows = await db.all(
    `WITH ${LATEST}
     SELECT e.environment, e.result, e.grade, COUNT(*) AS n
     FROM decided e JOIN images i ON i.digest = e.digest ${scope}
     GROUP BY e.environment, e.result, e.grade`,
    params,
  );
  const environments = new Map<string, { name: string; images: number; failing: number; grades: Record<HealthGrade, number> }>();
  for (const r of envRows) {
    const name = text(r['environment']);
    const env = environments.get(name) ?? { name, images: 0, failing: 0, grades: { A: 0, B: 0, C: 0, D: 0, E: 0, F: 0 } };
    const n = count(r['n']);
    env.images += n;
    if (r['result'] === 'fail') env.failing += n;
    const grade = r['grade'];
    if (GRADES.includes(grade as HealthGrade)) env.grades[grade as HealthGrade] += n;
    environments.set(name, env);
  }
  return {
    images: count(imageRow?.['n']),
    bySeverity: bySeverity,
    byPriority,
    kev,
    pastSla,
    slaDays,
    environments: [...environments.values()].sort((a, b) => compareText(a.name, b.name)),
  };
}

export type { SqlRow };
