import { getVersionScheme } from '../../../versioning/index.js';
import type { Advisory } from '../../types.js';
import { errorMessage, type FeedContext, type FeedFile, type FeedImporter, type FeedItem } from '../types.js';
import { lazyModule } from '../../../util/lazy-module.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

/**
 * Alpine, Wolfi and Chainguard secdb (https://secdb.alpinelinux.org/, JSON; the older
 * alpine-secdb repository, YAML): `{ distroversion, reponame, urlprefix, packages: [{ pkg: { name,
 * secfixes: { "<fixed version>": ["CVE-…", "CVE-… XSA-…"] } } }] }`. The package names are
 * origin (source) packages. A fixed version `0` lists CVEs that never affected the package.
 * One advisory per (release, package, CVE).
 */
export const MAX_SECDB_BYTES = 256 * 1024 * 1024;
const apk = getVersionScheme('apk');

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The namespace and source id of a secdb document. */
export function secdbNamespace(doc: Json): { namespace: string; source: string } | null {
  const url = typeof doc['urlprefix'] === 'string' ? doc['urlprefix'] : '';
  if (url.includes('wolfi.dev')) return { namespace: 'wolfi:rolling', source: 'wolfi-secdb' };
  if (url.includes('cgr.dev') || url.includes('chainguard')) return { namespace: 'chainguard:rolling', source: 'chainguard-secdb' };
  const version = doc['distroversion'];
  if (typeof version !== 'string' || !/^v?\d+\.\d+$|^edge$/.test(version)) return null;
  return { namespace: `alpine:${version.replace(/^v/, '')}`, source: 'alpine-secdb' };
}

export function* secdbAdvisories(doc: unknown, where: string, context: FeedContext): Generator<FeedItem> {
  if (!isObject(doc)) throw new Error('not a secdb document');
  const target = secdbNamespace(doc);
  if (target === null) throw new Error('no recognizable distroversion or urlprefix');
  const raw = doc['packages'];
  const packages = raw === undefined || raw === null || raw === '' ? [] : raw; // an empty `packages:`
  if (!Array.isArray(packages)) throw new Error('packages is not a list');
  const { namespace, source } = target;
  for (const [i, entry] of packages.entries()) {
    const pkg = isObject(entry) ? entry['pkg'] : undefined;
    const name = isObject(pkg) ? pkg['name'] : undefined;
    const secfixes = isObject(pkg) ? pkg['secfixes'] : undefined;
    if (typeof name !== 'string' || name === '' || !isObject(secfixes)) {
      context.skip(source, `${where}: packages[${i}]`, 'no pkg.name or pkg.secfixes');
      continue;
    }
    // CVE → fixed versions (a CVE may be listed under more than one version; the lowest fixes it).
    const byCve = new Map<string, { fixed: string[]; aliases: Set<string> }>();
    for (const [version, ids] of Object.entries(secfixes)) {
      if (!Array.isArray(ids)) {
        context.skip(source, `${where}: ${name} ${version}`, 'secfixes entry is not a list');
        continue;
      }
      for (const raw of ids) {
        if (typeof raw !== 'string' && typeof raw !== 'number') continue;
        const tokens = String(raw)
          .trim()
          .split(/\s+/)
          .filter((t) => t !== '');
        const id = tokens[0];
        if (id === undefined) continue;
        let item = byCve.get(id);
        if (item === undefined) byCve.set(id, (item = { fixed: [], aliases: new Set() }));
        item.fixed.push(version);
        for (const alias of tokens.slice(1)) item.aliases.add(alias);
      }
    }
    for (const [id, { fixed, aliases }] of byCve) {
      const notAffected = fixed.includes('0');
      const sorted = fixed.filter((v) => v !== '0').sort((a, b) => apk.compare(a, b));
      const first = sorted[0];
      const advisory: Advisory = {
        id,
        aliases: [...aliases],
        summary: '',
        details: '',
        published: null,
        modified: null,
        withdrawn: null,
        severity: [],
        references: [],
        affected: [
          {
            namespace,
            packageName: name,
            ranges: notAffected || first === undefined ? [] : [{ scheme: 'apk', events: [{ introduced: '0' }, { fixed: first }] }],
            versions: [],
            fixedVersions: notAffected ? [] : sorted,
            status: notAffected ? 'not-affected' : 'fixed',
            vendorSeverity: null,
          },
        ],
        source,
      };
      yield { kind: 'advisory', advisory };
    }
  }
}

async function readDoc(file: FeedFile): Promise<unknown> {
  const text = await file.text(MAX_SECDB_BYTES);
  return /\.ya?ml$/i.test(file.relative) ? yaml().parse(text, { maxAliasCount: 100, schema: 'failsafe', prettyErrors: false, logLevel: 'error' }) : JSON.parse(text);
}

export const alpineSecdbImporter: FeedImporter = {
  id: 'alpine-secdb',
  version: 1,
  detect(file) {
    if (/\.ya?ml$/i.test(file.relative)) return /^distroversion:/m.test(file.head) && /^packages:/m.test(file.head);
    if (/\.json(\.gz)?$/i.test(file.relative)) return /"(distroversion|apkurl)"\s*:/.test(file.head) && /"packages"\s*:/.test(file.head);
    return false;
  },
  async *parse(file, context) {
    let doc: unknown;
    try {
      doc = await readDoc(file);
    } catch (error) {
      context.skip('alpine-secdb', file.relative, errorMessage(error));
      return;
    }
    try {
      yield* secdbAdvisories(doc, file.relative, context);
    } catch (error) {
      context.skip('alpine-secdb', file.relative, errorMessage(error));
    }
  },
};
