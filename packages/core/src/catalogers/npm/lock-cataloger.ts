import { asRecord, isRecord, parseJson } from '../lang-common/parse.js';
import { basename, dirname, guarded, mergeAll, MiB, output, markDevOnly } from '../lang-common/output.js';
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

/**
 * Directories where Node modules are installed: `node_modules` trees, and the distributions'
 * own module directories (Debian and Ubuntu install `node-*` packages under /usr/share/nodejs and
 * /usr/lib/nodejs, multi-arch ones under /usr/lib/<triplet>/nodejs).
 */
const MODULE_TREE = /(?:\/node_modules\/|^\/usr\/(?:share|lib(?:\/[^/]+)?)\/nodejs\/)/;

/**
 * A lockfile inside an installed module (Debian ships upstream's `npm-shrinkwrap.json` in
 * /usr/share/nodejs/<module>/, npm publishes some with theirs) records how that module was
 * developed, not what is installed: the installed tree itself (`package.json` files) is the
 * evidence. Lockfiles count only at an application root, outside every module tree.
 */
export function isInsideModuleTree(path: string): boolean {
  return MODULE_TREE.test(path);
}

/** Mark dev-only yarn packages where the project's package.json sits beside the yarn.lock. */
function finishLocks(outputs: readonly CatalogOutput[]): CatalogOutput {
  const manifests = new Map<string, ProjectManifest>();
  for (const out of outputs) if ('projectManifest' in out) manifests.set((out as ManifestOutput).projectManifest.dir, (out as ManifestOutput).projectManifest);
  const adjusted = outputs.map((out): CatalogOutput => {
    if (!('yarnIndex' in out)) return out;
    const index = (out as YarnOutput).yarnIndex;
    const manifest = manifests.get(index.dir);
    if (!manifest) return out;
    const descriptors = new Map(Object.entries(index.descriptors));
    const roots = (deps: Readonly<Record<string, string>>): string[] => Object.entries(deps).flatMap(([name, range]) => lookupDescriptor(descriptors, name, range) ?? []);
    const marked = markDevOnly(out.packages, out.relationships, roots(manifest.prod), roots(manifest.dev));
    return { ...out, packages: marked.packages, relationships: marked.relationships };
  });
  return mergeAll(adjusted);
}

export const javascriptLockCataloger: Cataloger = {
  id: 'javascript-lock-cataloger',
  version: 3,
  packageTypes: ['npm'],
  selector: { basenames: Object.keys(PARSERS) },
  maxFileSize: 32 * MiB,
  parse(file: CatalogFile) {
    const parser = PARSERS[basename(file.path)];
    if (isInsideModuleTree(file.path)) return output([]);
    return parser ? guarded(file.path, () => parser(file.path, file.content)) : output([]);
  },
  finish: finishLocks,
};
