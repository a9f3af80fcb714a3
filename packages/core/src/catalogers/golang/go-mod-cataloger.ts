import { posix } from 'node:path';
import { EMPTY_OUTPUT, mergeOutputs } from '../types.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, Cataloger } from '../types.js';
import { goMetadata, goPurl } from './binary-cataloger.js';
import { parseGoMod, parseGoSum } from './go-mod.js';

/** go.sum digests travel from `parse` to `finish` beside the (empty) output they belong to. */
const sums = new WeakMap<CatalogOutput, { dir: string; digests: Map<string, string> }>();

function withDigests(pkg: CatalogedPackage, digest: string | undefined): CatalogedPackage {
  if (!digest || pkg.metadata?.type !== 'language-package') return pkg;
  return { ...pkg, metadata: goMetadata(pkg.metadata.source, { ...pkg.metadata.fields, h1Digest: digest }) };
}

/** Modules a `go.mod` requires (declared evidence), with `go.sum` digests from the same folder. */
export const goModuleFileCataloger: Cataloger = {
  id: 'go-module-file-cataloger',
  version: 2,
  packageTypes: ['golang'],
  selector: { basenames: ['go.mod', 'go.sum'] },
  maxFileSize: 16 * 1024 * 1024,
  parse(file: CatalogFile): CatalogOutput {
    const text = file.content.toString('utf8');
    if (file.path.endsWith('/go.sum')) {
      const out: CatalogOutput = { packages: [], relationships: [], ownership: [], unknowns: [] };
      sums.set(out, { dir: posix.dirname(file.path), digests: parseGoSum(text) });
      return out;
    }
    const mod = parseGoMod(text);
    if ('error' in mod) return { ...EMPTY_OUTPUT, unknowns: [{ path: file.path, reason: `go.mod: ${mod.error}` }] };
    const packages = mod.requires.map((r, i): CatalogedPackage => {
      const effective = r.replace && r.replace.version ? r.replace : r;
      return {
        ref: `${file.path}#require:${i}`,
        name: effective.path,
        version: effective.version,
        type: 'golang',
        purl: goPurl(effective.path, effective.version),
        licenses: [],
        evidence: 'declared',
        source: null,
        metadata: goMetadata('go.mod', {
          indirect: r.indirect ? 'true' : undefined,
          replaces: effective !== r ? `${r.path}@${r.version}` : undefined,
          replacedByLocalPath: r.replace && !r.replace.version ? r.replace.path : undefined,
          requiredBy: mod.module || undefined,
        }),
        paths: [file.path],
      };
    });
    // `replace x => ../x`: the module is built from a local directory, which has no version. Syft
    // lists the directory as a package of its own (named by the path, empty version): so do we,
    // with an unknown saying it cannot be matched.
    const unknowns: CatalogOutput['unknowns'][number][] = [];
    mod.requires.forEach((r, i) => {
      if (!r.replace || r.replace.version || packages.some((p) => p.name === r.replace?.path)) return;
      packages.push({
        ref: `${file.path}#replace:${i}`,
        name: r.replace.path,
        version: '',
        type: 'golang',
        purl: null,
        licenses: [],
        evidence: 'declared',
        source: null,
        metadata: goMetadata('go.mod', { replaces: `${r.path}@${r.version}`, requiredBy: mod.module || undefined }),
        paths: [file.path],
      });
      unknowns.push({ path: file.path, reason: `${r.path} is replaced by the local directory ${r.replace.path}: no version, cannot be matched against advisories` });
    });
    return { packages, relationships: [], ownership: [], unknowns };
  },
  finish(outputs: readonly CatalogOutput[]): CatalogOutput {
    const byDir = new Map<string, Map<string, string>>();
    for (const o of outputs) {
      const s = sums.get(o);
      if (s) byDir.set(s.dir, s.digests);
    }
    const merged = mergeOutputs(outputs);
    if (byDir.size === 0) return merged;
    return {
      ...merged,
      packages: merged.packages.map((p) => withDigests(p, byDir.get(posix.dirname(p.paths[0] ?? ''))?.get(`${p.name}@${p.version}`))),
    };
  },
};
