import { posix } from 'node:path';
import { asArray, isRecord, nonEmpty, parseJson } from '../lang-common/parse.js';
import { guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';

/** Files one record lists, at most (a large conda package, e.g. a CUDA toolkit, lists tens of thousands). */
const MAX_FILES = 200_000;

/** `tar.bz2` or `conda`, the archive format the package was installed from (purl-spec's `type`). */
function archiveType(filename: string | null): string | null {
  if (filename === null) return null;
  if (filename.endsWith('.tar.bz2')) return 'tar.bz2';
  return filename.endsWith('.conda') ? 'conda' : null;
}

/** `conda-forge` from `https://conda.anaconda.org/conda-forge/` (purl-spec's `channel`); other channels as given. */
function channelName(channel: string | null): string | null {
  if (channel === null) return null;
  const match = /^https?:\/\/conda\.anaconda\.org\/([^/]+)\/?$/.exec(channel);
  return match?.[1] ?? channel;
}

/**
 * One `<prefix>/conda-meta/<name>-<version>-<build>.json`: a package conda, mamba or pixi installed
 * into the environment at `<prefix>` (`/opt/conda`, an env below `envs/`). Type `conda`, purl
 * `pkg:conda/name@v?build=…&channel=…&subdir=…&type=…` (purl-spec; Syft writes none). Its files,
 * listed relative to the prefix, are recorded as the package's own.
 */
export function parseCondaMeta(path: string, content: Buffer): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value)) return unknownOutput(path, 'conda-meta record is not a JSON object');
  const meta = parsed.value;
  const name = nonEmpty(meta['name']);
  const version = nonEmpty(meta['version']);
  // conda-meta also holds `history` and the pinned file; a JSON file that names no package is not a record.
  if (name === null || version === null) return output([]);
  const prefix = posix.dirname(posix.dirname(path));
  const build = nonEmpty(meta['build']);
  const subdir = nonEmpty(meta['subdir']);
  const filename = nonEmpty(meta['fn']);
  const channel = channelName(nonEmpty(meta['channel']));
  const qualifiers: Record<string, string> = {};
  if (build !== null) qualifiers['build'] = build;
  if (channel !== null) qualifiers['channel'] = channel;
  if (subdir !== null) qualifiers['subdir'] = subdir;
  const type = archiveType(filename);
  if (type !== null) qualifiers['type'] = type;
  const listed = asArray(meta['files']).filter((f): f is string => typeof f === 'string' && f !== '' && !f.startsWith('/') && !f.split('/').includes('..'));
  const files = listed.slice(0, MAX_FILES).map((f) => posix.join(prefix, f));
  const license = nonEmpty(meta['license']);
  const unknowns = listed.length > MAX_FILES ? [{ path, reason: `${listed.length - MAX_FILES} file(s) past the limit of ${MAX_FILES} per record were not recorded as the package's` }] : [];
  return output(
    [
      languagePackage({
        ref: `${path}#${name}@${version}`,
        name,
        version,
        type: 'conda',
        purl: purl('conda', null, name, version, qualifiers),
        licenses: license === null ? [] : [license],
        evidence: 'installed',
        source: 'conda-meta',
        fields: { build, channel: nonEmpty(meta['channel']), subdir, filename, url: nonEmpty(meta['url']), sha256: nonEmpty(meta['sha256']), prefix, requestedSpec: nonEmpty(meta['requested_spec']) },
        paths: [path],
        ...(files.length > 0 ? { files } : {}),
      }),
    ],
    [],
    unknowns,
  );
}

export const condaMetaCataloger: Cataloger = {
  id: 'conda-meta-cataloger',
  version: 1,
  packageTypes: ['conda'],
  selector: { globs: ['**/conda-meta/*.json'] },
  // A record lists every file of its package, with a hash per file: the largest (CUDA toolkits)
  // reach ~20 MB; parsed, a record takes several times its size, so no more than other lockfiles.
  maxFileSize: 32 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseCondaMeta(file.path, file.content)),
};
