import { child, childText, children, parseXml } from './mini-xml.js';
import type { XmlElement } from './mini-xml.js';

/**
 * Parsers for the metadata files inside Java archives: `MANIFEST.MF` (JAR File Specification,
 * https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html#jar-manifest),
 * `pom.properties` (java.util.Properties line format) and `pom.xml` (Maven POM 4.0.0).
 */

export interface JavaManifest {
  /** Main attributes. */
  readonly main: ReadonlyMap<string, string>;
  /** Per-entry sections (`Name:` …), in order. */
  readonly sections: readonly ReadonlyMap<string, string>[];
}

const MAX_MANIFEST_SECTIONS = 10_000;

/** Parse a manifest: `Key: value` lines, continuation lines start with one space, blank lines end a section. */
export function parseManifest(text: string): JavaManifest {
  const groups: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  let lastKey: string | null = null;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    if (raw === '') {
      current = null;
      lastKey = null;
      continue;
    }
    if (raw.startsWith(' ')) {
      if (current && lastKey !== null) current.set(lastKey, (current.get(lastKey) ?? '') + raw.slice(1));
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    const key = raw.slice(0, colon).trim();
    if (!/^[A-Za-z0-9_-]+$/.test(key)) continue;
    if (!current) {
      if (groups.length >= MAX_MANIFEST_SECTIONS) break;
      current = new Map();
      groups.push(current);
    }
    current.set(key, raw.slice(colon + 1).trim());
    lastKey = key;
  }
  const [main, ...sections] = groups;
  return { main: main ?? new Map(), sections };
}

/** java.util.Properties: `key=value`, `key:value` or `key value`; `#`/`!` comments; `\` continuations and escapes. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsWithOddBackslashes(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] ?? '').replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    while (k < line.length && !'=: \t\f'.includes(line[k] ?? '')) k += line[k] === '\\' ? 2 : 1;
    const key = line.slice(0, k);
    let rest = line.slice(k).replace(/^[ \t\f]*/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]*/, '');
    out.set(unescapeProperty(key), unescapeProperty(rest));
  }
  return out;
}

function endsWithOddBackslashes(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescapeProperty(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

export interface PomDependency {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
  readonly scope: string;
  readonly optional: boolean;
}

export interface PomProject {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
  readonly name: string;
  readonly description: string;
  readonly url: string;
  readonly licenses: readonly string[];
  readonly parent: { readonly groupId: string; readonly artifactId: string; readonly version: string } | null;
  readonly dependencies: readonly PomDependency[];
}

const MAX_SUBSTITUTIONS = 16;

/** Resolve `${prop}` from the POM's own properties and `project.*` / `parent.*` (no parent lookup). */
function makeResolver(props: Map<string, string>): (s: string) => string {
  return (s) => {
    let out = s;
    for (let round = 0; round < MAX_SUBSTITUTIONS && out.includes('${'); round++) {
      const next = out.replace(/\$\{([^}]{1,200})\}/g, (whole, key: string) => props.get(key) ?? whole);
      if (next === out) break;
      out = next.length > 4096 ? out : next;
    }
    return out;
  };
}

/** Project coordinates, licenses and declared dependencies of a POM; the parent fills missing group and version. */
export function parsePom(text: string): PomProject | { error: string } {
  const doc = parseXml(text);
  if ('error' in doc) return doc;
  if (doc.name !== 'project') return { error: `root element is <${doc.name.slice(0, 40)}>, not <project>` };
  const parentEl = child(doc, 'parent');
  const parent = parentEl ? { groupId: childText(parentEl, 'groupId'), artifactId: childText(parentEl, 'artifactId'), version: childText(parentEl, 'version') } : null;
  const props = new Map<string, string>();
  for (const p of child(doc, 'properties')?.children ?? []) props.set(p.name, p.text.trim());
  const groupIdRaw = childText(doc, 'groupId') || parent?.groupId || '';
  const versionRaw = childText(doc, 'version') || parent?.version || '';
  const artifactIdRaw = childText(doc, 'artifactId');
  for (const [k, v] of [
    ['project.groupId', groupIdRaw],
    ['pom.groupId', groupIdRaw],
    ['groupId', groupIdRaw],
    ['project.artifactId', artifactIdRaw],
    ['project.version', versionRaw],
    ['pom.version', versionRaw],
    ['version', versionRaw],
    ['project.parent.version', parent?.version ?? ''],
    ['parent.version', parent?.version ?? ''],
    ['project.parent.groupId', parent?.groupId ?? ''],
  ] as const) {
    if (v && !props.has(k)) props.set(k, v);
  }
  const resolve = makeResolver(props);
  const managed = new Map<string, string>();
  for (const d of children(child(child(doc, 'dependencyManagement'), 'dependencies'), 'dependency')) {
    managed.set(`${resolve(childText(d, 'groupId'))}:${resolve(childText(d, 'artifactId'))}`, resolve(childText(d, 'version')));
  }
  const dependencies = children(child(doc, 'dependencies'), 'dependency').map((d: XmlElement): PomDependency => {
    const groupId = resolve(childText(d, 'groupId'));
    const artifactId = resolve(childText(d, 'artifactId'));
    const declared = resolve(childText(d, 'version'));
    return {
      groupId,
      artifactId,
      version: declared || managed.get(`${groupId}:${artifactId}`) || '',
      scope: childText(d, 'scope'),
      optional: childText(d, 'optional') === 'true',
    };
  });
  return {
    groupId: resolve(groupIdRaw),
    artifactId: resolve(artifactIdRaw),
    version: resolve(versionRaw),
    name: resolve(childText(doc, 'name')),
    description: resolve(childText(doc, 'description')).replace(/\s+/g, ' '),
    url: resolve(childText(doc, 'url')),
    licenses: children(child(doc, 'licenses'), 'license')
      .map((l) => childText(l, 'name') || childText(l, 'url'))
      .filter((x) => x !== ''),
    parent,
    dependencies,
  };
}

/** A version is usable only when no `${…}` remains. */
export function isResolved(value: string): boolean {
  return value !== '' && !value.includes('${');
}

export interface FileNameIdentity {
  readonly name: string;
  readonly version: string;
}

/**
 * `commons-lang3-3.12.0.jar` → commons-lang3 / 3.12.0: the version starts at the first `-` that is
 * followed by a digit (or `-rc1`/`-build` style suffixes Maven never uses as artifact names).
 */
export function parseArchiveFileName(fileName: string): FileNameIdentity {
  const base = fileName.replace(/\.(jar|war|ear|jpi|hpi|par|sar|nar|kar|rar|lpkg)$/i, '');
  const m = /^(.+?)-(\d[^/]*)$/.exec(base);
  if (m?.[1] && m[2]) return { name: m[1], version: m[2] };
  return { name: base, version: '' };
}
