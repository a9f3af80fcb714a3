import { purlText } from '../../util/package-url.js';
import { z } from 'zod';
import type { LanguagePackageEntry } from '@sekisho/model';
import { EMPTY_OUTPUT } from '../types.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, CatalogedRelationship, Cataloger } from '../types.js';
import type * as SmolToml from 'smol-toml';
import { lazyModule } from '../../util/lazy-module.js';
import { PARSE_ONCE } from '../../util/parse-once.js';

const smolToml = lazyModule<typeof SmolToml>('smol-toml');

export function rustMetadata(source: string, fields: Record<string, string | undefined>): LanguagePackageEntry {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(fields).sort()) {
    const v = fields[key];
    if (v !== undefined && v !== '') sorted[key] = v;
  }
  return { type: 'language-package', source, fields: sorted };
}

const CRATES_IO = /^(?:registry|sparse)\+https:\/\/(?:github\.com\/rust-lang\/crates\.io-index|index\.crates\.io\/?)$/;

/**
 * `pkg:cargo/<name>@<version>` for crates.io; another registry adds `repository_url`, a git
 * source `vcs_url` (purl-spec types: cargo). A path dependency (no source) is local code with no
 * registry identity: no purl.
 */
export function cargoPurl(name: string, version: string, source: string | undefined): string | null {
  if (!source || source === 'local') return null;
  let qualifiers: Record<string, string> | null = null;
  if (source.startsWith('git+')) qualifiers = { vcs_url: source };
  else if (!CRATES_IO.test(source) && source !== 'crates.io' && source !== 'registry') qualifiers = { repository_url: source.replace(/^(?:registry|sparse)\+/, '') };
  try {
    return purlText('cargo', null, name, version, qualifiers, null);
  } catch {
    return null;
  }
}

const LockSchema = z.object({
  package: z
    .array(
      z.object({
        name: z.string().min(1),
        version: z.string(),
        source: z.string().optional(),
        checksum: z.string().optional(),
        dependencies: z.array(z.string()).optional(),
      }),
    )
    .max(100_000)
    .optional(),
});

/** Cargo.lock (lockfile versions 1–4): packages, and dependency edges resolved by name, version and source. */
export function parseCargoLock(text: string, path: string): CatalogOutput {
  let doc: unknown;
  try {
    doc = smolToml().parse(text);
  } catch (err) {
    return { ...EMPTY_OUTPUT, unknowns: [{ path, reason: `Cargo.lock: invalid TOML: ${(err as Error).message.split('\n')[0] ?? ''}` }] };
  }
  const lock = LockSchema.safeParse(doc, PARSE_ONCE);
  if (!lock.success) return { ...EMPTY_OUTPUT, unknowns: [{ path, reason: `Cargo.lock: unexpected structure: ${lock.error.issues[0]?.message ?? ''}` }] };
  const entries = lock.data.package ?? [];
  const packages: CatalogedPackage[] = entries.map((p, i) => ({
    ref: `${path}#${i}`,
    name: p.name,
    version: p.version,
    type: 'cargo',
    purl: cargoPurl(p.name, p.version, p.source),
    licenses: [],
    evidence: 'declared',
    source: null,
    metadata: rustMetadata('Cargo.lock', { source: p.source, checksum: p.checksum }),
    paths: [path],
  }));
  // A dependency is `name`, `name version` or `name version (source)`; the shortest form is unambiguous in the lockfile.
  const relationships: CatalogedRelationship[] = [];
  entries.forEach((p, i) => {
    for (const dep of p.dependencies ?? []) {
      const m = /^(\S+)(?: (\S+))?(?: \((.+)\))?$/.exec(dep);
      if (!m) continue;
      const target = entries.findIndex((q) => q.name === m[1] && (m[2] === undefined || q.version === m[2]) && (m[3] === undefined || q.source === m[3]));
      if (target >= 0) relationships.push({ fromRef: `${path}#${i}`, toRef: `${path}#${target}`, type: 'depends-on' });
    }
  });
  return { packages, relationships, ownership: [], unknowns: [] };
}

export const rustCargoLockCataloger: Cataloger = {
  id: 'rust-cargo-lock-cataloger',
  version: 1,
  packageTypes: ['cargo'],
  selector: { basenames: ['Cargo.lock'] },
  maxFileSize: 32 * 1024 * 1024,
  parse: (file: CatalogFile) => parseCargoLock(file.content.toString('utf8'), file.path),
};
