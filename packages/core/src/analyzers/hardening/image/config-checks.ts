import { isOsPackageType } from '@sekisho/model';
import type { Report, Severity } from '@sekisho/model';
import { EOL_DATES, EOL_TABLE_DATE, eolKey, lookupEol } from '../../../inventory/eol.js';
import type { LayeredFact } from './file-checks.js';
import { downloadPipedToShell, historyStepUnjudged, parseHistoryStep, remoteAddSources } from './history.js';
import type { CheckHit } from './types.js';

const DAY = 86_400_000;

/** Runs as root: no USER, `USER 0`, `root`, `0:0`, or a name /etc/passwd maps to uid 0. */
export function rootCheck(report: Report, facts: readonly LayeredFact[]): CheckHit[] {
  const config = report.image?.config;
  if (config === undefined) return [];
  const user = (config.user ?? '').trim();
  const name = user.split(':', 1)[0] ?? '';
  if (name === '') return [{ check: 'SEK-IMG-001', evidence: 'the image config sets no USER, so the container runs as root (uid 0)' }];
  if (name === 'root' || /^0+$/.test(name)) return [{ check: 'SEK-IMG-001', evidence: `USER is "${user}" (uid 0)` }];
  if (/^\d+$/.test(name)) return [];
  const passwd = facts.find((f) => f.path === '/etc/passwd' && f.fact.kind === 'passwd');
  if (passwd?.fact.kind === 'passwd' && passwd.fact.uid0.includes(name)) {
    return [{ check: 'SEK-IMG-001', evidence: `USER is "${user}", which /etc/passwd (layer ${passwd.layer}) maps to uid 0`, path: '/etc/passwd', layer: passwd.layer }];
  }
  return [];
}

/** ADD from remote URLs and downloaded scripts piped into a shell, from each layer's build step. */
export function historyChecks(report: Report): CheckHit[] {
  const hits: CheckHit[] = [];
  for (const layer of report.image?.layers ?? []) {
    if (layer.createdBy === null) continue;
    const step = parseHistoryStep(layer.createdBy);
    const shown = step.text.length > 200 ? `${step.text.slice(0, 200)}…` : step.text;
    if (step.instruction === 'ADD') {
      const sources = remoteAddSources(step.text);
      if (sources.length > 0) {
        hits.push({ check: 'SEK-IMG-013', evidence: `layer ${layer.index}: ADD ${shown} fetches ${sources.join(', ')} without --checksum`, layer: layer.index, key: String(layer.index) });
      }
    }
    if (step.instruction === 'RUN') {
      const found = downloadPipedToShell(step.text);
      if (found.length > 0) {
        hits.push({ check: 'SEK-IMG-014', evidence: `layer ${layer.index}: RUN ${found.join('; ')} in \`${shown}\``, layer: layer.index, key: String(layer.index) });
      }
    }
  }
  return hits;
}

/** Build steps the history checks did not judge whole (over their caps): one entry per layer, never silent. */
export function historyUnjudged(report: Report): { readonly layer: number; readonly reason: string }[] {
  const out: { layer: number; reason: string }[] = [];
  for (const layer of report.image?.layers ?? []) {
    if (layer.createdBy === null) continue;
    const reason = historyStepUnjudged(layer.createdBy);
    if (reason !== null) out.push({ layer: layer.index, reason });
  }
  return out;
}

export function healthcheckCheck(report: Report): CheckHit[] {
  const config = report.image?.config;
  if (config === undefined) return [];
  const hc = config.healthcheck;
  if (hc !== null && hc.length > 0 && hc[0] !== 'NONE') return [];
  return [{ check: 'SEK-IMG-015', evidence: hc?.[0] === 'NONE' ? 'HEALTHCHECK NONE disables the inherited health check' : 'the image config has no Healthcheck' }];
}

interface RiskyPort {
  readonly service: string;
  readonly severity: Severity;
  /** Database ports: flagged only on application images. */
  readonly database?: { readonly packages: RegExp; readonly words: readonly string[] };
}

const RISKY_PORTS: ReadonlyMap<number, RiskyPort> = new Map<number, RiskyPort>([
  [22, { service: 'SSH', severity: 'medium' }],
  [23, { service: 'Telnet (plaintext remote shell)', severity: 'high' }],
  [2375, { service: 'Docker Engine API without TLS', severity: 'critical' }],
  [2376, { service: 'Docker Engine API', severity: 'high' }],
  [5432, { service: 'PostgreSQL', severity: 'medium', database: { packages: /^postgresql(?:-\d+(?:\.\d+)?)?$|^postgresql\d*-server$/, words: ['postgres', 'postgresql'] } }],
  [
    3306,
    {
      service: 'MySQL/MariaDB',
      severity: 'medium',
      database: { packages: /^(?:mysql|mariadb|percona-server)(?:-community)?-server(?:-[\d.]+)?(?:-core)?$|^mariadb$|^mysql$/, words: ['mysqld', 'mariadbd', 'mysql', 'mariadb'] },
    },
  ],
  [6379, { service: 'Redis', severity: 'medium', database: { packages: /^(?:redis|valkey|keydb)(?:-server)?$/, words: ['redis-server', 'valkey-server', 'keydb-server', 'redis', 'valkey'] } }],
  [27017, { service: 'MongoDB', severity: 'medium', database: { packages: /^mongodb(?:-org)?(?:-server)?$/, words: ['mongod', 'mongodb', 'mongo'] } }],
]);

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter((w) => w !== '');
}

/** True when the image's own evidence says it is that database's image (server package, command, or name). */
function isDatabaseImage(report: Report, db: NonNullable<RiskyPort['database']>): boolean {
  if (report.packages.some((p) => isOsPackageType(p.type) && db.packages.test(p.name))) return true;
  const config = report.image?.config;
  // Every command word and name (the config is bounded at 32 MiB; the work is linear): a cut at 64
  // words or 512 characters judged the image on part of its command, silently.
  const command = [...(config?.entrypoint ?? []), ...(config?.cmd ?? [])].map((w) => w.slice(w.lastIndexOf('/') + 1));
  const names = [report.target.reference, ...report.target.repoTags, config?.labels['org.opencontainers.image.title'] ?? '', config?.labels['org.opencontainers.image.ref.name'] ?? ''];
  const words = new Set([...command.flatMap(wordsOf), ...names.flatMap(wordsOf)]);
  return db.words.some((w) => words.has(w));
}

/** `8080/tcp` → 8080; null for anything that is not a single port. */
function portNumber(spec: string): { port: number; proto: string } | null {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(spec.trim());
  if (m === null) return null;
  const port = Number(m[1]);
  return port > 0 && port < 65536 ? { port, proto: (m[2] ?? 'tcp').toLowerCase() } : null;
}

export function portChecks(report: Report, appImage: boolean | undefined): CheckHit[] {
  const hits: CheckHit[] = [];
  // Every port (the config is bounded at 32 MiB; only risky ports make hits): a cut let 1,000 others hide 22/tcp.
  const ports = (report.image?.config.exposedPorts ?? [])
    .map((spec) => ({ spec, parsed: portNumber(spec) }))
    .sort((a, b) => (a.parsed?.port ?? 0) - (b.parsed?.port ?? 0) || (a.spec < b.spec ? -1 : 1));
  for (const { spec, parsed } of ports) {
    if (parsed === null) continue;
    const risky = RISKY_PORTS.get(parsed.port);
    if (risky !== undefined) {
      const db = risky.database;
      const isApp = db === undefined ? true : (appImage ?? !isDatabaseImage(report, db));
      if (isApp) {
        hits.push({
          check: 'SEK-IMG-017',
          evidence: `EXPOSE ${spec}: ${risky.service}${db === undefined ? '' : ' on an image with no database server of its own (an application image)'}`,
          severity: risky.severity,
          key: spec,
          ...(db === undefined ? {} : { fix: `Remove \`EXPOSE ${spec}\`; run ${risky.service} from its own image and connect to it over the network.` }),
        });
        continue;
      }
    }
    if (parsed.port < 1024 && risky === undefined) {
      hits.push({ check: 'SEK-IMG-016', evidence: `EXPOSE ${spec}: port ${parsed.port} is below 1024`, key: spec });
    }
  }
  return hits;
}

function compareRelease(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The oldest later release of the same distribution that is still supported at `now`, if the table knows one. */
function supportedSuccessor(id: string, current: string, now: Date): string | null {
  const table = EOL_DATES[id];
  if (table === undefined) return null;
  const candidates = Object.entries(table)
    .filter(([release, date]) => compareRelease(release, current) > 0 && Date.parse(date) >= now.getTime())
    .map(([release]) => release)
    .sort(compareRelease);
  return candidates[0] ?? null;
}

/**
 * The base OS's support phase: past every phase is the check's severity (high); in an extended
 * phase the fixes still come, so it is low (free programmes such as Debian LTS) or medium (a
 * subscription public images do not carry, such as Ubuntu ESM); regular support is no finding.
 */
export function eolCheck(report: Report, now: Date): CheckHit[] {
  const distro = report.distro;
  if (distro === null) return [];
  const found = lookupEol(distro.id, distro.versionId, now);
  if (found.phase === 'regular' || (found.phase === 'unknown' && distro.eol.status !== 'eol')) return [];
  const next = supportedSuccessor(distro.id, eolKey(distro.id, distro.versionId), now);
  const fix = next === null ? {} : { fix: `Rebuild on a release in regular support, e.g. ${distro.id} ${next}.` };
  const what = `${distro.prettyName} (${distro.id} ${distro.versionId}, from ${distro.foundIn})`;
  const key = `${distro.id}:${distro.versionId}`;
  if (found.phase === 'extended' && found.extended !== null) {
    const paid = found.extended.subscription ? ` (needs a subscription: fixes reach the image only if it is built with one)` : '';
    return [
      {
        check: 'SEK-IMG-019',
        severity: found.extended.subscription ? 'medium' : 'low',
        evidence: `${what}: regular security support ended ${found.date ?? '?'}; ${found.extended.name} provides security fixes until ${found.extended.until}${paid} (support table dated ${EOL_TABLE_DATE})`,
        ...fix,
        key,
      },
    ];
  }
  const date = found.date ?? distro.eol.date;
  const last = found.extended === null ? `security support ended ${date ?? 'on an unknown date'}` : `security support ended ${date ?? '?'} and ${found.extended.name} ended ${found.extended.until}`;
  return [{ check: 'SEK-IMG-019', evidence: `${what}: ${last} (support table dated ${EOL_TABLE_DATE})`, ...fix, key }];
}

export function ageCheck(report: Report, now: Date, maxAgeDays: number): CheckHit[] {
  const created = report.image?.config.created ?? null;
  if (created === null) return [];
  const time = Date.parse(created);
  // Reproducible builds stamp the epoch (SOURCE_DATE_EPOCH=0): the date says nothing about age.
  if (Number.isNaN(time) || time <= DAY) return [];
  const days = Math.floor((now.getTime() - time) / DAY);
  if (days <= maxAgeDays) return [];
  return [{ check: 'SEK-IMG-020', evidence: `created ${created}, ${days} days before ${now.toISOString().slice(0, 10)} (limit ${maxAgeDays} days)` }];
}
