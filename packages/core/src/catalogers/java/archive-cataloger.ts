import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { purlText } from '../../util/package-url.js';
import type { LanguagePackageEntry } from '@sekisho/model';
import type { CatalogContext, CatalogFile, CatalogOutput, CatalogUnknown, CatalogedPackage, CatalogedRelationship, Cataloger } from '../types.js';
import { isResolved, parseArchiveFileName, parseManifest, parsePom, parseProperties } from './java-metadata.js';
import type { JavaManifest } from './java-metadata.js';
import { openZip, readEntry } from '../../util/zip-reader.js';
import type { InflateBudget, ZipEntry } from '../../util/zip-reader.js';
import { compareText } from '@sekisho/model';

export const JAVA_ARCHIVE_SUFFIXES = ['.jar', '.war', '.ear', '.jpi', '.hpi'] as const;

const MAX_METADATA_ENTRY = 4 * 1024 * 1024;
const MAX_POMS_PER_ARCHIVE = 2_000;
const MAX_NESTED_PER_ARCHIVE = 10_000;
/** Upper bounds whatever the context allows. */
const HARD_MAX_DEPTH = 8;
const HARD_MAX_EXPANDED = 2 * 1024 * 1024 * 1024;

export function javaMetadata(source: string, fields: Record<string, string | undefined>): LanguagePackageEntry {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(fields).sort()) {
    const v = fields[key];
    if (v !== undefined && v !== '') sorted[key] = v;
  }
  return { type: 'language-package', source, fields: sorted };
}

/** `pkg:maven/<groupId>/<artifactId>@<version>`; null without a groupId (the purl type requires one). */
export function mavenPurl(groupId: string, artifactId: string, version: string): string | null {
  if (!groupId || !artifactId) return null;
  try {
    return purlText('maven', groupId, artifactId, isResolved(version) ? version : null, null, null);
  } catch {
    return null;
  }
}

interface Identity {
  groupId: string;
  artifactId: string;
  version: string;
  licenses: string[];
  source: 'pom.properties' | 'pom.xml' | 'MANIFEST.MF' | 'file-name';
  pomName?: string;
  pomDir?: string;
}

interface Walk {
  readonly topPath: string;
  readonly budget: InflateBudget;
  readonly maxDepth: number;
  readonly packages: CatalogedPackage[];
  readonly relationships: CatalogedRelationship[];
  readonly unknowns: CatalogUnknown[];
}

const isArchiveName = (name: string): boolean => {
  const lower = name.toLowerCase();
  return JAVA_ARCHIVE_SUFFIXES.some((s) => lower.endsWith(s));
};

/** Identities stated by `META-INF/maven/<group>/<artifact>/pom.{properties,xml}`, properties first. */
function readPoms(buf: Buffer, entries: readonly ZipEntry[], walk: Walk, where: string): Identity[] {
  const byDir = new Map<string, Identity>();
  const allPoms = entries
    .filter((e) => e.name.startsWith('META-INF/maven/') && (e.name.endsWith('/pom.properties') || e.name.endsWith('/pom.xml')))
    .sort((a, b) => (a.name.endsWith('.properties') === b.name.endsWith('.properties') ? compareText(a.name, b.name) : a.name.endsWith('.properties') ? -1 : 1));
  if (allPoms.length > MAX_POMS_PER_ARCHIVE) {
    walk.unknowns.push({ path: walk.topPath, reason: `${where}: ${allPoms.length - MAX_POMS_PER_ARCHIVE} Maven pom files past the limit of ${MAX_POMS_PER_ARCHIVE} per archive were not read` });
  }
  const pomEntries = allPoms.slice(0, MAX_POMS_PER_ARCHIVE);
  for (const e of pomEntries) {
    const dir = posix.dirname(e.name);
    const data = readEntry(buf, e, walk.budget, MAX_METADATA_ENTRY);
    if (!data.ok) {
      walk.unknowns.push({ path: walk.topPath, reason: `${where}: ${data.reason}` });
      continue;
    }
    const text = data.value.toString('utf8');
    const known = byDir.get(dir);
    if (e.name.endsWith('.properties')) {
      const p = parseProperties(text);
      const id: Identity = {
        groupId: (p.get('groupId') ?? '').trim(),
        artifactId: (p.get('artifactId') ?? '').trim(),
        version: (p.get('version') ?? '').trim(),
        licenses: [],
        source: 'pom.properties',
        pomDir: dir,
      };
      if (id.artifactId) byDir.set(dir, id);
    } else {
      const pom = parsePom(text);
      if ('error' in pom) {
        if (!known) walk.unknowns.push({ path: walk.topPath, reason: `${where}!${e.name}: ${pom.error}` });
        continue;
      }
      if (known) {
        known.licenses = [...pom.licenses];
        if (pom.name) known.pomName = pom.name;
      } else if (pom.artifactId && isResolved(pom.artifactId)) {
        byDir.set(dir, {
          groupId: isResolved(pom.groupId) ? pom.groupId : '',
          artifactId: pom.artifactId,
          version: isResolved(pom.version) ? pom.version : '',
          licenses: [...pom.licenses],
          source: 'pom.xml',
          ...(pom.name ? { pomName: pom.name } : {}),
          pomDir: dir,
        });
      }
    }
  }
  return [...byDir.values()];
}

const related = (a: string, b: string): boolean => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x !== '' && y !== '' && (x.includes(y) || y.includes(x));
};

function firstToken(v: string | undefined): string {
  return (v ?? '').trim().split(/\s+/)[0] ?? '';
}

/** The archive's own identity when no pom describes it: manifest fields, then the file name. */
function manifestIdentity(manifest: JavaManifest, fileName: string): Identity | null {
  const m = manifest.main;
  const file = parseArchiveFileName(fileName);
  // Jenkins plugins state their coordinates in the manifest.
  const shortName = m.get('Short-Name');
  if (shortName && m.get('Plugin-Version')) {
    return { groupId: m.get('Group-Id') ?? '', artifactId: shortName, version: firstToken(m.get('Plugin-Version')), licenses: [], source: 'MANIFEST.MF' };
  }
  const artifactId = file.name || m.get('Implementation-Title') || m.get('Bundle-Name') || '';
  if (!artifactId) return null;
  const version = firstToken(m.get('Implementation-Version')) || file.version || firstToken(m.get('Bundle-Version')) || firstToken(m.get('Specification-Version'));
  // A groupId only where the manifest states it: an OSGi symbolic name `<group>.<artifact>`.
  const bsn = (m.get('Bundle-SymbolicName') ?? '').split(';')[0]?.trim() ?? '';
  const groupId = bsn.endsWith(`.${artifactId}`) ? bsn.slice(0, -artifactId.length - 1) : '';
  const licenses = m.get('Bundle-License') ? [m.get('Bundle-License') ?? ''] : [];
  const fromManifest = m.has('Implementation-Version') || m.has('Bundle-Version') || m.has('Specification-Version');
  return { groupId, artifactId, version, licenses, source: fromManifest || !file.name ? 'MANIFEST.MF' : 'file-name' };
}

function choosePrimary(poms: Identity[], manifest: JavaManifest, fileName: string): Identity | undefined {
  const file = parseArchiveFileName(fileName).name;
  const exact = poms.find((p) => p.artifactId === file || file === `${p.groupId}.${p.artifactId}`);
  if (exact) return exact;
  // `wagon-http-shaded.jar`, `foo-all.jar`: the longest artifactId the file name starts with.
  const prefixed = poms.filter((p) => file.startsWith(`${p.artifactId}-`)).sort((a, b) => b.artifactId.length - a.artifactId.length)[0];
  if (prefixed) return prefixed;
  if (poms.length !== 1) return undefined;
  const only = poms[0];
  if (!only) return undefined;
  const title = manifest.main.get('Implementation-Title') ?? manifest.main.get('Bundle-SymbolicName') ?? '';
  // One pom, but both the file name and the manifest name something else: a shaded dependency, not this archive.
  if (file && !related(file, only.artifactId) && title && !related(title, only.artifactId) && !related(title, only.groupId)) return undefined;
  return only;
}

function manifestFields(manifest: JavaManifest): Record<string, string | undefined> {
  const m = manifest.main;
  const keys = [
    'Implementation-Title',
    'Implementation-Vendor',
    'Implementation-Version',
    'Specification-Title',
    'Specification-Vendor',
    'Specification-Version',
    'Bundle-SymbolicName',
    'Bundle-Version',
    'Bundle-Name',
    'Main-Class',
    'Created-By',
  ];
  const out: Record<string, string | undefined> = {};
  for (const k of keys) out[`manifest.${k}`] = m.get(k)?.slice(0, 512);
  return out;
}

/** Reverse-domain names (`org.apache.commons`): what a Maven groupId looks like. */
const GROUP_LIKE = /^(?:[a-z][a-z0-9_-]*\.)+[a-z][a-z0-9_-]*$/;

/**
 * Maven coordinates for an archive no pom describes (the JDK's `jrt-fs.jar`, Debian's
 * `ca-certificates-java.jar`), from the evidence it carries, best first: a groupId the manifest
 * states (Implementation-Vendor-Id, an OSGi or JPMS name `<group>.<artifact>`, a reverse-domain
 * vendor or title, the Main-Class package); otherwise the artifactId stands for the group (as
 * Syft does) and the archive's SHA-1 goes in the purl's `checksum` qualifier, so the purl still
 * names one exact artifact. `purlFrom` says which evidence was used.
 */
export function manifestCoordinates(manifest: JavaManifest, artifactId: string, version: string, sha1: string | undefined): { purl: string | null; groupId: string; purlFrom: string } {
  const m = manifest.main;
  const name = (key: string): string => (m.get(key) ?? '').split(';')[0]?.trim() ?? '';
  const candidates: [string, string][] = [['Implementation-Vendor-Id', name('Implementation-Vendor-Id')]];
  for (const key of ['Bundle-SymbolicName', 'Automatic-Module-Name', 'Implementation-Title', 'Extension-Name']) {
    const value = name(key);
    if (value.endsWith(`.${artifactId}`)) candidates.push([key, value.slice(0, -artifactId.length - 1)]);
    else if (key !== 'Implementation-Title' && key !== 'Extension-Name') candidates.push([key, value]);
  }
  const mainClass = name('Main-Class');
  if (mainClass.includes('.')) candidates.push(['Main-Class', mainClass.slice(0, mainClass.lastIndexOf('.'))]);
  for (const [key, groupId] of candidates) {
    if (GROUP_LIKE.test(groupId)) return { purl: mavenPurl(groupId, artifactId, version), groupId, purlFrom: `MANIFEST.MF ${key}` };
  }
  if (!artifactId) return { purl: null, groupId: '', purlFrom: '' };
  try {
    const qualifiers = sha1 ? { checksum: `sha1:${sha1}` } : null;
    const purl = purlText('maven', artifactId, artifactId, isResolved(version) ? version : null, qualifiers, null);
    return { purl, groupId: '', purlFrom: sha1 ? 'artifactId as groupId, archive SHA-1' : 'artifactId as groupId' };
  } catch {
    return { purl: null, groupId: '', purlFrom: '' };
  }
}

function emit(walk: Walk, id: Identity, archivePath: string, sha1: string | undefined, extra: Record<string, string | undefined>, manifest?: JavaManifest): string {
  const ref = `${archivePath}#${id.groupId}:${id.artifactId}:${walk.packages.length}`;
  const stated = mavenPurl(id.groupId, id.artifactId, id.version);
  const derived = stated === null && manifest !== undefined && (id.source === 'MANIFEST.MF' || id.source === 'file-name') ? manifestCoordinates(manifest, id.artifactId, id.version, sha1) : null;
  walk.packages.push({
    ref,
    name: id.artifactId,
    version: id.version,
    type: 'maven',
    purl: derived?.purl ?? stated,
    licenses: id.licenses,
    evidence: 'installed',
    source: null,
    metadata: javaMetadata(id.source, {
      groupId: id.groupId,
      artifactId: id.artifactId,
      sha1,
      archivePath: archivePath === walk.topPath ? undefined : archivePath,
      pomName: id.pomName,
      pomPath: id.pomDir,
      ...(derived ? { purlFrom: derived.purlFrom, ...(derived.groupId ? { groupIdFromManifest: derived.groupId } : {}) } : {}),
      ...extra,
    }),
    paths: [walk.topPath],
  });
  return ref;
}

/** Catalog one archive (top-level or nested); returns the ref of its own package, if any. */
function catalogArchive(buf: Buffer, archivePath: string, depth: number, ancestors: ReadonlySet<string>, walk: Walk): string | null {
  const sha1 = createHash('sha1').update(buf).digest('hex');
  if (ancestors.has(sha1)) {
    walk.unknowns.push({ path: walk.topPath, reason: `${archivePath}: archive contains itself (cycle)` });
    return null;
  }
  const zip = openZip(buf);
  if (!zip.ok) {
    walk.unknowns.push({ path: walk.topPath, reason: `${archivePath}: ${zip.reason}` });
    return null;
  }
  const entries = zip.value.entries;
  const manifestEntry = entries.find((e) => e.name.toUpperCase() === 'META-INF/MANIFEST.MF');
  let manifest: JavaManifest = { main: new Map(), sections: [] };
  if (manifestEntry) {
    const data = readEntry(buf, manifestEntry, walk.budget, MAX_METADATA_ENTRY);
    if (data.ok) manifest = parseManifest(data.value.toString('utf8'));
    else walk.unknowns.push({ path: walk.topPath, reason: `${archivePath}: ${data.reason}` });
  }
  const poms = readPoms(buf, entries, walk, archivePath);
  const fileName = posix.basename(archivePath.slice(archivePath.lastIndexOf(':') + 1));
  const primary = choosePrimary(poms, manifest, fileName) ?? manifestIdentity(manifest, fileName);
  const mfFields = manifestFields(manifest);
  const ownRef = primary ? emit(walk, primary, archivePath, sha1, mfFields, manifest) : null;
  for (const p of poms) {
    if (p === primary || (primary && p.groupId === primary.groupId && p.artifactId === primary.artifactId)) continue;
    const ref = emit(walk, p, archivePath, undefined, { shadedIn: fileName });
    if (ownRef) walk.relationships.push({ fromRef: ownRef, toRef: ref, type: 'contains' });
  }

  const nested = entries.filter((e) => !e.name.endsWith('/') && isArchiveName(e.name));
  if (nested.length === 0) return ownRef;
  if (depth + 1 > walk.maxDepth) {
    walk.unknowns.push({ path: walk.topPath, reason: `${archivePath}: ${nested.length} nested archive(s) below the depth limit ${walk.maxDepth} not read` });
    return ownRef;
  }
  if (nested.length > MAX_NESTED_PER_ARCHIVE) {
    walk.unknowns.push({ path: walk.topPath, reason: `${archivePath}: ${nested.length} nested archives (limit ${MAX_NESTED_PER_ARCHIVE}); the rest were not read` });
  }
  const chain = new Set(ancestors).add(sha1);
  const seen = new Set<string>();
  for (const e of nested.slice(0, MAX_NESTED_PER_ARCHIVE)) {
    if (seen.has(e.name)) continue;
    seen.add(e.name);
    const data = readEntry(buf, e, walk.budget, walk.budget.remaining);
    if (!data.ok) {
      walk.unknowns.push({ path: walk.topPath, reason: `${archivePath}: ${data.reason}` });
      continue;
    }
    const childRef = catalogArchive(data.value, `${archivePath}:${e.name}`, depth + 1, chain, walk);
    if (ownRef && childRef) walk.relationships.push({ fromRef: ownRef, toRef: childRef, type: 'contains' });
  }
  return ownRef;
}

/** Catalog a Java archive file and the archives nested in it, bounded by the context's limits. */
export function catalogJavaArchive(file: CatalogFile, ctx: CatalogContext): CatalogOutput {
  const walk: Walk = {
    topPath: file.path,
    budget: { remaining: Math.min(ctx.limits.maxExpandedBytes, HARD_MAX_EXPANDED) },
    maxDepth: Math.min(ctx.limits.maxNestedDepth, HARD_MAX_DEPTH),
    packages: [],
    relationships: [],
    unknowns: [],
  };
  try {
    catalogArchive(file.content, file.path, 0, new Set(), walk);
  } catch (err) {
    // Every reader above returns error values; this guards the scan against a bug, not against input.
    walk.unknowns.push({ path: file.path, reason: `java archive: ${(err as Error).message}` });
  }
  return { packages: walk.packages, relationships: walk.relationships, ownership: [], unknowns: walk.unknowns };
}

/** Java archives (`.jar .war .ear .jpi .hpi`) and the archives nested inside them. */
export const javaArchiveCataloger: Cataloger = {
  id: 'java-archive-cataloger',
  version: 3,
  packageTypes: ['maven'],
  selector: { suffixes: [...JAVA_ARCHIVE_SUFFIXES] },
  maxFileSize: 256 * 1024 * 1024,
  parse: catalogJavaArchive,
};
