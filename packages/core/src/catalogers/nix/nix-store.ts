import { EntryBudget, guarded, languageMetadata, MiB, output, purl } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, CatalogUnknown, Cataloger } from '../types.js';

/*
 * The Nix store: every package output is a folder `/nix/store/<hash>-<name>-<version>[-<output>]`
 * (nixos/nix, nix2container and dockerTools images). The folders are the evidence, so this
 * cataloger selects the files under them by path only — their content is never read — and joins
 * them per store path. A derivation (`<hash>-<name>.drv`, ATerm text) names the outputs it builds;
 * where one is present its path is kept with the outputs it built. Store paths are split into
 * name, version and output as Syft does (the left-most version-like part after a hyphen; a
 * trailing part without digits is the output), and a store path with no version is not a package
 * (sources, hooks, generated configuration).
 */

const MAX_FILES_PER_LAYER = 2_000_000;
/** Nix caps store path names at 211 characters; anything longer is not a store path. */
const MAX_STORE_NAME = 256;

const UNSTABLE_VERSION = /-(unstable-\d{4}-\d{2}-\d{2})$/;
// Syft's "version-ish" pattern: major, optional .minor and up to three .patch parts, then pre-release parts and build metadata.
const VERSION_ISH = /-((?:[0-9][a-zA-Z0-9]*)(?:\.[0-9][a-zA-Z0-9]*)?(?:\.(?:0|[1-9][a-zA-Z0-9]*)){0,3}(?:-(\d*[.a-zA-Z-][.0-9a-zA-Z-]*))*(?:\+[.0-9a-zA-Z-]+(?:\.[.0-9a-zA-Z-]+)*)?)/;

export interface NixStorePath {
  readonly outputHash: string;
  readonly name: string;
  readonly version: string;
  /** The output (`bin`, `dev`, `lib`…); empty for the default output. */
  readonly output: string;
}

/** `h0cnbm…-glibc-2.34-210-bin` → glibc, 2.34-210, output bin; null for derivations and unversioned paths. */
export function parseStorePathName(base: string): NixStorePath | null {
  if (base.endsWith('.drv') || base.length > MAX_STORE_NAME) return null;
  let start: number;
  let versionIsh: string;
  let prerelease = '';
  const unstable = UNSTABLE_VERSION.exec(base);
  if (unstable !== null) {
    start = unstable.index + 1;
    versionIsh = unstable[1] ?? '';
  } else {
    const match = VERSION_ISH.exec(base);
    if (match === null) return null;
    start = match.index + 1;
    versionIsh = match[1] ?? '';
    prerelease = match[2] ?? '';
  }
  const hashAndName = base.slice(0, start - 1).split('-');
  if (hashAndName.length < 2) return null;
  const outputHash = hashAndName[0] ?? '';
  const name = hashAndName.slice(1).join('-');
  const lastPart = prerelease.split('-').pop() ?? '';
  if (lastPart !== '' && !/\d/.test(lastPart)) return { outputHash, name, version: versionIsh.slice(0, -(lastPart.length + 1)), output: lastPart };
  return { outputHash, name, version: versionIsh, output: '' };
}

/** Output name → output store path, from the first list of an ATerm derivation: `Derive([("out","/nix/store/…","",""),…],…)`. */
export function derivationOutputs(text: string): Map<string, string> {
  const outputs = new Map<string, string>();
  if (!text.startsWith('Derive([')) return outputs;
  const end = text.indexOf(')],', 8);
  const list = text.slice(8, end < 0 ? Math.min(text.length, 64 * 1024) : end);
  for (const tuple of list.matchAll(/\("([^"]{1,64})","([^"]{1,1024})"/g)) outputs.set(tuple[1] ?? '', tuple[2] ?? '');
  return outputs;
}

/** Where a path's store entry ends: `/a/nix/store/<entry>/rest` → `/a/nix/store/<entry>`; null outside a store. */
function storeEntryOf(path: string): string | null {
  const at = path.indexOf('/nix/store/');
  if (at < 0) return null;
  const from = at + '/nix/store/'.length;
  const slash = path.indexOf('/', from);
  return slash < 0 ? null : path.slice(0, slash);
}

type Part = { readonly kind: 'file'; readonly entry: string; readonly path: string } | { readonly kind: 'drv'; readonly path: string; readonly outputs: Map<string, string> };
const parts = new WeakMap<CatalogOutput, Part>();

function parsePart(file: CatalogFile): CatalogOutput {
  const out = output([]);
  if (file.path.endsWith('.drv') && storeEntryOf(file.path) === null) {
    const outputs = derivationOutputs(decodeText(file.content));
    if (outputs.size === 0) return output([], [], [{ path: file.path, reason: 'Nix derivation not read: not an ATerm Derive(...) with outputs' }]);
    parts.set(out, { kind: 'drv', path: file.path, outputs });
    return out;
  }
  const entry = storeEntryOf(file.path);
  if (entry !== null) parts.set(out, { kind: 'file', entry, path: file.path });
  return out;
}

const baseOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function joinStorePaths(outputs: readonly CatalogOutput[]): CatalogOutput {
  const filesByEntry = new Map<string, string[]>();
  const derivationOf = new Map<string, { drv: string; output: string }>();
  const unknowns: CatalogUnknown[] = [];
  const budget = new EntryBudget(MAX_FILES_PER_LAYER, 'Nix store files');
  for (const out of outputs) {
    unknowns.push(...out.unknowns);
    const part = parts.get(out);
    if (part === undefined) continue;
    if (part.kind === 'drv') {
      for (const [name, storePath] of part.outputs) derivationOf.set(baseOf(storePath), { drv: baseOf(part.path), output: name });
      continue;
    }
    let files = filesByEntry.get(part.entry);
    if (files === undefined) filesByEntry.set(part.entry, (files = []));
    if (budget.take()) files.push(part.path);
  }
  const packages: CatalogedPackage[] = [];
  for (const [entry, files] of filesByEntry) {
    const parsed = parseStorePathName(baseOf(entry));
    if (parsed === null || parsed.version === '') continue;
    const derivation = derivationOf.get(baseOf(entry));
    const qualifiers: Record<string, string> = { outputhash: parsed.outputHash };
    if (parsed.output !== '') qualifiers['output'] = parsed.output;
    if (derivation !== undefined) qualifiers['drvpath'] = derivation.drv;
    packages.push({
      ref: entry,
      name: parsed.name,
      version: parsed.version,
      type: 'nix',
      purl: purl('nix', null, parsed.name, parsed.version, qualifiers),
      licenses: [],
      evidence: 'installed',
      source: null,
      metadata: languageMetadata('nix-store', { storePath: entry, outputHash: parsed.outputHash, output: parsed.output, derivation: derivation?.drv }),
      paths: [entry],
      files: files.sort(),
    });
  }
  return output(packages, [], [...unknowns, ...budget.unknowns('/nix/store')]);
}

export const nixStoreCataloger: Cataloger = {
  id: 'nix-store-cataloger',
  version: 1,
  packageTypes: ['nix'],
  selector: { globs: ['**/nix/store/*/**', '**/nix/store/*.drv'] },
  maxFileSize: 16 * MiB,
  readsContent: (path) => path.endsWith('.drv') && storeEntryOf(path) === null,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePart(file)),
  finish: (outputs) => joinStorePaths(outputs),
};
