import { purl } from '../lang-common/output.js';

/**
 * A Conan reference, `name/version[@user[/channel]][#recipe_revision][:package_id[#package_revision]][%timestamp]`,
 * split the way Conan's own `RecipeReference.loads` (and Syft) split it: the timestamp, the package
 * id and the revision are cut off first, then name and version before the `@`.
 */
export interface ConanRef {
  readonly name: string;
  readonly version: string;
  /** Empty when the reference has no `@user/channel` (or Conan's `_` placeholder). */
  readonly user: string;
  readonly channel: string;
  readonly recipeRevision: string;
  readonly packageId: string;
  readonly packageRevision: string;
  readonly timestamp: string;
}

/** `[text before sep, text after sep]`, or `[text, '']` when `sep` does not occur. */
function cut(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** Conan writes `_` for a user or channel that is not set (`pkg/1.0@_/_` is `pkg/1.0`). */
const unset = (part: string): string => (part === '_' ? '' : part);

/** The parts of a reference, or null when it names no package and version (a consumer, `conanfile.txt`). */
export function parseConanRef(text: string): ConanRef | null {
  const [beforeTimestamp, timestamp] = cut(text.trim(), '%');
  const [beforePackage, packagePart] = cut(beforeTimestamp, ':');
  const [packageId, packageRevision] = cut(packagePart, '#');
  const [reference, recipeRevision] = cut(beforePackage, '#');
  const [nameVersion, userChannel] = cut(reference, '@');
  const fields = nameVersion.split('/', 3);
  const name = fields[0]?.trim() ?? '';
  const version = fields[1]?.trim() ?? '';
  if (name === '' || version === '') return null;
  // Syft (and the purl spec, which needs a channel with a user) keep the user only with a channel.
  const pair = userChannel.split('/');
  const both = pair.length === 2 && unset(pair[0] ?? '') !== '' && unset(pair[1] ?? '') !== '';
  return {
    name,
    version,
    user: both ? (pair[0] ?? '') : '',
    channel: both ? (pair[1] ?? '') : '',
    recipeRevision,
    packageId,
    packageRevision,
    timestamp,
  };
}

/** A version range (`[>1.0 <2.0]`, `[~1.2]`) is a constraint, not a version. */
export function isVersionRange(version: string): boolean {
  return version.startsWith('[');
}

/** `pkg:conan/name@version`, with `user/` as namespace and `?channel=` when the reference has both (Syft's form). */
export function conanPurl(ref: ConanRef): string | null {
  if (ref.user !== '' && ref.channel !== '') return purl('conan', ref.user, ref.name, ref.version, { channel: ref.channel });
  return purl('conan', null, ref.name, ref.version);
}

/** Metadata fields a reference contributes. */
export function refFields(text: string, ref: ConanRef): Record<string, string> {
  return {
    ref: text.trim(),
    user: ref.user,
    channel: ref.channel,
    recipeRevision: ref.recipeRevision,
    packageId: ref.packageId,
    packageRevision: ref.packageRevision,
    timestamp: ref.timestamp,
  };
}
