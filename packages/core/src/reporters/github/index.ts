import type { Package, Report } from '@sekisho/model';
import { isOsPackageType, reportCompleteness } from '@sekisho/model';
import type { RenderOptions, Reporter, ReporterPlugin } from '../types.js';

/**
 * GitHub's dependency snapshot (the dependency submission API, `POST /repos/{owner}/{repo}/dependency-graph/snapshots`):
 * the packages of the report as manifests with resolved packages keyed by purl, each `direct` or
 * `indirect` and `runtime` or `development`. As Trivy's `--format github`: sha, ref and the job come
 * from the Actions environment (GITHUB_SHA, GITHUB_REF, GITHUB_WORKFLOW, GITHUB_JOB, GITHUB_RUN_ID)
 * when set; `scanned` is the render time (SOURCE_DATE_EPOCH for reproducible output).
 */
export interface GithubSnapshot {
  readonly version: 0;
  readonly job: { readonly correlator: string; readonly id: string };
  readonly sha: string;
  readonly ref: string;
  readonly detector: { readonly name: string; readonly version: string; readonly url: string };
  readonly scanned: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly manifests: Readonly<Record<string, GithubManifest>>;
}

export interface GithubManifest {
  readonly name: string;
  readonly file?: { readonly source_location: string };
  readonly metadata: Readonly<Record<string, string>>;
  readonly resolved: Readonly<Record<string, GithubResolved>>;
}

export interface GithubResolved {
  readonly package_url: string;
  readonly relationship: 'direct' | 'indirect';
  readonly scope: 'runtime' | 'development';
  readonly dependencies: readonly string[];
}

export interface GithubEnvironment {
  readonly GITHUB_SHA?: string;
  readonly GITHUB_REF?: string;
  readonly GITHUB_WORKFLOW?: string;
  readonly GITHUB_JOB?: string;
  readonly GITHUB_RUN_ID?: string;
}

const DETECTOR_URL = 'https://github.com/sekisho/sekisho';
/** Folders that hold an application's installed dependencies: the application is the part of the path before them. */
const DEPENDENCY_DIRS = /\/(node_modules|site-packages|dist-packages|vendor|gems)\//;

/** Where a language package's application lives (`/app` for `/app/node_modules/x/package.json`). */
function applicationDir(path: string): string {
  const m = DEPENDENCY_DIRS.exec(path);
  if (m !== null) return path.slice(0, m.index) || '/';
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function manifestOf(pkg: Package, report: Report): { key: string; name: string; location: string } {
  const path = pkg.locations[0]?.path ?? '';
  if (isOsPackageType(pkg.type)) {
    const name = report.distro?.prettyName ?? `${pkg.type} packages`;
    return { key: `os:${pkg.type}`, name, location: path.replace(/^\//, '') };
  }
  const dir = applicationDir(path);
  return { key: `${pkg.type}:${dir}`, name: `${pkg.type} ${dir}`, location: dir.replace(/^\//, '') };
}

function isDevelopment(pkg: Package): boolean {
  return pkg.metadata?.type === 'language-package' && pkg.metadata.fields['dev'] === 'true';
}

/** The snapshot as an object (the reporter writes it as JSON). */
export function toGithubSnapshot(report: Report, now: Date, env: GithubEnvironment = {}): GithubSnapshot {
  const byId = new Map(report.packages.map((p) => [p.id, p]));
  const dependsOn = new Map<string, string[]>();
  const dependedBy = new Map<string, string[]>();
  for (const r of report.relationships) {
    if (r.type !== 'depends-on' || !byId.has(r.from) || !byId.has(r.to)) continue;
    (dependsOn.get(r.from) ?? dependsOn.set(r.from, []).get(r.from)!).push(r.to);
    (dependedBy.get(r.to) ?? dependedBy.set(r.to, []).get(r.to)!).push(r.from);
  }
  const isRoot = (id: string): boolean => (dependedBy.get(id)?.length ?? 0) === 0;
  const manifests = new Map<string, { name: string; location: string; resolved: Map<string, GithubResolved> }>();
  for (const pkg of report.packages) {
    if (pkg.purl === '') continue;
    const where = manifestOf(pkg, report);
    let manifest = manifests.get(where.key);
    if (manifest === undefined) {
      manifest = { name: where.name, location: where.location, resolved: new Map() };
      manifests.set(where.key, manifest);
    }
    // direct: nothing depends on it, or a root (the application itself) does; indirect: only other dependencies do
    const parents = dependedBy.get(pkg.id) ?? [];
    const relationship = parents.length === 0 || parents.some(isRoot) ? 'direct' : 'indirect';
    const dependencies = [...new Set((dependsOn.get(pkg.id) ?? []).map((id) => byId.get(id)?.purl ?? '').filter((p) => p !== ''))].sort();
    if (!manifest.resolved.has(pkg.purl)) manifest.resolved.set(pkg.purl, { package_url: pkg.purl, relationship, scope: isDevelopment(pkg) ? 'development' : 'runtime', dependencies });
  }
  const out: Record<string, GithubManifest> = {};
  for (const m of [...manifests.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const resolved: Record<string, GithubResolved> = {};
    for (const purl of [...m.resolved.keys()].sort()) resolved[purl] = m.resolved.get(purl)!;
    out[m.name] = { name: m.name, ...(m.location === '' ? {} : { file: { source_location: m.location } }), metadata: {}, resolved };
  }
  const metadata: Record<string, string> = { 'sekisho:target': report.target.reference };
  if (report.target.manifestDigest !== null) metadata['sekisho:manifest_digest'] = report.target.manifestDigest;
  // GitHub keeps snapshot metadata as scalar key/values: completeness as Sekisho's other formats state it
  const completeness = reportCompleteness(report);
  metadata['sekisho:status'] = completeness.status;
  if (completeness.reasons.length > 0) metadata['sekisho:status_reasons'] = completeness.reasons.join('; ');
  if (completeness.notes.length > 0) metadata['sekisho:status_notes'] = completeness.notes.join('; ');
  const fixes = report.notChecked.flatMap((n) => (n.fix === null ? [] : [n.fix]));
  if (fixes.length > 0) metadata['sekisho:status_fix'] = [...new Set(fixes)].join('; ');
  return {
    version: 0,
    job: { correlator: [env.GITHUB_WORKFLOW, env.GITHUB_JOB].filter((s) => s !== undefined && s !== '').join('_') || `sekisho_${report.target.reference}`, id: env.GITHUB_RUN_ID ?? '' },
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    detector: { name: 'sekisho', version: report.tool.version, url: DETECTOR_URL },
    scanned: now.toISOString(),
    metadata,
    manifests: out,
  };
}

function environment(): GithubEnvironment {
  const e = process.env;
  const pick = (k: keyof GithubEnvironment): Record<string, string> => (e[k] === undefined ? {} : { [k]: e[k] });
  return { ...pick('GITHUB_SHA'), ...pick('GITHUB_REF'), ...pick('GITHUB_WORKFLOW'), ...pick('GITHUB_JOB'), ...pick('GITHUB_RUN_ID') };
}

/** `--format github`: a dependency snapshot to POST to GitHub's dependency submission API. */
export const githubReporter: Reporter = {
  id: 'github',
  mediaType: 'application/json',
  specVersions: ['dependency-snapshot/0'],
  render: (report: Report, options: RenderOptions) => `${JSON.stringify(toGithubSnapshot(report, options.now, environment()), null, 2)}\n`,
};

export const githubReporterPlugin: ReporterPlugin = { id: 'github', views: ['inventory', 'scan'], create: () => githubReporter };
