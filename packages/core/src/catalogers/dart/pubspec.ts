import { asRecord, isRecord, nonEmpty, parseYaml } from '../lang-common/parse.js';
import { EntryBudget, guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogFile, CatalogOutput, Cataloger } from '../types.js';

const MAX_PACKAGES = 100_000;
/** pub.dev under its old and new names: packages from it need no `hosted_url`. */
const DEFAULT_HOSTS = new Set(['pub.dartlang.org', 'pub.dev']);

/** The host of a hosted package's repository when it is not pub.dev (the purl's `hosted_url`). */
function hostedUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const host = new URL(url).host;
    return DEFAULT_HOSTS.has(host) ? null : host;
  } catch {
    return url;
  }
}

/** `<url>@<resolved-ref>`, with `#<path>` for a package below the repository's root (the purl's `vcs_url`). */
function vcsUrl(description: Record<string, unknown>): string | null {
  const url = nonEmpty(description['url']);
  if (url === null) return null;
  const ref = nonEmpty(description['resolved-ref']) ?? nonEmpty(description['ref']) ?? '';
  const path = nonEmpty(description['path']);
  return `${url}@${ref}${path === null || path === '.' ? '' : `#${path}`}`;
}

function pubPurl(name: string, version: string, hosted: string | null, vcs: string | null): string | null {
  const qualifiers: Record<string, string> | undefined = hosted !== null ? { hosted_url: hosted } : vcs !== null ? { vcs_url: vcs } : undefined;
  return purl('pub', null, name, version, qualifiers);
}

/**
 * `pubspec.lock`, written by `dart pub get` and `flutter pub get`: every package resolved, with its
 * source (`hosted`, `git`, `path`, `sdk`) and version. A package from the SDK itself (`flutter`,
 * `sky_engine`) is listed at the placeholder 0.0.0: it is part of the SDK, not a package pub
 * resolved, and is left out, as Syft does when the lock file does not pin that SDK.
 */
export function parsePubspecLock(path: string, content: Buffer): CatalogOutput {
  const parsed = parseYaml(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value) || !isRecord(parsed.value['packages'])) return unknownOutput(path, 'pubspec.lock has no packages map');
  const budget = new EntryBudget(MAX_PACKAGES, 'package(s)');
  const packages: CatalogedPackage[] = [];
  let unversioned = 0;
  for (const name of Object.keys(parsed.value['packages']).sort()) {
    const entry = asRecord(parsed.value['packages'][name]);
    const source = nonEmpty(entry['source']);
    const version = nonEmpty(entry['version']);
    if (source === 'sdk' && (version === null || version === '0.0.0')) continue;
    if (version === null) {
      unversioned += 1;
      continue;
    }
    if (!budget.take()) continue;
    const description = asRecord(entry['description']);
    const hosted = source === 'hosted' ? hostedUrl(nonEmpty(description['url'])) : null;
    const vcs = source === 'git' ? vcsUrl(description) : null;
    packages.push(
      languagePackage({
        ref: `${path}#${name}@${version}`,
        name,
        version,
        type: 'pub',
        purl: pubPurl(name, version, hosted, vcs),
        evidence: 'declared',
        source: 'pubspec.lock',
        fields: { dependency: nonEmpty(entry['dependency']), source, hostedUrl: hosted, vcsUrl: vcs, sha256: nonEmpty(description['sha256']) },
        paths: [path],
      }),
    );
  }
  const unknowns = [...budget.unknowns(path), ...(unversioned === 0 ? [] : [{ path, reason: `${unversioned} package(s) without a version were not read` }])];
  return output(packages, [], unknowns);
}

/** `pubspec.yaml`: the Dart or Flutter package the folder holds, when it states a version. */
export function parsePubspec(path: string, content: Buffer): CatalogOutput {
  const parsed = parseYaml(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value)) return unknownOutput(path, 'pubspec is not a YAML map');
  const doc = parsed.value;
  const name = nonEmpty(doc['name']);
  const version = typeof doc['version'] === 'number' ? String(doc['version']) : nonEmpty(doc['version']);
  // An application that is never published often states no version: it names no package to match.
  if (name === null || version === null) return output([]);
  const environment = asRecord(doc['environment']);
  return output([
    languagePackage({
      ref: `${path}#${name}@${version}`,
      name,
      version,
      type: 'pub',
      purl: pubPurl(name, version, null, null),
      evidence: 'declared',
      source: 'pubspec.yaml',
      fields: {
        homepage: nonEmpty(doc['homepage']),
        repository: nonEmpty(doc['repository']),
        publishTo: nonEmpty(doc['publish_to']),
        sdk: nonEmpty(environment['sdk']),
        flutter: nonEmpty(environment['flutter']),
      },
      paths: [path],
    }),
  ]);
}

export const dartPubspecLockCataloger: Cataloger = {
  id: 'dart-pubspec-lock-cataloger',
  version: 1,
  packageTypes: ['pub'],
  selector: { basenames: ['pubspec.lock'] },
  maxFileSize: 16 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePubspecLock(file.path, file.content)),
};

export const dartPubspecCataloger: Cataloger = {
  id: 'dart-pubspec-cataloger',
  version: 1,
  packageTypes: ['pub'],
  selector: { basenames: ['pubspec.yaml', 'pubspec.yml'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePubspec(file.path, file.content)),
};
