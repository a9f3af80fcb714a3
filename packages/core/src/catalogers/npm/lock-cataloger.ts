import { asRecord, isRecord, parseJson } from '../lang-common/parse.js';
import { basename, dirname, guarded, mergeAll, MiB, output, pruneDevOnly } from '../lang-common/output.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { parseBunLock } from './bun-lock.js';
import { parseDenoLock } from './deno-lock.js';
import { parsePackageLock } from './package-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { lookupDescriptor, parseYarnLockFile } from './yarn-lock.js';
import { unknownOutput } from '../lang-common/output.js';

/** A project package.json beside a yarn.lock: its dependency maps decide which packages are dev-only. */
interface ProjectManifest {
  readonly dir: string;
  readonly prod: Readonly<Record<string, string>>;
  readonly dev: Readonly<Record<string, string>>;
}

interface YarnIndex {
  readonly dir: string;
  /** `name@range` → ref, as a plain record so outputs stay structured-clone and JSON friendly. */
  readonly descriptors: Readonly<Record<string, string>>;
}

interface ManifestOutput extends CatalogOutput {
  readonly projectManifest: ProjectManifest;
}
interface YarnOutput extends CatalogOutput {
  readonly yarnIndex: YarnIndex;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  // Every entry: a cut prod map would let padding make a prod dependency look dev-only (and pruned).
  for (const [k, v] of Object.entries(asRecord(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

function parseProjectManifest(path: string, content: Buffer): CatalogOutput {
  if (path.includes('/node_modules/')) return output([]);
  const parsed = parseJson(content);
  // A broken package.json is reported by javascript-package-cataloger; here it only loses dev pruning.
  if (!parsed.ok || !isRecord(parsed.value)) return output([]);
  const doc = parsed.value;
  const manifest: ProjectManifest = {
    dir: dirname(path),
    prod: { ...stringMap(doc['dependencies']), ...stringMap(doc['optionalDependencies']), ...stringMap(doc['peerDependencies']) },
    dev: stringMap(doc['devDependencies']),
  };
  const out: ManifestOutput = { ...output([]), projectManifest: manifest };
  return out;
}

function parseYarn(path: string, content: Buffer): CatalogOutput {
  const result = parseYarnLockFile(path, content);
  if ('reason' in result) return unknownOutput(path, result.reason);
  const out: YarnOutput = {
    ...output(result.packages, result.relationships, result.unknowns),
    yarnIndex: { dir: dirname(path), descriptors: Object.fromEntries(result.descriptors) },
  };
  return out;
}

const PARSERS: Readonly<Record<string, (path: string, content: Buffer) => CatalogOutput>> = {
  'package-lock.json': parsePackageLock,
  'npm-shrinkwrap.json': parsePackageLock,
  'yarn.lock': parseYarn,
  'pnpm-lock.yaml': parsePnpmLock,
  'bun.lock': parseBunLock,
  'deno.lock': parseDenoLock,
  'package.json': parseProjectManifest,
};

/** Drop dev-only yarn packages where the project's package.json sits beside the yarn.lock. */
function finishLocks(outputs: readonly CatalogOutput[]): CatalogOutput {
  const manifests = new Map<string, ProjectManifest>();
  for (const out of outputs) if ('projectManifest' in out) manifests.set((out as ManifestOutput).projectManifest.dir, (out as ManifestOutput).projectManifest);
  const adjusted = outputs.map((out): CatalogOutput => {
    if (!('yarnIndex' in out)) return out;
    const index = (out as YarnOutput).yarnIndex;
    const manifest = manifests.get(index.dir);
    if (!manifest) return out;
    const descriptors = new Map(Object.entries(index.descriptors));
    const roots = (deps: Readonly<Record<string, string>>): string[] =>
      Object.entries(deps).flatMap(([name, range]) => lookupDescriptor(descriptors, name, range) ?? []);
    const pruned = pruneDevOnly(out.packages, out.relationships, roots(manifest.prod), roots(manifest.dev));
    return { ...out, packages: pruned.packages, relationships: pruned.relationships };
  });
  return mergeAll(adjusted);
}

export const javascriptLockCataloger: Cataloger = {
  id: 'javascript-lock-cataloger',
  version: 2,
  packageTypes: ['npm'],
  selector: { basenames: Object.keys(PARSERS) },
  maxFileSize: 32 * MiB,
  parse(file: CatalogFile) {
    const parser = PARSERS[basename(file.path)];
    return parser ? guarded(file.path, () => parser(file.path, file.content)) : output([]);
  },
  finish: finishLocks,
};
