import type { Package } from '@sekisho/model';
import { getVersionScheme } from '../../versioning/index.js';
import { evaluateAffected } from '../evaluate.js';
import { distroNamespace } from '../namespace.js';
import type { AdvisoryMatch, Matcher, MatchContext, PackageMatchResult } from '../types.js';

export const id = 'distro-matcher';
export const version = 1;

/** `openssl-3.0.7-27.el9.src.rpm` → `openssl` (name is everything before the last two `-` fields). */
export function sourceRpmName(sourceRpm: string): string | null {
  const base = sourceRpm.replace(/\.(no)?src\.rpm$/, '');
  const parts = base.split('-');
  return parts.length >= 3 ? parts.slice(0, -2).join('-') : null;
}

/** Names to search: the source package (Debian tracker, Alpine secdb and RHEL data are filed by source), and for rpm also the binary name. */
export function searchNames(pkg: Package): string[] {
  let source = pkg.source?.name ?? null;
  if (source === null && pkg.metadata?.type === 'rpm-db-entry' && pkg.metadata.sourceRpm) source = sourceRpmName(pkg.metadata.sourceRpm);
  const names = [source ?? pkg.name];
  if (pkg.type === 'rpm' && !names.includes(pkg.name)) names.push(pkg.name);
  return names;
}

function unknown(pkg: Package, reason: string): PackageMatchResult {
  return { matches: [], search: null, unknown: { packageId: pkg.id, packageName: pkg.name, version: pkg.version, matcher: id, reason } };
}

/**
 * OS packages (deb, apk, rpm) are judged only by their distribution's advisories, in the
 * namespace of the image's release, keeping the vendor's status and severity: Debian and Alpine
 * backport fixes without changing upstream versions, so upstream ranges would be wrong here.
 */
export const distroMatcher: Matcher = {
  id,
  version,
  packageTypes: ['deb', 'apk', 'rpm'],
  match(pkg: Package, ctx: MatchContext): PackageMatchResult {
    if (ctx.distro === null) return unknown(pkg, 'the distribution is unknown, so its advisories cannot be chosen');
    const namespace = distroNamespace(ctx.distro);
    if (namespace === null) return unknown(pkg, `the release of ${ctx.distro.id} is unknown (VERSION_ID "${ctx.distro.versionId}")`);
    const scheme = getVersionScheme(pkg.type);
    if (!scheme.isValid(pkg.version)) return unknown(pkg, `version "${pkg.version.slice(0, 80)}" is not a valid ${scheme.id} version; not matched`);
    const names = searchNames(pkg);
    const matches: AdvisoryMatch[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      for (const hit of ctx.store.query(namespace, name)) {
        if (hit.advisory.withdrawn !== null || hit.affected.status === 'not-affected' || seen.has(hit.advisory.id)) continue;
        const result = evaluateAffected(scheme, pkg.version, hit.affected);
        if (!result.affected) continue;
        seen.add(hit.advisory.id);
        const status = hit.affected.status === 'unknown' ? (result.fixedVersions.length > 0 ? 'fixed' : 'unknown') : hit.affected.status;
        matches.push({ advisory: hit.advisory, affected: hit.affected, fixedVersions: result.fixedVersions, status, vendorSeverity: hit.affected.vendorSeverity, constraint: result.constraint });
      }
    }
    const searched = names[0] ?? pkg.name;
    return {
      matches,
      search: { matcher: id, searchedBy: searched === pkg.name ? 'direct' : 'source-package', namespace, packageName: names.join(', '), version: pkg.version, scheme: scheme.id },
      unknown: null,
    };
  },
};
