import type { Package, PackageType } from '@sekisho/model';
import { parsePackageUrl } from '../../util/package-url.js';
import type { VersionSchemeId } from '../../versioning/index.js';
import { getVersionScheme, withGoPrefix } from '../../versioning/index.js';
import type { VersionMapper } from '../evaluate.js';
import { evaluateAffected } from '../evaluate.js';
import { normalizePypiName } from '../namespace.js';
import type { AdvisoryMatch, Matcher, MatchContext, PackageMatchResult } from '../types.js';

export const version = 1;

/** Types catalogued for inventory whose ecosystems no advisory feed here covers. */
type NoFeedType =
  'alpm' | 'portage' | 'nix' | 'conan' | 'github-action' | 'github-action-workflow' | 'opam' | 'terraform' | 'homebrew' | 'wordpress-plugin' | 'swiplpack' | 'apple-app-bundle' | 'model';

export type LanguagePackageType = Exclude<PackageType, 'deb' | 'apk' | 'rpm' | 'binary' | 'php-pear' | 'cocoapods' | 'conda' | 'erlang-otp' | 'R-package' | 'lua-rocks' | 'hackage' | NoFeedType>;

interface EcosystemRule {
  /** OSV ecosystem name, used as the advisory namespace. */
  readonly namespace: string;
  readonly scheme: VersionSchemeId;
  /** The name the store files advisories under (see advisories/types.ts AffectedPackage.packageName). */
  readonly name: (pkg: Package) => string;
  readonly mapVersion?: VersionMapper;
}

function purlParts(pkg: Package): { namespace: string | null; name: string } | null {
  if (!pkg.purl.startsWith('pkg:')) return null;
  try {
    const p = parsePackageUrl(pkg.purl);
    return { namespace: p.namespace ?? null, name: p.name };
  } catch {
    return null;
  }
}

function slashName(pkg: Package): string {
  const p = purlParts(pkg);
  return p !== null && p.namespace ? `${p.namespace}/${p.name}` : pkg.name;
}

/** Every language package type: namespace, version scheme and name normalization of its ecosystem. */
export const ECOSYSTEM_RULES = {
  pypi: { namespace: 'PyPI', scheme: 'pep440', name: (p) => normalizePypiName(p.name) },
  npm: { namespace: 'npm', scheme: 'npm', name: (p) => slashName(p).toLowerCase() },
  maven: {
    namespace: 'Maven',
    scheme: 'maven',
    name: (p) => {
      const purl = purlParts(p);
      if (purl !== null && purl.namespace) return `${purl.namespace}:${purl.name}`;
      return p.name;
    },
  },
  golang: { namespace: 'Go', scheme: 'golang', name: (p) => slashName(p), mapVersion: withGoPrefix },
  cargo: { namespace: 'crates.io', scheme: 'cargo', name: (p) => p.name },
  gem: { namespace: 'RubyGems', scheme: 'gem', name: (p) => p.name },
  composer: { namespace: 'Packagist', scheme: 'composer', name: (p) => slashName(p).toLowerCase() },
  nuget: { namespace: 'NuGet', scheme: 'nuget', name: (p) => p.name },
  // OSV names Swift packages by their URL without scheme: github.com/apple/swift-nio.
  swift: { namespace: 'SwiftURL', scheme: 'semver', name: (p) => slashName(p) },
  pub: { namespace: 'Pub', scheme: 'semver', name: (p) => p.name },
  hex: { namespace: 'Hex', scheme: 'semver', name: (p) => p.name },
  // Bitnami's vulnerability database (OSV's Bitnami ecosystem) states upstream versions: `7.4.0-0` is 7.4.0, revision 0.
  bitnami: { namespace: 'Bitnami', scheme: 'semver', name: (p) => p.name, mapVersion: (v) => v.replace(/-\d+$/, '') },
} as const satisfies Record<LanguagePackageType, EcosystemRule>;

/** A matcher for one language ecosystem: search `<ecosystem>` by normalized name, compare with the ecosystem's scheme. */
export function languageMatcher(type: LanguagePackageType): Matcher {
  const rule: EcosystemRule = ECOSYSTEM_RULES[type];
  const matcherId = `${type}-matcher`;
  return {
    id: matcherId,
    version,
    packageTypes: [type],
    match(pkg: Package, ctx: MatchContext): PackageMatchResult {
      return matchInEcosystem(matcherId, rule, pkg, ctx);
    },
  };
}

function matchInEcosystem(matcherId: string, rule: EcosystemRule, pkg: Package, ctx: MatchContext): PackageMatchResult {
  const scheme = getVersionScheme(rule.scheme);
  const map = rule.mapVersion ?? ((v: string) => v);
  if (!scheme.isValid(map(pkg.version))) {
    return {
      matches: [],
      search: null,
      unknown: { packageId: pkg.id, packageName: pkg.name, version: pkg.version, matcher: matcherId, reason: `version "${pkg.version.slice(0, 80)}" is not a valid ${scheme.id} version; not matched` },
    };
  }
  const name = rule.name(pkg);
  const matches: AdvisoryMatch[] = [];
  const seen = new Set<string>();
  for (const hit of ctx.store.query(rule.namespace, name)) {
    if (hit.advisory.withdrawn !== null || hit.affected.status === 'not-affected' || seen.has(hit.advisory.id)) continue;
    const result = evaluateAffected(scheme, pkg.version, hit.affected, map);
    if (!result.affected) continue;
    seen.add(hit.advisory.id);
    const status = result.fixedVersions.length > 0 ? 'fixed' : hit.affected.status === 'unknown' || hit.affected.status === 'fixed' ? 'not-fixed' : hit.affected.status;
    matches.push({ advisory: hit.advisory, affected: hit.affected, fixedVersions: result.fixedVersions, status, vendorSeverity: null, constraint: result.constraint });
  }
  return { matches, search: { matcher: matcherId, searchedBy: 'direct', namespace: rule.namespace, packageName: name, version: pkg.version, scheme: scheme.id }, unknown: null };
}

/**
 * Binary-classified packages are matched only when their purl names a language ecosystem
 * (a Go binary's modules, `pkg:golang/...`); other binaries would need CPE matching, which is
 * off by default (the largest source of false positives in peer tools).
 */
export const binaryMatcher: Matcher = {
  id: 'binary-matcher',
  version,
  packageTypes: ['binary'],
  match(pkg: Package, ctx: MatchContext): PackageMatchResult {
    const type = pkg.purl.startsWith('pkg:') ? pkg.purl.slice(4, pkg.purl.indexOf('/') === -1 ? undefined : pkg.purl.indexOf('/')) : '';
    if (type in ECOSYSTEM_RULES) {
      const t = type as LanguagePackageType;
      return matchInEcosystem('binary-matcher', ECOSYSTEM_RULES[t], pkg, ctx);
    }
    return { matches: [], search: null, unknown: null };
  },
};

/**
 * Package types no advisory feed covers (OSV has no PEAR, PECL, CocoaPods, conda, LuaRocks or OTP application ecosystem; CRAN's and Hackage's hold a handful of advisories in version orders not implemented here): none is
 * searched, and their packages are counted as not searchable, as binaries without a language purl are.
 */
export function unsearchableMatcher(type: Exclude<PackageType, LanguagePackageType | 'deb' | 'apk' | 'rpm' | 'binary'>): Matcher {
  return { id: `${type}-matcher`, version, packageTypes: [type], match: () => ({ matches: [], search: null, unknown: null }) };
}

/**
 * Package types that make up an image's operating system but that no advisory feed here covers
 * (pacman, Portage, the Nix store): each is an unknown, so the report says it is incomplete and a
 * gate does not pass an Arch, Gentoo or Nix image as clean. (Language ecosystems without a feed
 * are only counted as not searchable: the OS beside them is still judged.)
 */
export function uncoveredOsMatcher(type: 'alpm' | 'portage' | 'nix', what: string): Matcher {
  const id = `${type}-matcher`;
  return {
    id,
    version,
    packageTypes: [type],
    match: (pkg) => ({
      matches: [],
      search: null,
      unknown: { packageId: pkg.id, packageName: pkg.name, version: pkg.version, matcher: id, reason: `not checked for vulnerabilities: no advisory feed here covers ${what}` },
    }),
  };
}
