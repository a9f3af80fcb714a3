import { purlText } from '../../util/package-url.js';
import type { LanguagePackageEntry } from '@sekisho/model';
import { EMPTY_OUTPUT } from '../types.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, CatalogedRelationship, Cataloger } from '../types.js';
import { detectExeFormat } from '../binary/exe-format.js';
import { EXECUTABLE_SELECTOR } from '../binary/exe-selector.js';
import { readGoBuildInfo } from './buildinfo.js';
import type { GoBuildInfo, GoModule } from './buildinfo.js';

export function goMetadata(source: string, fields: Record<string, string | undefined>): LanguagePackageEntry {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(fields).sort()) {
    const v = fields[key];
    if (v !== undefined && v !== '') sorted[key] = v;
  }
  return { type: 'language-package', source, fields: sorted };
}

/** `pkg:golang/<module path>@<version>`; the module path's last element is the purl name. */
export function goPurl(modulePath: string, version: string): string | null {
  const slash = modulePath.lastIndexOf('/');
  const namespace = slash > 0 ? modulePath.slice(0, slash) : null;
  const name = slash > 0 ? modulePath.slice(slash + 1) : modulePath;
  if (!name) return null;
  try {
    return purlText('golang', namespace, name, version && version !== '(devel)' ? version : null, null, null);
  } catch {
    return null;
  }
}

/** `go1.22.5 X:boringcrypto` → `1.22.5`; `devel go1.23-abc …` → null (no released version). */
export function stdlibVersion(goVersion: string): string | null {
  const m = /^go(\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?)(?:\s|$)/.exec(goVersion);
  return m?.[1] ?? null;
}

const KEPT_SETTINGS = new Set(['GOOS', 'GOARCH', 'GOAMD64', 'CGO_ENABLED', '-buildmode', '-compiler', '-tags', 'vcs', 'vcs.revision', 'vcs.time', 'vcs.modified']);

/** Turn build info into packages: main module, dependencies (replacements applied), and the toolchain as `stdlib`. */
export function buildInfoToOutput(info: GoBuildInfo, path: string, catalogerSource = 'go-buildinfo'): CatalogOutput {
  const packages: CatalogedPackage[] = [];
  const relationships: CatalogedRelationship[] = [];
  const toolchain = info.goVersion.split(/\s/)[0] ?? info.goVersion;
  const settings: Record<string, string> = {};
  for (const [k, v] of info.settings) if (KEPT_SETTINGS.has(k)) settings[`build.${k}`] = v;

  const modulePackage = (m: GoModule, ref: string, isMain: boolean): CatalogedPackage => {
    // A replacement with a version is another module; a local directory replacement keeps the original name.
    const effective = m.replace && m.replace.version ? m.replace : m;
    return {
      ref,
      name: effective.path,
      version: effective.version,
      type: 'golang',
      purl: goPurl(effective.path, effective.version),
      licenses: [],
      evidence: 'binary',
      source: null,
      metadata: goMetadata(catalogerSource, {
        goToolchain: toolchain,
        h1Digest: effective.sum,
        mainModule: isMain ? 'true' : undefined,
        replaces: effective !== m ? `${m.path}@${m.version}` : undefined,
        replacedByLocalPath: m.replace && !m.replace.version ? m.replace.path : undefined,
        mainPackagePath: isMain ? info.path : undefined,
        ...(isMain ? settings : {}),
      }),
      paths: [path],
    };
  };

  const mainRef = info.main ? `${path}#main` : null;
  if (info.main) packages.push(modulePackage(info.main, `${path}#main`, true));
  info.deps.forEach((dep, i) => {
    const ref = `${path}#dep:${i}`;
    packages.push(modulePackage(dep, ref, false));
    if (mainRef) relationships.push({ fromRef: mainRef, toRef: ref, type: 'depends-on' });
  });
  const stdVersion = stdlibVersion(info.goVersion);
  if (stdVersion) {
    packages.push({
      ref: `${path}#stdlib`,
      name: 'stdlib',
      version: toolchain,
      type: 'golang',
      purl: purlText('golang', null, 'stdlib', stdVersion, null, null),
      // The toolchain is a named product (NVD golang:go): its CVEs apply to every binary it built.
      cpes: [`cpe:2.3:a:golang:go:${stdVersion}:*:*:*:*:*:*:*`],
      licenses: ['BSD-3-Clause'],
      evidence: 'binary',
      source: null,
      metadata: goMetadata(catalogerSource, { goToolchain: toolchain }),
      paths: [path],
    });
    if (mainRef) relationships.push({ fromRef: mainRef, toRef: `${path}#stdlib`, type: 'depends-on' });
  }
  return { packages, relationships, ownership: [], unknowns: [] };
}

/** Go module build info from executables (ELF, Mach-O, PE). */
export const goModuleBinaryCataloger: Cataloger = {
  id: 'go-module-binary-cataloger',
  version: 1,
  packageTypes: ['golang'],
  selector: EXECUTABLE_SELECTOR,
  maxFileSize: 512 * 1024 * 1024,
  parse(file: CatalogFile): CatalogOutput {
    if (detectExeFormat(file.content) === null) return EMPTY_OUTPUT;
    const result = readGoBuildInfo(file.content);
    switch (result.kind) {
      case 'absent':
        return EMPTY_OUTPUT;
      case 'corrupt':
        return { ...EMPTY_OUTPUT, unknowns: [{ path: file.path, reason: result.reason }] };
      case 'found':
        return buildInfoToOutput(result.info, file.path);
    }
  },
};
