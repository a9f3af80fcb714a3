import { parseControlStanzas } from '../catalogers/control-stanzas.js';
import { readGoBuildInfo } from '../catalogers/golang/buildinfo.js';
import { detectRpmDbFormat, parseRpmDb, RPM_DB_PATHS } from '../catalogers/rpm/rpm-db.js';
import { RUNTIME_CVES } from './catalog/runtime-cves.js';
import { lowerSeverity, type HostAuditContext } from './context.js';
import type { RuntimeComponent, RuntimeFact } from './facts.js';
import { formatVersion, inRanges, parseVersion, upstreamOfPackageVersion } from '../kernel-catalog/versions.js';

/*
 * Container runtime versions, read — never executed — from the dpkg and rpm databases and from the
 * binaries themselves: Go build information (the version the release build stamps with
 * `-ldflags -X …version=`, or the main module's version), else a version string embedded in the
 * binary (`runc version 1.1.12`, `crun version 1.14`), found by a bounded search.
 */

const DPKG_STATUS = '/var/lib/dpkg/status';
const MAX_DPKG_BYTES = 64 * 1024 * 1024;
/** dockerd is ~100 MB; anything far above is not a runtime binary worth reading whole. */
export const MAX_BINARY_BYTES = 256 * 1024 * 1024;

/** Package name → component, and whether the package is an upstream vendor build (exact version) rather than a distribution's (backports). */
const PACKAGES: Readonly<Record<string, { readonly component: RuntimeComponent; readonly vendor: boolean }>> = {
  runc: { component: 'runc', vendor: false },
  crun: { component: 'crun', vendor: false },
  containerd: { component: 'containerd', vendor: false },
  'containerd.io': { component: 'containerd', vendor: true },
  'docker-ce': { component: 'docker-engine', vendor: true },
  'docker.io': { component: 'docker-engine', vendor: false },
  'moby-engine': { component: 'docker-engine', vendor: false },
  'cri-o': { component: 'cri-o', vendor: true },
  runsc: { component: 'gvisor', vendor: true },
  'kata-containers': { component: 'kata', vendor: true },
  'kata-runtime': { component: 'kata', vendor: true },
  // RHEL, Fedora, Amazon Linux and SUSE name their packages so.
  docker: { component: 'docker-engine', vendor: false },
  'docker-engine': { component: 'docker-engine', vendor: false },
};
const MAX_RPMDB_BYTES = 256 * 1024 * 1024;

const BIN_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/bin', '/sbin', '/opt/bin', '/usr/libexec/docker'];

interface BinarySpec {
  readonly component: RuntimeComponent;
  /** `-X <var>=<version>` variables of release builds. */
  readonly ldflagVars: readonly string[];
  /** Main module paths whose module version is the product version. */
  readonly modules: readonly string[];
  /** Embedded version strings: an anchor literal and a regex with group 1 = version, run near the anchor. */
  readonly strings: readonly { readonly anchor: string; readonly pattern: RegExp }[];
}

const V = String.raw`v?(\d{1,4}\.\d{1,4}(?:\.\d{1,6})?(?:-rc\.?\d{1,4})?)`;

const BINARIES: Readonly<Record<string, BinarySpec>> = {
  runc: { component: 'runc', ldflagVars: ['main.version'], modules: ['github.com/opencontainers/runc'], strings: [{ anchor: 'runc version ', pattern: new RegExp(`runc version ${V}`) }] },
  'docker-runc': { component: 'runc', ldflagVars: ['main.version'], modules: ['github.com/opencontainers/runc'], strings: [{ anchor: 'runc version ', pattern: new RegExp(`runc version ${V}`) }] },
  crun: { component: 'crun', ldflagVars: [], modules: [], strings: [{ anchor: 'crun version ', pattern: new RegExp(`crun version ${V}`) }] },
  containerd: {
    component: 'containerd',
    ldflagVars: ['github.com/containerd/containerd/version.Version', 'github.com/containerd/containerd/v2/version.Version'],
    modules: ['github.com/containerd/containerd', 'github.com/containerd/containerd/v2'],
    strings: [{ anchor: 'containerd github.com/containerd/containerd', pattern: new RegExp(`containerd github\\.com/containerd/containerd(?:/v2)? ${V}`) }],
  },
  dockerd: {
    component: 'docker-engine',
    ldflagVars: ['github.com/docker/docker/dockerversion.Version'],
    modules: [],
    strings: [{ anchor: 'Docker version ', pattern: new RegExp(`Docker version ${V}`) }],
  },
  crio: {
    component: 'cri-o',
    ldflagVars: ['github.com/cri-o/cri-o/internal/version.Version'],
    modules: ['github.com/cri-o/cri-o'],
    strings: [{ anchor: 'crio version ', pattern: new RegExp(`crio version ${V}`) }],
  },
  runsc: {
    component: 'gvisor',
    ldflagVars: ['gvisor.dev/gvisor/runsc/version.version'],
    modules: [],
    strings: [{ anchor: 'runsc version release-', pattern: /runsc version release-(\d{8}\.\d{1,4})/ }],
  },
  'kata-runtime': {
    component: 'kata',
    ldflagVars: ['github.com/kata-containers/kata-containers/src/runtime/pkg/katautils.version'],
    modules: [],
    strings: [{ anchor: 'kata-runtime', pattern: new RegExp(`kata-runtime\\s*:\\s*${V}`) }],
  },
};

export async function collectRuntimes(ctx: HostAuditContext): Promise<RuntimeFact[]> {
  const found: RuntimeFact[] = [];
  const status = await ctx.text(DPKG_STATUS, MAX_DPKG_BYTES);
  if (status !== null) {
    const wanted = (s: ReadonlyMap<string, string>): boolean => PACKAGES[s.get('package') ?? ''] !== undefined && /\binstalled$/.test(s.get('status') ?? '');
    for (const stanza of parseControlStanzas(status, { maxStanzas: 1000, keep: wanted }).stanzas) {
      const raw = stanza.get('version');
      const known = PACKAGES[stanza.get('package') ?? ''];
      if (known === undefined || raw === undefined) continue;
      const version = upstreamOfPackageVersion(raw);
      if (version === null) continue;
      found.push({ component: known.component, version, rawVersion: raw.slice(0, 256), source: 'dpkg', file: DPKG_STATUS, distroBuild: !known.vendor || /(?:ubuntu|deb\d|\+ds|\.el\d)/.test(raw) });
    }
  }
  found.push(...(await rpmRuntimes(ctx)));

  const seen = new Set<string>();
  for (const dir of BIN_DIRS) {
    for (const [name, spec] of Object.entries(BINARIES)) {
      const file = `${dir}/${name}`;
      const info = await ctx.root.stat(file);
      if (info === null) continue;
      if ('unreadable' in info) {
        ctx.unknown(file, info.unreadable);
        continue;
      }
      if (info.kind !== 'file' || seen.has(info.id)) continue;
      seen.add(info.id);
      const read = await ctx.root.read(file, MAX_BINARY_BYTES);
      if (read.kind !== 'ok') {
        if (read.kind === 'unreadable') ctx.unknown(file, read.reason);
        continue;
      }
      const fact = versionOfBinary(read.body, spec, file);
      if (fact === null) ctx.unknown(file, `no ${spec.component} version found in the binary (no Go build information, no version string)`);
      else found.push(fact);
    }
  }
  return dedupe(found);
}

/** Runtime packages of the rpm database (SQLite, ndb or Berkeley DB), read by core's rpm parser. */
async function rpmRuntimes(ctx: HostAuditContext): Promise<RuntimeFact[]> {
  const out: RuntimeFact[] = [];
  const seen = new Set<string>();
  for (const rel of RPM_DB_PATHS) {
    const file = `/${rel}`;
    const info = await ctx.root.stat(file);
    if (info === null || 'unreadable' in info || info.kind !== 'file' || seen.has(info.id)) continue;
    seen.add(info.id);
    const read = await ctx.root.read(file, MAX_RPMDB_BYTES);
    if (read.kind !== 'ok') {
      if (read.kind === 'unreadable') ctx.unknown(file, `${read.reason}: runtime packages of the rpm database were not read`);
      continue;
    }
    const format = detectRpmDbFormat(file, read.body);
    if (format === null) {
      ctx.unknown(file, 'not an rpm database this audit can read');
      continue;
    }
    // Recent transactions may still sit in SQLite's write-ahead log.
    const wal = format === 'sqlite' ? await ctx.root.read(`${file}-wal`, MAX_RPMDB_BYTES) : null;
    if (wal?.kind === 'unreadable') ctx.unknown(`${file}-wal`, wal.reason);
    const db = parseRpmDb(read.body, format, wal?.kind === 'ok' && wal.body.length > 0 ? { sqliteWal: wal.body } : {});
    if (db.errors.length > 0) ctx.unknown(file, `rpm database partly unreadable: ${db.errors[0]!}`);
    for (const e of db.entries) {
      const known = PACKAGES[e.name];
      if (known === undefined) continue;
      const raw = `${e.epoch === null ? '' : `${e.epoch}:`}${e.version}-${e.release}`;
      const version = upstreamOfPackageVersion(e.version);
      if (version === null) continue;
      const vendorBuild = known.vendor || /docker/i.test(e.vendor ?? '');
      out.push({ component: known.component, version, rawVersion: raw.slice(0, 256), source: 'rpm', file, distroBuild: !vendorBuild });
    }
  }
  return out;
}

/** The version a runtime binary carries, or null. */
export function versionOfBinary(body: Buffer, spec: BinarySpec, file: string): RuntimeFact | null {
  const bi = readGoBuildInfo(body);
  if (bi.kind === 'found') {
    const ldflags = bi.info.settings.find(([k]) => k === '-ldflags')?.[1] ?? '';
    for (const variable of spec.ldflagVars) {
      const m = new RegExp(`-X[ =]["']?${variable.replaceAll('.', '\\.')}=v?([0-9][\\w.+~-]{0,60})`).exec(ldflags);
      const parsed = m?.[1] === undefined ? null : parseVersion(m[1]);
      if (parsed !== null) return { component: spec.component, version: formatVersion(parsed), rawVersion: m![1]!, source: 'go-buildinfo', file, distroBuild: false };
    }
    const main = bi.info.main;
    if (main !== null && spec.modules.includes(main.path) && main.version !== '(devel)') {
      const parsed = parseVersion(main.version);
      if (parsed !== null) return { component: spec.component, version: formatVersion(parsed), rawVersion: main.version, source: 'go-buildinfo', file, distroBuild: false };
    }
  }
  for (const s of spec.strings) {
    const anchor = Buffer.from(s.anchor, 'latin1');
    let at = body.indexOf(anchor);
    for (let hits = 0; at >= 0 && hits < 1000; hits++) {
      const window = body.subarray(at, Math.min(body.length, at + anchor.length + 96)).toString('latin1');
      const m = s.pattern.exec(window);
      if (m?.[1] !== undefined) {
        const parsed = parseVersion(m[1]);
        // gVisor versions are dates (20240212.0): kept as they are.
        const version = parsed === null ? m[1] : formatVersion(parsed);
        return { component: spec.component, version, rawVersion: m[1], source: 'binary-string', file, distroBuild: false };
      }
      at = body.indexOf(anchor, at + 1);
    }
  }
  return null;
}

function dedupe(facts: readonly RuntimeFact[]): RuntimeFact[] {
  const seen = new Set<string>();
  const out: RuntimeFact[] = [];
  for (const f of facts) {
    const key = `${f.component}\0${f.version}\0${f.source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out.sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Runtime CVEs of the catalog against every version found; a distribution package is "possibly affected". */
export function checkRuntimes(ctx: HostAuditContext, runtimes: readonly RuntimeFact[]): void {
  const reported = new Set<string>();
  for (const r of runtimes) {
    for (const cve of RUNTIME_CVES) {
      if (cve.component !== r.component || !inRanges(r.version, cve.affected)) continue;
      const key = `${cve.id}\0${r.component}\0${r.version}\0${r.file}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const note = r.distroBuild
        ? `possibly affected: ${r.rawVersion} is a distribution build, which may carry a backported fix — check the vendor's tracker`
        : `affected: ${r.component} ${r.version} lies in an affected range`;
      ctx.add({
        ruleId: `host-runtime-${cve.id}`,
        title: `${r.component} ${r.version}: ${cve.id} ${cve.name}`,
        severity: r.distroBuild ? lowerSeverity(cve.severity) : cve.severity,
        description: `${cve.impact} ${note} (read from ${r.source}).`,
        file: r.file,
        key: r.source === 'dpkg' || r.source === 'rpm' ? `Package ${r.component} Version` : 'version',
        value: r.rawVersion,
        subject: `${cve.id} ${r.component}`,
        fix: cve.fix,
        references: cve.references,
      });
    }
  }
}
