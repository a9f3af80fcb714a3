import type { PackageType } from '@sekisho/model';
import { purlText } from '../../util/package-url.js';
import { languagePackage } from '../lang-common/output.js';
import type { CatalogedPackage } from '../types.js';

/**
 * A `uses:` statement of a workflow step, a composite action step or a job (reusable workflow
 * call), with the version comment written after it (`uses: actions/checkout@<sha> # v4.2.2`).
 */
export interface UseStatement {
  readonly value: string;
  /** The comment on the statement's line (or just before its value), without interpretation. */
  readonly rawComment: string | null;
}

/** A use statement read as Syft reads it: name, version, and the version its comment names. */
export interface ParsedUse {
  readonly name: string;
  readonly version: string;
  /** The first version-like token of the comment (`v4.2.2`, `4`), or '' when it names none. */
  readonly comment: string;
  readonly type: PackageType;
}

/** The first version-like token of a comment: what Syft keeps as the statement's comment. */
const COMMENT_VERSION = /v?\d+(?:\.\d+)*/;
/** A ref that is a commit SHA (full or abbreviated): its comment, when it names a version, says which. */
const COMMIT_REF = /^[0-9a-f]{7,}$/;
/** `algorithm:hex` of an image digest (`sha256:527e…`). */
const IMAGE_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-f]{32,}$/i;
/** Longer statements are no action reference; they are not read (bounds the regexes' work). */
export const MAX_USE_LENGTH = 2048;

export function commentVersion(rawComment: string | null): string {
  if (rawComment === null) return '';
  return COMMENT_VERSION.exec(rawComment.slice(0, MAX_USE_LENGTH))?.[0] ?? '';
}

/**
 * `owner/repo@ref`, `owner/repo/path@ref`, `./local/path`, `docker://image[:tag][@digest]`: the
 * name is everything before the `@`, the version everything after (none without one). A statement
 * with more than one `@` names nothing (null). A commit-SHA ref with a version comment takes the
 * comment's version, as Syft does. A name that contains `.github/workflows/` is a reusable
 * workflow (`github-action-workflow`), anything else an action (`github-action`).
 */
export function parseUse(use: UseStatement): ParsedUse | null {
  const fields = use.value.split('@');
  if (fields.length > 2) return null;
  const name = fields[0] ?? '';
  const ref = fields[1] ?? '';
  if (name === '') return null;
  const comment = commentVersion(use.rawComment);
  const version = comment !== '' && COMMIT_REF.test(ref) ? comment : ref;
  const type: PackageType = name.includes('.github/workflows/') ? 'github-action-workflow' : 'github-action';
  return { name, version, comment, type };
}

function purlOrNull(...parts: Parameters<typeof purlText>): string | null {
  try {
    return purlText(...parts);
  } catch {
    return null;
  }
}

/**
 * `pkg:github/owner/repo@version`, with the path inside the repository as the purl subpath
 * (`pkg:github/actions/cache@v3#restore`, `pkg:github/octo-org/this-repo@<sha>#.github/workflows/workflow-1.yml`).
 * A local action or workflow (`./…`) and a name without an owner have none, nor has a name built
 * from an expression (`${{ matrix.action }}`): no repository is known.
 */
export function githubPurl(name: string, version: string): string | null {
  if (name.includes('${{')) return null;
  const slash = name.indexOf('/');
  if (slash <= 0) return null;
  const namespace = name.slice(0, slash);
  if (namespace === '.' || namespace === '..') return null;
  const rest = name.slice(slash + 1);
  const next = rest.indexOf('/');
  const repo = next < 0 ? rest : rest.slice(0, next);
  const subpath = next < 0 ? undefined : rest.slice(next + 1);
  if (repo === '') return null;
  return purlOrNull('github', namespace, repo, version === '' ? undefined : version, undefined, subpath === '' ? undefined : subpath);
}

/**
 * A `docker://` step runs a container image, not a repository: `pkg:oci/<image>` with the digest
 * as version, the registry and path as `repository_url` and the tag as `tag`
 * (`docker://ghcr.io/sethvargo/ratchet:latest@sha256:…` → `pkg:oci/ratchet@sha256:…?repository_url=ghcr.io/sethvargo&tag=latest`).
 * An image with neither tag nor digest has no identifying token and no purl.
 */
export function dockerPurl(name: string, version: string): string | null {
  const image = name.slice('docker://'.length);
  const slash = image.lastIndexOf('/');
  const repository = slash < 0 ? '' : image.slice(0, slash);
  const last = slash < 0 ? image : image.slice(slash + 1);
  const colon = last.indexOf(':');
  const imageName = colon < 0 ? last : last.slice(0, colon);
  const tag = colon < 0 ? '' : last.slice(colon + 1);
  const digest = IMAGE_DIGEST.test(version) ? version : '';
  if (imageName === '' || (tag === '' && digest === '')) return null;
  const qualifiers: Record<string, string> = {};
  if (repository !== '') qualifiers['repository_url'] = repository;
  if (tag !== '') qualifiers['tag'] = tag;
  return purlOrNull('oci', undefined, imageName, digest === '' ? undefined : digest, qualifiers, undefined);
}

export function usePurl(parsed: ParsedUse): string | null {
  return parsed.name.startsWith('docker://') ? dockerPurl(parsed.name, parsed.version) : githubPurl(parsed.name, parsed.version);
}

/** The package a use statement names; Syft's metadata (`value`, `comment`) kept as fields. */
export function usePackage(path: string, use: UseStatement, parsed: ParsedUse, source: string): CatalogedPackage {
  return languagePackage({
    ref: `${path}#${parsed.type}:${use.value}#${parsed.comment}`,
    name: parsed.name,
    version: parsed.version,
    type: parsed.type,
    purl: usePurl(parsed),
    evidence: 'declared',
    source,
    fields: { value: use.value, comment: parsed.comment },
    paths: [path],
  });
}
