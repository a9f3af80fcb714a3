import { posix } from 'node:path';
import { purlText } from '../../util/package-url.js';
import { EMPTY_OUTPUT, mergeOutputs } from '../types.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, Cataloger } from '../types.js';
import { javaMetadata } from './archive-cataloger.js';

/**
 * JDK/JRE installations, identified by their `release` file (written by the OpenJDK build,
 * make/ReleaseFile.gmk: `KEY="value"` lines such as JAVA_VERSION, JAVA_RUNTIME_VERSION,
 * IMPLEMENTOR, SOURCE_REPO, IMAGE_TYPE). A `bin/javac` beside it marks a JDK when IMAGE_TYPE is absent.
 */
export function parseReleaseFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // Every line: the file is at most 256 KiB (maxFileSize), and a line limit let padding hide JAVA_VERSION.
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    let v = (m[2] ?? '').trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    out.set(m[1], v);
  }
  return out;
}

const javacMarkers = new WeakMap<CatalogOutput, string>();
/** Parsed release files, kept for `finish` (which may learn of a `bin/javac` later in the layer). */
const releaseFacts = new WeakMap<CatalogOutput, { path: string; rel: Map<string, string> }>();

/** `1.8.0_411` → version 1.8.0, update 411; `21.0.4` → 21.0.4. */
function cpeVersion(javaVersion: string): { version: string; update: string } {
  const m = /^(\d+(?:\.\d+)*)(?:_(\d+))?/.exec(javaVersion);
  return { version: m?.[1] ?? '*', update: m?.[2] ? `update${m[2]}` : '*' };
}

function jvmPackage(path: string, rel: Map<string, string>, hasJavac: boolean): CatalogedPackage | null {
  const javaVersion = rel.get('JAVA_VERSION');
  if (!javaVersion) return null;
  const version = rel.get('JAVA_RUNTIME_VERSION') || rel.get('FULL_VERSION') || javaVersion;
  const implementor = rel.get('IMPLEMENTOR') ?? '';
  const imageType = (rel.get('IMAGE_TYPE') ?? '').toUpperCase();
  const isJdk = imageType ? imageType === 'JDK' : hasJavac;
  const oracle = /oracle/i.test(implementor) || (rel.get('BUILD_TYPE') ?? '') === 'commercial';
  const name = oracle ? (isJdk ? 'jdk' : 'jre') : 'openjdk';
  const repo = rel.get('SOURCE_REPO');
  const cv = cpeVersion(javaVersion);
  return {
    ref: `${path}#jvm`,
    name,
    version,
    type: 'binary',
    purl: purlText('generic', 'oracle', name, version, repo ? { repository_url: repo } : null, null),
    cpes: [`cpe:2.3:a:oracle:${name}:${cv.version}:${cv.update}:*:*:*:*:*:*`],
    licenses: [],
    evidence: 'installed',
    source: null,
    metadata: javaMetadata('java-release', {
      implementor,
      implementorVersion: rel.get('IMPLEMENTOR_VERSION'),
      javaVersion,
      javaVersionDate: rel.get('JAVA_VERSION_DATE'),
      imageType: imageType || (hasJavac ? 'JDK' : undefined),
      jvmVariant: rel.get('JVM_VARIANT'),
      libc: rel.get('LIBC'),
      sourceRepo: repo,
      installDir: posix.dirname(path),
    }),
    paths: [path],
  };
}

export const javaJvmCataloger: Cataloger = {
  id: 'java-jvm-cataloger',
  version: 2,
  packageTypes: ['binary'],
  selector: { basenames: ['release'], globs: ['/**/bin/javac'] },
  maxFileSize: 256 * 1024,
  parse(file: CatalogFile): CatalogOutput {
    if (file.path.endsWith('/bin/javac')) {
      const out: CatalogOutput = { packages: [], relationships: [], ownership: [], unknowns: [] };
      javacMarkers.set(out, posix.dirname(posix.dirname(file.path)));
      return out;
    }
    const rel = parseReleaseFile(file.content.toString('utf8'));
    const pkg = jvmPackage(file.path, rel, false);
    if (!pkg) return EMPTY_OUTPUT;
    const out: CatalogOutput = { ...EMPTY_OUTPUT, packages: [pkg] };
    releaseFacts.set(out, { path: file.path, rel });
    return out;
  },
  finish(outputs: readonly CatalogOutput[]): CatalogOutput {
    const jdkDirs = new Set<string>();
    const releases = new Map<string, Map<string, string>>();
    for (const o of outputs) {
      const dir = javacMarkers.get(o);
      if (dir) jdkDirs.add(dir);
      const facts = releaseFacts.get(o);
      if (facts) releases.set(facts.path, facts.rel);
    }
    const merged = mergeOutputs(outputs);
    return {
      ...merged,
      packages: merged.packages.map((p) => {
        const path = p.paths[0] ?? '';
        const rel = releases.get(path);
        if (!rel || !jdkDirs.has(posix.dirname(path))) return p;
        return jvmPackage(path, rel, true) ?? p;
      }),
    };
  },
};
