import type { MisconfigurationFinding, NotChecked, Severity, StandardRef, Unknown } from '@sekisho/model';
import { makeMisconfiguration } from '../checks/types.js';
import type { HostRoot } from './host-root.js';

/** The plugin name host findings and unknowns carry (`foundBy`), and the scanner name of a host report. */
export const HOST_SCANNER = 'host';

/** Text files read from the host root (configuration, /proc and /sys values, unit files). */
export const MAX_TEXT_BYTES = 1024 * 1024;

/** What one audit run accumulates: the root, the findings, and what could not be read or judged. */
export class HostAuditContext {
  readonly findings: MisconfigurationFinding[] = [];
  readonly unknowns: Unknown[] = [];
  readonly notChecked: NotChecked[] = [];

  constructor(
    readonly root: HostRoot,
    readonly today: Date,
  ) {}

  /** A text file, or null when it does not exist; an unreadable one becomes an unknown. */
  async text(hostPath: string, limit = MAX_TEXT_BYTES): Promise<string | null> {
    const r = await this.root.readText(hostPath, limit);
    if (r.kind === 'ok') return r.text;
    if (r.kind === 'unreadable') this.unknown(hostPath, r.reason);
    return null;
  }

  /** Like `text`, but says whether an absent result means "no such file" or "could not be read" (already an unknown). */
  async textOrState(hostPath: string, limit = MAX_TEXT_BYTES): Promise<string | 'missing' | 'unreadable'> {
    const r = await this.root.readText(hostPath, limit);
    if (r.kind === 'ok') return r.text;
    if (r.kind === 'unreadable') this.unknown(hostPath, r.reason);
    return r.kind;
  }

  /** A one-line value (/proc/sys, /sys), trimmed; null when absent. */
  async value(hostPath: string): Promise<string | null> {
    const t = await this.text(hostPath, 64 * 1024);
    return t === null ? null : t.trim();
  }

  unknown(path: string, reason: string): void {
    if (this.unknowns.some((u) => u.location.path === path)) return;
    this.unknowns.push({ location: { path, layerDigest: null, diffId: null, layerIndex: null }, foundBy: HOST_SCANNER, reason });
  }

  notJudged(area: string, reason: string, fix: string | null = null): void {
    this.notChecked.push({ scanner: `host-${area}`, reason, fix });
  }

  add(f: HostFindingInit): void {
    const evidence = f.value === undefined ? '' : ` [${f.file}${f.key === null ? '' : `: ${f.key}`} = ${f.value}]`;
    this.findings.push(
      makeMisconfiguration({
        ruleId: f.ruleId,
        title: f.title,
        severity: f.severity,
        description: `${f.description}${evidence}`,
        target: { file: f.file, document: null, kind: 'host', name: f.subject ?? null, namespace: null, container: null },
        fieldPath: f.key,
        fix: f.fix,
        foundBy: HOST_SCANNER,
        references: f.references ?? [],
        standard: f.standard ?? null,
      }),
    );
  }
}

export interface HostFindingInit {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  /** Evidence: the file, the key in it (sysctl name, JSON key, flag) and the value found. */
  readonly file: string;
  readonly key: string | null;
  readonly value?: string;
  /** What the finding is about when one file holds several (a runtime, a CVE id). */
  readonly subject?: string;
  readonly fix: string;
  readonly references?: readonly string[];
  readonly standard?: StandardRef;
}

export const cisDocker = (check: string): StandardRef => ({ name: 'cis-docker-benchmark', level: 'level-1', check, version: '1.6.0' });
export const cisKubernetes = (check: string): StandardRef => ({ name: 'cis-kubernetes-benchmark', level: 'worker-node', check, version: '1.9' });

/** One severity level lower (for "possibly affected" and mitigated matches). */
export function lowerSeverity(s: Severity): Severity {
  const order: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'negligible'];
  const i = order.indexOf(s);
  return i < 0 || i >= order.length - 1 ? s : order[i + 1]!;
}
