/**
 * Workloads in SQL: each configuration audit the server receives, and the latest isolation
 * analysis of every workload it named (layers, breakout paths, misconfiguration counts). An audit
 * that covers a whole cluster (`replace`) and was complete also removes the cluster's workloads it
 * no longer names; an incomplete one never does, since what it could not read may still be there.
 */
import { createHash, randomUUID } from 'node:crypto';
import { parseImageReference } from '@sekisho/core';
import type { Redactor } from '@sekisho/core';
import { SEVERITIES, WORKLOAD_LAYERS } from '@sekisho/model';
import type { ConfigAuditRecord, Page, PageRequest, SeverityCounts, WorkloadFilter, WorkloadLayer, WorkloadOverview, WorkloadRecord } from '@sekisho/model';
import { RepositoryError } from '../errors.js';
import type { RecordConfigAudit, RecordConfigAuditResult } from '../types.js';
import { decodeCursor, pageSize } from './cursor.js';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './driver.js';
import { json } from './json-text.js';
import { checkText, iso, num, optStr, paged, parse, str } from './row.js';

/** Most workloads one audit may name: a cluster of this size is audited in parts. */
export const MAX_AUDIT_WORKLOADS = 20_000;

/** The stable id of a workload: the same cluster, namespace, kind, name and container is the same workload. */
export function workloadId(cluster: string, target: { namespace: string | null; kind: string | null; name: string | null; container: string | null; file: string }): string {
  // a target without a name (a docker inspect without one) is only known by its file
  const key = [cluster, target.namespace, target.kind, target.name, target.container, target.name === null ? target.file : null];
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}

export class SqlWorkloadStore {
  readonly #driver: SqlDriver;
  readonly #now: () => Date;
  readonly #redactor: Redactor;

  constructor(driver: SqlDriver, now: () => Date, redactor: Redactor) {
    this.#driver = driver;
    this.#now = now;
    this.#redactor = redactor;
  }

  async record(input: RecordConfigAudit, at?: Date): Promise<RecordConfigAuditResult> {
    const audit = this.#redactor.value(input);
    checkText('cluster', audit.cluster, 253);
    if (audit.environment !== null) checkText('environment', audit.environment, 63);
    checkText('principal', audit.principal, 200);
    if (audit.workloads.length > MAX_AUDIT_WORKLOADS) throw new RepositoryError('STORE_INVALID', `an audit may name at most ${MAX_AUDIT_WORKLOADS} workloads`);
    const receivedAt = iso(at ?? this.#now());
    const id = randomUUID();
    const complete = audit.status === 'complete';
    const countsOf = misconfigurationCounter(audit.findings);
    const rows = audit.workloads.map((w) => {
      for (const [field, value] of Object.entries({ namespace: w.target.namespace, kind: w.target.kind, name: w.target.name, container: w.target.container })) {
        if (value !== null) checkText(field, value, 253);
      }
      checkText('file', w.target.file, 4096);
      if (!Number.isInteger(w.score) || w.score < 0 || w.score > 100) throw new RepositoryError('STORE_INVALID', `workload score must be an integer 0–100 (got ${String(w.score)})`);
      const missing = WORKLOAD_LAYERS.filter((l) => w.layers[l]?.state === 'missing');
      if (w.image !== null) checkText('image', w.image, 2048);
      return {
        image: imageNames(w.image),
        id: workloadId(audit.cluster, w.target),
        w,
        missing: missing.length === 0 ? '' : `,${missing.join(',')},`,
        open: w.paths.filter((p) => p.certainty === 'open').length,
        conditional: w.paths.filter((p) => p.certainty === 'conditional').length,
        counts: countsOf(w.target),
      };
    });
    const unique = new Map(rows.map((r) => [r.id, r]));
    return this.#driver.transaction(async (tx) => {
      await tx.lock([`workloads:${audit.cluster}`]);
      await tx.run(
        `INSERT INTO config_audits (id, cluster, environment, received_at, principal, status, status_reasons, workload_count, finding_count, tool_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, audit.cluster, audit.environment, receivedAt, audit.principal, audit.status, json(audit.statusReasons), unique.size, audit.findings.length, audit.toolVersion],
      );
      for (const r of unique.values()) {
        const t = r.w.target;
        const values: SqlValue[] = [
          audit.cluster,
          audit.environment,
          t.namespace,
          t.kind,
          t.name,
          t.container,
          r.w.image,
          r.image.repository,
          r.image.digest,
          t.file,
          r.w.score,
          json(r.w.layers),
          json(r.w.paths),
          r.open,
          r.conditional,
          json(r.counts),
          r.missing,
          id,
          receivedAt,
          complete ? 1 : 0,
        ];
        await tx.run(
          `INSERT INTO workloads (id, cluster, environment, namespace, kind, name, container, image, image_repository, image_digest, file, score, layers, paths, open_paths, conditional_paths, misconfigurations, missing_layers, audit_id, audited_at, audit_complete)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET environment = excluded.environment, image = excluded.image, image_repository = excluded.image_repository, image_digest = excluded.image_digest, file = excluded.file, score = excluded.score, layers = excluded.layers, paths = excluded.paths,
             open_paths = excluded.open_paths, conditional_paths = excluded.conditional_paths, misconfigurations = excluded.misconfigurations, missing_layers = excluded.missing_layers,
             audit_id = excluded.audit_id, audited_at = excluded.audited_at, audit_complete = excluded.audit_complete`,
          [r.id, ...values],
        );
      }
      const removed = audit.replace && complete ? await tx.run('DELETE FROM workloads WHERE cluster = ? AND audit_id <> ?', [audit.cluster, id]) : 0;
      return { audit: await auditRow(tx, id), removed };
    });
  }

  async get(id: string): Promise<WorkloadRecord | null> {
    const row = (await this.#driver.all('SELECT * FROM workloads WHERE id = ?', [id]))[0];
    return row === undefined ? null : toWorkload(row);
  }

  /** Lowest isolation score first: the workloads most in need of attention. */
  async list(filter: WorkloadFilter, page?: PageRequest): Promise<Page<WorkloadRecord>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'ns');
    const { where, params } = whereOf(filter);
    if (after !== null) {
      where.push('(score > ? OR (score = ? AND id > ?))');
      params.push(after[0] ?? 0, after[0] ?? 0, after[1] ?? '');
    }
    const rows = await this.#driver.all(`SELECT * FROM workloads ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY score, id LIMIT ?`, [...params, size + 1]);
    return paged(rows.slice(0, size).map(toWorkload), rows.length > size, (w) => [w.score, w.id]);
  }

  async overview(filter: WorkloadFilter): Promise<WorkloadOverview> {
    const { where, params } = whereOf(filter);
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    const perLayer = WORKLOAD_LAYERS.map((l, i) => `SUM(CASE WHEN missing_layers LIKE '%,${l},%' THEN 1 ELSE 0 END) AS m${i}`).join(', ');
    const [totals] = await this.#driver.all(
      `SELECT COUNT(*) AS n, SUM(CASE WHEN open_paths > 0 THEN 1 ELSE 0 END) AS open_n, SUM(CASE WHEN conditional_paths > 0 AND open_paths = 0 THEN 1 ELSE 0 END) AS cond_n, AVG(score) AS mean, ${perLayer} FROM workloads ${clause}`,
      params,
    );
    const missingLayers: Partial<Record<WorkloadLayer, number>> = {};
    WORKLOAD_LAYERS.forEach((l, i) => {
      const n = num(totals?.[`m${i}`] ?? 0);
      if (n > 0) missingLayers[l] = n;
    });
    const clusters = await this.#driver.all('SELECT DISTINCT cluster FROM workloads ORDER BY cluster LIMIT 500');
    const namespaces = await this.#driver.all('SELECT DISTINCT namespace FROM workloads WHERE namespace IS NOT NULL ORDER BY namespace LIMIT 2000');
    const n = num(totals?.['n'] ?? 0);
    return {
      workloads: n,
      withOpenPaths: num(totals?.['open_n'] ?? 0),
      withConditionalPaths: num(totals?.['cond_n'] ?? 0),
      missingLayers,
      meanScore: n === 0 ? null : Math.round(num(totals?.['mean']) * 10) / 10,
      clusters: clusters.map((r) => str(r['cluster'])),
      namespaces: namespaces.map((r) => str(r['namespace'])),
    };
  }

  /** Newest first. */
  async audits(page?: PageRequest): Promise<Page<ConfigAuditRecord>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'ss');
    const params: SqlValue[] = [];
    let where = '';
    if (after !== null) {
      where = 'WHERE (received_at < ? OR (received_at = ? AND id < ?))';
      params.push(after[0] ?? '', after[0] ?? '', after[1] ?? '');
    }
    const rows = await this.#driver.all(`SELECT * FROM config_audits ${where} ORDER BY received_at DESC, id DESC LIMIT ?`, [...params, size + 1]);
    return paged(rows.slice(0, size).map(toAudit), rows.length > size, (a) => [a.receivedAt, a.id]);
  }
}

/** `registry/path` and digest of an image reference, as scans are filed; nulls when it names no registry image. */
function imageNames(image: string | null): { repository: string | null; digest: string | null } {
  if (image === null) return { repository: null, digest: null };
  try {
    const ref = parseImageReference(image);
    return { repository: `${ref.registry}/${ref.repository}`, digest: ref.digest };
  } catch {
    return { repository: null, digest: null };
  }
}

function whereOf(filter: WorkloadFilter): { where: string[]; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  for (const [column, value] of [
    ['cluster', filter.cluster],
    ['namespace', filter.namespace],
    ['environment', filter.environment],
  ] as const) {
    if (value !== undefined) {
      where.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (filter.paths === 'open') where.push('open_paths > 0');
  if (filter.paths === 'any') where.push('(open_paths > 0 OR conditional_paths > 0)');
  return { where, params };
}

type AuditTarget = RecordConfigAudit['workloads'][number]['target'];

/** The document a target belongs to: file, document index, kind, namespace and name. */
const documentKey = (t: AuditTarget): string => JSON.stringify([t.file, t.document, t.kind, t.namespace, t.name]);

/**
 * Findings about each workload's document, for its container or the whole pod: grouped by document
 * once, so an audit of many workloads and findings costs their sum, not their product.
 */
function misconfigurationCounter(findings: RecordConfigAudit['findings']): (target: AuditTarget) => SeverityCounts {
  const byDocument = new Map<string, RecordConfigAudit['findings'][number][]>();
  for (const f of findings) {
    const key = documentKey(f.target);
    let list = byDocument.get(key);
    if (list === undefined) byDocument.set(key, (list = []));
    list.push(f);
  }
  return (target) => {
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<(typeof SEVERITIES)[number], number>;
    for (const f of byDocument.get(documentKey(target)) ?? []) {
      if (f.target.container === null || f.target.container === target.container) counts[f.severity] += 1;
    }
    return counts;
  };
}

async function auditRow(tx: SqlExecutor, id: string): Promise<ConfigAuditRecord> {
  const row = (await tx.all('SELECT * FROM config_audits WHERE id = ?', [id]))[0];
  if (row === undefined) throw new RepositoryError('STORE_UNAVAILABLE', 'the audit just written is gone');
  return toAudit(row);
}

function toAudit(r: SqlRow): ConfigAuditRecord {
  return {
    id: str(r['id']),
    cluster: str(r['cluster']),
    environment: optStr(r['environment']),
    receivedAt: str(r['received_at']),
    principal: str(r['principal']),
    status: str(r['status']) as ConfigAuditRecord['status'],
    statusReasons: parse(r['status_reasons']) as string[],
    workloads: num(r['workload_count']),
    findings: num(r['finding_count']),
    toolVersion: optStr(r['tool_version']),
  };
}

function toWorkload(r: SqlRow): WorkloadRecord {
  return {
    id: str(r['id']),
    cluster: str(r['cluster']),
    environment: optStr(r['environment']),
    namespace: optStr(r['namespace']),
    kind: optStr(r['kind']),
    name: optStr(r['name']),
    container: optStr(r['container']),
    image: optStr(r['image']),
    file: str(r['file']),
    score: num(r['score']),
    layers: parse(r['layers']) as WorkloadRecord['layers'],
    paths: parse(r['paths']) as WorkloadRecord['paths'],
    openPaths: num(r['open_paths']),
    conditionalPaths: num(r['conditional_paths']),
    misconfigurations: parse(r['misconfigurations']) as SeverityCounts,
    auditId: str(r['audit_id']),
    auditedAt: str(r['audited_at']),
    auditComplete: num(r['audit_complete']) === 1,
  };
}
