import { createHash } from 'node:crypto';
import type { Distro, Location, Package, PackageType, Relationship, Report, Unknown } from '@sekisho/model';
import { isOsPackageType, isPackageType, REPORT_SCHEMA } from '@sekisho/model';
import { SekishoError } from '../errors.js';
import { normalizeLicenses } from '../licenses/normalize.js';
import { sourceRpmName } from '../matchers/distro/index.js';
import { TOOL_VERSION } from '../version.js';
import { OS_OWNER_PROPERTY } from './cyclonedx-properties.js';
import { parsePurl } from './purl-match.js';
import { arr, obj, str } from '../util/json-access.js';
import type { JsonObject } from '../util/json-access.js';

/**
 * Bounds on an SBOM given to `sbom-scan`: its size in bytes, the number of components or packages
 * (nested ones included) and how deep CycloneDX components nest. Meeting a bound refuses the
 * input with LIMIT_JSON_SIZE, LIMIT_SBOM_COMPONENTS or LIMIT_SBOM_DEPTH (exit 6) before any
 * matching; nothing is dropped silently. See docs/dev/errors.md.
 */
export const SBOM_INPUT_LIMITS = { maxBytes: 256 * 1024 * 1024, maxComponents: 500_000, maxDepth: 1024 } as const;

export interface SbomInputLimits {
  readonly maxBytes: number;
  readonly maxComponents: number;
  readonly maxDepth: number;
}

type Json = JsonObject;

export interface SbomInput {
  readonly report: Report;
  /** Components or packages that could not be used, with why. */
  readonly skipped: readonly string[];
  readonly format: 'sekisho-json' | 'cyclonedx-json' | 'spdx-json' | 'syft-json';
}

/**
 * Read an SBOM for re-matching without the image: a Sekisho JSON report (`--format json`), a
 * CycloneDX JSON document, an SPDX 2 JSON document or a Syft JSON document, Sekisho's own (`sekisho:*` properties, OS
 * ownership) or another tool's (purl type → package type, `distro` qualifier → distribution,
 * `upstream` qualifier → source package). OS ownership (a language package installed by an OS
 * package) arrives as it left: the same inventory gives the same findings as the image scan.
 */
export function reportFromSbom(text: string, source: string, bounds: Partial<SbomInputLimits> = {}): SbomInput {
  const limits: SbomInputLimits = { ...SBOM_INPUT_LIMITS, ...bounds };
  if (text.length > limits.maxBytes) throw new SekishoError('LIMIT_JSON_SIZE', `SBOM larger than ${limits.maxBytes} bytes`, { where: { file: source } });
  precheckCount(text, limits, source);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', 'SBOM is not valid JSON', { where: { file: source }, cause: error });
  }
  const root = obj(data);
  if (root?.['schema'] === REPORT_SCHEMA) return fromSekishoReport(root, source, limits);
  if (root?.['bomFormat'] === 'CycloneDX') return fromCycloneDx(root, source, limits);
  if (typeof root?.['spdxVersion'] === 'string' && root['spdxVersion'].startsWith('SPDX-2.')) return fromSpdx(root, source, limits);
  if (root !== null && isSyftJson(root)) return fromSyftJson(root, source, limits);
  throw new SekishoError('CONFIG_UNSUPPORTED', 'not a CycloneDX JSON document, an SPDX 2 JSON document, a Syft JSON document or a Sekisho JSON report', { where: { file: source } });
}

/** Occurrences of `needle` in `text`, counting no further than `stop`. */
function countUpTo(text: string, needle: string, stop: number): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1 && n < stop; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * Refuse a document over the component cap before parsing it (parsing a few hundred MB is the
 * heavy part): the count of `"purl":` keys in CycloneDX, and of `"downloadLocation":` keys
 * (required in every SPDX package, absent elsewhere) in SPDX, is at most the count of
 * components or packages, so more of them than the cap is a refusal for sure. Components without
 * a purl are counted after parsing.
 */
function precheckCount(text: string, limits: SbomInputLimits, source: string): void {
  const start = text.slice(0, 65_536);
  const key = /"bomFormat"\s*:\s*"CycloneDX"/.test(start) ? '"purl":' : /"spdxVersion"\s*:\s*"SPDX-2\./.test(start) ? '"downloadLocation":' : null;
  if (key !== null && countUpTo(text, key, limits.maxComponents + 1) > limits.maxComponents) throw tooMany(limits, source);
}

function validLocation(v: unknown): Location | null {
  const o = obj(v);
  const path = str(o?.['path']);
  if (o === null || path === null) return null;
  const layerIndex = typeof o['layerIndex'] === 'number' && Number.isInteger(o['layerIndex']) ? o['layerIndex'] : null;
  return { path, layerDigest: str(o['layerDigest']), diffId: str(o['diffId']), layerIndex };
}

/**
 * The unknowns of a Sekisho JSON report: files the image scan could not read stay unread, so a
 * re-match of that inventory is as incomplete as the scan was (a malformed entry is one too).
 */
function carriedUnknowns(v: unknown): Unknown[] {
  return arr(v).map((raw, i): Unknown => {
    const o = obj(raw);
    const location = validLocation(o?.['location']);
    const foundBy = str(o?.['foundBy']);
    const reason = str(o?.['reason']);
    if (location === null || foundBy === null || reason === null) {
      return { location: { path: `unknowns[${i}]`, layerDigest: null, diffId: null, layerIndex: null }, foundBy: 'sbom-input', reason: 'malformed unknown in the input report' };
    }
    return { location, foundBy, reason };
  });
}

function validDistro(v: unknown): Distro | null {
  const o = obj(v);
  const id = str(o?.['id']);
  if (o === null || id === null || typeof o['versionId'] !== 'string') return null;
  return distroOf(id, o['versionId'], str(o['codename']));
}

function distroOf(id: string, versionId: string, codename: string | null = null): Distro {
  return {
    id: id.toLowerCase(),
    versionId,
    codename,
    prettyName: `${id} ${versionId}`.trim(),
    idLike: [],
    distroless: false,
    eol: { status: 'unknown', date: null, phase: 'unknown', phaseEnds: null, extendedName: null },
    foundIn: 'sbom',
  };
}

function tooMany(limits: SbomInputLimits, source: string): SekishoError {
  return new SekishoError('LIMIT_SBOM_COMPONENTS', `SBOM has more than ${limits.maxComponents} components`, { where: { file: source } });
}

function fromSekishoReport(root: Json, source: string, limits: SbomInputLimits): SbomInput {
  const skipped: string[] = [];
  const packages: Package[] = [];
  const list = arr(root['packages']);
  if (list.length > limits.maxComponents) throw tooMany(limits, source);
  for (const [i, raw] of list.entries()) {
    const p = obj(raw);
    const id = str(p?.['id']);
    const name = str(p?.['name']);
    const type = str(p?.['type']);
    if (p === null || id === null || name === null || typeof p['version'] !== 'string' || type === null || !isPackageType(type)) {
      skipped.push(`packages[${i}]: missing id, name, version or a known type`);
      continue;
    }
    const src = obj(p['source']);
    const srcName = str(src?.['name']);
    packages.push({
      id,
      name,
      version: p['version'],
      type,
      purl: str(p['purl']) ?? '',
      cpes: arr(p['cpes']).filter((c): c is string => typeof c === 'string'),
      licenses: arr(p['licenses']).filter((c): c is string => typeof c === 'string'),
      locations: arr(p['locations'])
        .map(validLocation)
        .filter((l): l is Location => l !== null),
      foundBy: str(p['foundBy']) ?? 'sbom',
      evidence: p['evidence'] === 'declared' || p['evidence'] === 'binary' ? p['evidence'] : 'installed',
      source: srcName === null ? null : { name: srcName, version: str(src?.['version']) ?? '' },
      metadata: (obj(p['metadata']) as Package['metadata']) ?? null,
    });
  }
  const ids = new Set(packages.map((p) => p.id));
  const relationships: Relationship[] = arr(root['relationships']).flatMap((raw): Relationship[] => {
    const r = obj(raw);
    const from = str(r?.['from']);
    const to = str(r?.['to']);
    const type = r?.['type'];
    if (from === null || to === null || !ids.has(from) || (type !== 'contains' && type !== 'depends-on' && type !== 'owns-file')) return [];
    return [{ from, to, type }];
  });
  const target = obj(root['target']);
  const image = obj(root['image']);
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: TOOL_VERSION },
    target: {
      reference: str(target?.['reference']) ?? source,
      sourceType: 'sbom',
      manifestDigest: str(target?.['manifestDigest']),
      configDigest: str(target?.['configDigest']),
      platform: null,
      repoTags: arr(target?.['repoTags']).filter((t): t is string => typeof t === 'string'),
    },
    image: image !== null && Array.isArray(image['layers']) && obj(image['config']) !== null ? (image as unknown as Report['image']) : null,
    distro: validDistro(root['distro']),
    packages,
    relationships,
    findings: arr(root['findings']).filter((f) => obj(f) !== null && obj(f)?.['kind'] !== 'vulnerability' && typeof obj(f)?.['kind'] === 'string') as unknown as Report['findings'],
    unknowns: carriedUnknowns(root['unknowns']),
    notChecked: [],
  };
  return { report, skipped, format: 'sekisho-json' };
}

const PURL_TYPES: Readonly<Record<string, PackageType>> = {
  deb: 'deb',
  apk: 'apk',
  rpm: 'rpm',
  npm: 'npm',
  pypi: 'pypi',
  maven: 'maven',
  golang: 'golang',
  cargo: 'cargo',
  gem: 'gem',
  composer: 'composer',
  pear: 'php-pear',
  swift: 'swift',
  cocoapods: 'cocoapods',
  pub: 'pub',
  conda: 'conda',
  bitnami: 'bitnami',
  hex: 'hex',
  otp: 'erlang-otp',
  cran: 'R-package',
  luarocks: 'lua-rocks',
  hackage: 'hackage',
  alpm: 'alpm',
  ebuild: 'portage',
  nix: 'nix',
  conan: 'conan',
  opam: 'opam',
  swiplpack: 'swiplpack',
  brew: 'homebrew',
  github: 'github-action',
  nuget: 'nuget',
};

function properties(c: Json): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of arr(c['properties'])) {
    const p = obj(raw);
    const name = str(p?.['name']);
    const value = p?.['value'];
    if (name !== null && typeof value === 'string' && !out.has(name)) out.set(name, value);
  }
  return out;
}

/**
 * Every component, nested ones included, in document order (depth first), walked with an explicit
 * stack: no recursion, so a hostile nesting cannot overflow the call stack. More than
 * `maxComponents` components or a nesting deeper than `maxDepth` levels is refused with a limit
 * error rather than read in part.
 */
function flatten(components: unknown, limits: SbomInputLimits, source: string): Json[] {
  const out: Json[] = [];
  const stack: { readonly list: readonly unknown[]; next: number }[] = [{ list: arr(components), next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.list.length) {
      stack.pop();
      continue;
    }
    const c = obj(top.list[top.next++]);
    if (c === null) continue;
    if (stack.length > limits.maxDepth) throw new SekishoError('LIMIT_SBOM_DEPTH', `SBOM components nest deeper than ${limits.maxDepth} levels`, { where: { file: source } });
    if (out.length >= limits.maxComponents) throw tooMany(limits, source);
    out.push(c);
    const children = arr(c['components']);
    if (children.length > 0) stack.push({ list: children, next: 0 });
  }
  return out;
}

function distroFromQualifier(q: string): Distro | null {
  const m = /^([a-z][a-z0-9-]*?)-([0-9][^-]*|[a-z]+)$/.exec(q.toLowerCase());
  return m === null ? null : distroOf(m[1]!, /^\d/.test(m[2]!) ? m[2]! : '', /^\d/.test(m[2]!) ? null : m[2]!);
}

interface PackageFields {
  readonly id: string;
  readonly purlText: string;
  readonly version: string | null;
  /** `sekisho:package:type`, when the document states it. */
  readonly declaredType: string | null;
  /** `name@version` or `name` of the source package, when the document states it. */
  readonly sourceText: string | null;
  readonly cpes: readonly string[];
  /** Licence statements as the document gives them (normalized here). */
  readonly licenses: readonly string[];
  readonly locations: readonly Location[];
  readonly foundBy: string | null;
}

/** Statements a document may give per package; more are not read. */
const MAX_LICENSES = 100;

/** CycloneDX `licenses`: `[{expression}]` or `[{license: {id | name}}]`. */
function cyclonedxLicenses(value: unknown): string[] {
  const out: string[] = [];
  for (const raw of arr(value).slice(0, MAX_LICENSES)) {
    const entry = obj(raw);
    const license = obj(entry?.['license']);
    const text = str(entry?.['expression']) ?? str(license?.['id']) ?? str(license?.['name']);
    if (text !== null) out.push(text);
  }
  return out;
}

/**
 * SPDX `licenseDeclared` (NOASSERTION and NONE state nothing); a `LicenseRef-sekisho-…` Sekisho
 * wrote for text that is no SPDX expression is read back as that text (its `name`).
 */
function spdxLicenses(p: Json, extractedNames: ReadonlyMap<string, string>): string[] {
  const declared = str(p['licenseDeclared'])?.trim() ?? '';
  if (declared === '' || declared === 'NOASSERTION' || declared === 'NONE') return [];
  const name = declared.startsWith('LicenseRef-sekisho-') ? extractedNames.get(declared) : undefined;
  return [name ?? declared];
}

/**
 * A package from the fields an SBOM gives (CycloneDX component, SPDX package): purl type →
 * package type, `upstream` qualifier → source package, `epoch` qualifier for rpm. Null without a
 * purl that parses.
 */
function packageFrom(f: PackageFields): { pkg: Package; distroQualifier: string | null } | null {
  const purl = parsePurl(f.purlText);
  if (purl === null) return null;
  const type: PackageType = f.declaredType !== null && isPackageType(f.declaredType) ? f.declaredType : (PURL_TYPES[purl.type] ?? 'binary');
  const q = (purl.qualifiers ?? {}) as Record<string, string | undefined>;
  let version = f.version ?? purl.version ?? '';
  if (type === 'rpm' && q['epoch'] !== undefined && q['epoch'] !== '0' && !version.includes(':')) version = `${q['epoch']}:${version}`;
  const name = purl.namespace && (type === 'npm' || type === 'golang' || type === 'composer' || type === 'github-action') ? `${purl.namespace}/${purl.name}` : purl.name;
  let sourcePkg: Package['source'] = null;
  const upstream = q['upstream'];
  if (f.sourceText !== null) {
    const at = f.sourceText.lastIndexOf('@');
    sourcePkg = at > 0 ? { name: f.sourceText.slice(0, at), version: f.sourceText.slice(at + 1) } : { name: f.sourceText, version };
  } else if (upstream !== undefined && isOsPackageType(type)) {
    const rpmName = upstream.endsWith('.rpm') ? sourceRpmName(upstream) : null;
    const at = upstream.indexOf('@');
    sourcePkg = rpmName !== null ? { name: rpmName, version } : at > 0 ? { name: upstream.slice(0, at), version: upstream.slice(at + 1) } : { name: upstream, version };
  }
  const pkg: Package = {
    id: f.id,
    name,
    version,
    type,
    purl: f.purlText,
    cpes: [...f.cpes],
    licenses: normalizeLicenses(f.licenses),
    locations: [...f.locations],
    foundBy: f.foundBy ?? 'sbom',
    evidence: 'installed',
    source: sourcePkg,
    metadata: null,
  };
  return { pkg, distroQualifier: isOsPackageType(type) ? (q['distro'] ?? null) : null };
}

/** The report an SBOM document stands for: its packages and relationships, nothing scanned. */
function sbomReport(reference: string, manifestDigest: string | null, distro: Distro | null, packages: Package[], relationships: Relationship[]): Report {
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: TOOL_VERSION },
    target: { reference, sourceType: 'sbom', manifestDigest, configDigest: null, platform: null, repoTags: [] },
    image: null,
    distro,
    packages: packages.sort(comparePackages),
    relationships,
    findings: [],
    unknowns: [],
    notChecked: [],
  };
}

function comparePackages(a: Package, b: Package): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * `contains` relationships from an OS package to the language packages whose files it installed,
 * as the document states them (owner given by id or purl). matchVulnerabilities judges such
 * packages through their owner, as it does for an image scan.
 */
function ownership(owned: readonly { readonly owner: string; readonly to: string }[], packages: readonly Package[]): Relationship[] {
  const byId = new Map(packages.map((p) => [p.id, p]));
  const byPurl = new Map<string, Package>();
  for (const p of packages) if (p.purl !== '' && !byPurl.has(p.purl)) byPurl.set(p.purl, p);
  const out: Relationship[] = [];
  for (const o of owned) {
    const from = byId.get(o.owner) ?? byPurl.get(o.owner);
    if (from !== undefined && from.id !== o.to) out.push({ from: from.id, to: o.to, type: 'contains' });
  }
  return out;
}

function fromCycloneDx(root: Json, source: string, limits: SbomInputLimits): SbomInput {
  const skipped: string[] = [];
  const all = flatten(root['components'], limits, source);
  let distro: Distro | null = null;
  const os = all.find((c) => c['type'] === 'operating-system');
  if (os !== undefined && str(os['name']) !== null) distro = distroOf(str(os['name'])!, str(os['version']) ?? '');
  const packages: Package[] = [];
  const owned: { owner: string; to: string }[] = [];
  all.forEach((c, i) => {
    if (c['type'] === 'operating-system') return;
    const purlText = str(c['purl']);
    const props = properties(c);
    const locations: Location[] = [];
    for (let n = 0; n < 100; n++) {
      const path = props.get(`sekisho:location:${n}:path`) ?? props.get(`syft:location:${n}:path`);
      if (path === undefined) break;
      locations.push({
        path,
        layerDigest: props.get(`sekisho:location:${n}:layerDigest`) ?? null,
        diffId: props.get(`sekisho:location:${n}:layerDiffID`) ?? props.get(`syft:location:${n}:layerID`) ?? null,
        layerIndex: null,
      });
    }
    const made =
      purlText === null
        ? null
        : packageFrom({
            id: str(c['bom-ref']) ?? createHash('sha256').update(`${purlText}\u0000${i}`).digest('hex').slice(0, 16),
            purlText,
            version: str(c['version']),
            declaredType: props.get('sekisho:package:type') ?? null,
            sourceText: props.get('sekisho:package:source') ?? null,
            cpes: str(c['cpe']) === null ? [] : [str(c['cpe'])!],
            licenses: cyclonedxLicenses(c['licenses']),
            locations,
            foundBy: props.get('sekisho:package:foundBy') ?? null,
          });
    if (made === null) {
      skipped.push(`component ${str(c['name']) ?? i}: no purl`);
      return;
    }
    if (distro === null && made.distroQualifier !== null) distro = distroFromQualifier(made.distroQualifier);
    packages.push(made.pkg);
    const owner = props.get(OS_OWNER_PROPERTY);
    if (owner !== undefined) owned.push({ owner, to: made.pkg.id });
  });
  const ids = new Set(packages.map((p) => p.id));
  const relationships = ownership(owned, packages);
  for (const raw of arr(root['dependencies'])) {
    const d = obj(raw);
    const from = str(d?.['ref']);
    if (from === null || !ids.has(from)) continue;
    for (const to of arr(d?.['dependsOn'])) if (typeof to === 'string' && ids.has(to)) relationships.push({ from, to, type: 'depends-on' });
  }
  const subject = obj(obj(root['metadata'])?.['component']);
  const manifestDigest = str(subject?.['version']);
  const report = sbomReport(str(subject?.['name']) ?? source, manifestDigest?.startsWith('sha256:') === true ? manifestDigest : null, distro, packages, relationships);
  return { report, skipped, format: 'cyclonedx-json' };
}

const SPDX_RELATIONSHIPS: Readonly<Record<string, { readonly type: Relationship['type']; readonly reversed: boolean }>> = {
  CONTAINS: { type: 'contains', reversed: false },
  CONTAINED_BY: { type: 'contains', reversed: true },
  DEPENDS_ON: { type: 'depends-on', reversed: false },
  DEPENDENCY_OF: { type: 'depends-on', reversed: true },
};

/**
 * SPDX 2.x JSON: packages with a `purl` external reference; the `OPERATING_SYSTEM` package gives
 * the distribution. OS ownership is the relationship `OS package CONTAINS language package` (or
 * `CONTAINED_BY` the other way), as Sekisho writes it. Sekisho's SPDX ids end in the package id
 * (`SPDXRef-Package-<type>-<name>-<id>`), which is kept so findings keep their ids.
 */
function fromSpdx(root: Json, source: string, limits: SbomInputLimits): SbomInput {
  const skipped: string[] = [];
  const list = arr(root['packages']);
  if (list.length > limits.maxComponents) throw tooMany(limits, source);
  const described = new Set(arr(root['documentDescribes']).filter((d): d is string => typeof d === 'string'));
  for (const raw of arr(root['relationships'])) {
    const r = obj(raw);
    if (r?.['relationshipType'] === 'DESCRIBES' && typeof r['relatedSpdxElement'] === 'string') described.add(r['relatedSpdxElement']);
  }
  let distro: Distro | null = null;
  const packages: Package[] = [];
  const idBySpdx = new Map<string, string>();
  const extractedNames = new Map<string, string>();
  for (const raw of arr(root['hasExtractedLicensingInfos']).slice(0, limits.maxComponents)) {
    const info = obj(raw);
    const id = str(info?.['licenseId']);
    const name = str(info?.['name']);
    if (id !== null && name !== null) extractedNames.set(id, name);
  }
  list.forEach((raw, i) => {
    const p = obj(raw);
    const spdxId = str(p?.['SPDXID']);
    if (p === null || spdxId === null) {
      skipped.push(`packages[${i}]: no SPDXID`);
      return;
    }
    if (p['primaryPackagePurpose'] === 'OPERATING_SYSTEM') {
      if (distro === null && str(p['name']) !== null) distro = distroOf(str(p['name'])!, str(p['versionInfo']) ?? '');
      return;
    }
    const refs = arr(p['externalRefs']).map(obj);
    const locator = (type: string): string | null => str(refs.find((r) => r?.['referenceType'] === type)?.['referenceLocator']);
    const purlText = locator('purl');
    if (purlText === null) {
      if (!described.has(spdxId)) skipped.push(`package ${str(p['name']) ?? spdxId}: no purl`);
      return;
    }
    const sourceInfo = /^built from source package (\S+) (\S+)$/.exec(str(p['sourceInfo']) ?? '');
    const found = /^found by (\S+) in (.+?)(?: \(layer (sha256:[0-9a-f]+)\))?$/.exec(str(p['comment']) ?? '');
    const made = packageFrom({
      id: /^SPDXRef-Package-.+-([0-9a-f]{16})$/.exec(spdxId)?.[1] ?? spdxId,
      purlText,
      version: str(p['versionInfo']),
      declaredType: null,
      sourceText: sourceInfo === null ? null : `${sourceInfo[1]!}@${sourceInfo[2]!}`,
      cpes: refs
        .filter((r) => r?.['referenceType'] === 'cpe23Type' || r?.['referenceType'] === 'cpe22Type')
        .flatMap((r) => (str(r?.['referenceLocator']) === null ? [] : [str(r?.['referenceLocator'])!])),
      licenses: spdxLicenses(p, extractedNames),
      locations: found === null ? [] : [{ path: found[2]!, layerDigest: found[3] ?? null, diffId: null, layerIndex: null }],
      foundBy: found?.[1] ?? null,
    });
    if (made === null) {
      skipped.push(`package ${str(p['name']) ?? spdxId}: purl does not parse`);
      return;
    }
    if (distro === null && made.distroQualifier !== null) distro = distroFromQualifier(made.distroQualifier);
    idBySpdx.set(spdxId, made.pkg.id);
    packages.push(made.pkg);
  });
  const dependencies: Relationship[] = [];
  const owned: { owner: string; to: string }[] = [];
  for (const raw of arr(root['relationships'])) {
    const r = obj(raw);
    const kind = SPDX_RELATIONSHIPS[str(r?.['relationshipType']) ?? ''];
    const a = idBySpdx.get(str(r?.['spdxElementId']) ?? '');
    const b = idBySpdx.get(str(r?.['relatedSpdxElement']) ?? '');
    if (kind === undefined || a === undefined || b === undefined || a === b) continue;
    const [from, to] = kind.reversed ? [b, a] : [a, b];
    if (kind.type === 'contains') owned.push({ owner: from, to });
    else dependencies.push({ from, to, type: kind.type });
  }
  const relationships = ownership(owned, packages);
  for (const r of dependencies) relationships.push(r);
  return { report: sbomReport(str(root['name']) ?? source, null, distro, packages, relationships), skipped, format: 'spdx-json' };
}

function isSyftJson(root: Json): boolean {
  const descriptor = obj(root['descriptor']);
  const schemaUrl = str(obj(root['schema'])?.['url']) ?? '';
  return Array.isArray(root['artifacts']) && (descriptor?.['name'] === 'syft' || /anchore\/syft/.test(schemaUrl));
}

/** Syft's licence entries: strings (schema < 8) or objects with `spdxExpression` or `value`. */
function syftLicenses(value: unknown): string[] {
  return arr(value)
    .slice(0, MAX_LICENSES)
    .flatMap((l) => {
      if (typeof l === 'string') return [l];
      const entry = obj(l);
      const text = str(entry?.['spdxExpression']) || str(entry?.['value']);
      return text === null || text === '' ? [] : [text];
    });
}

/**
 * A Syft JSON document (`syft -o json`): artifacts by purl as other tools' SBOMs are read;
 * `dependency-of` (parent is a dependency of child) and `ownership-by-file-overlap` (an OS package
 * owns the files of another) relationships kept; the distro from its `distro` object.
 */
function fromSyftJson(root: Json, source: string, limits: SbomInputLimits): SbomInput {
  const skipped: string[] = [];
  const list = arr(root['artifacts']);
  if (list.length > limits.maxComponents) throw tooMany(limits, source);
  const d = obj(root['distro']);
  const distroId = str(d?.['id']);
  let distro: Distro | null = distroId === null || distroId === '' ? null : distroOf(distroId, str(d?.['versionID']) ?? '');
  const packages: Package[] = [];
  const idOf = new Map<string, string>();
  list.forEach((raw, i) => {
    const a = obj(raw);
    const name = str(a?.['name']) ?? `artifacts[${i}]`;
    const purlText = str(a?.['purl']);
    if (a === null || purlText === null || purlText === '') {
      skipped.push(`artifact ${name}: no purl`);
      return;
    }
    const layer = (l: Json | null): string | null => {
      const id = str(l?.['layerID']);
      return id !== null && /^sha256:[0-9a-f]{64}$/.test(id) ? id : null;
    };
    const made = packageFrom({
      id: str(a['id']) ?? createHash('sha256').update(`${i}:${purlText}`).digest('hex').slice(0, 16),
      purlText,
      version: str(a['version']),
      declaredType: null,
      sourceText: null,
      cpes: arr(a['cpes'])
        .slice(0, 100)
        .flatMap((c) => {
          const text = typeof c === 'string' ? c : str(obj(c)?.['cpe']);
          return text === null ? [] : [text];
        }),
      licenses: syftLicenses(a['licenses']),
      locations: arr(a['locations'])
        .slice(0, 100)
        .map(obj)
        .flatMap((l) => {
          const path = str(l?.['path']);
          return path === null ? [] : [{ path, layerDigest: null, diffId: layer(l), layerIndex: null }];
        }),
      foundBy: str(a['foundBy']),
    });
    if (made === null) {
      skipped.push(`artifact ${name}: purl does not parse`);
      return;
    }
    if (distro === null && made.distroQualifier !== null) distro = distroFromQualifier(made.distroQualifier);
    const syftId = str(a['id']);
    if (syftId !== null) idOf.set(syftId, made.pkg.id);
    packages.push(made.pkg);
  });
  const dependencies: Relationship[] = [];
  const owned: { owner: string; to: string }[] = [];
  for (const raw of arr(root['artifactRelationships']).slice(0, limits.maxComponents * 4)) {
    const r = obj(raw);
    const parent = idOf.get(str(r?.['parent']) ?? '');
    const child = idOf.get(str(r?.['child']) ?? '');
    if (parent === undefined || child === undefined || parent === child) continue;
    if (r?.['type'] === 'dependency-of') dependencies.push({ from: child, to: parent, type: 'depends-on' });
    else if (r?.['type'] === 'ownership-by-file-overlap') owned.push({ owner: parent, to: child });
  }
  const relationships = ownership(owned, packages);
  for (const r of dependencies) relationships.push(r);
  return { report: sbomReport(str(obj(root['source'])?.['name']) ?? source, null, distro, packages, relationships), skipped, format: 'syft-json' };
}
