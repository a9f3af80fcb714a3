import type { ScanTarget } from '@sekisho/model';
import picomatch from 'picomatch';
import { parseImageReference } from '../source/registry/reference.js';
import { compareText } from '@sekisho/model';

/** An image name in Docker's normalised form: `docker.io/library/nginx` and `docker.io/library/nginx:1.25`. */
export interface ImageName {
  readonly repository: string;
  /** With the tag (or digest) when the name has one; the repository otherwise. */
  readonly full: string;
}

/** What an environment is chosen for: an image's names, a workload's namespace and its labels. */
export interface PolicySubject {
  readonly images?: readonly string[];
  readonly namespace?: string;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

export function normaliseImageName(text: string): ImageName | null {
  try {
    const ref = parseImageReference(text);
    const repository = `${ref.registry}/${ref.repository}`;
    const full = ref.tag !== null ? `${repository}:${ref.tag}` : ref.digest !== null ? `${repository}@${ref.digest}` : repository;
    return { repository, full };
  } catch {
    return null;
  }
}

/** The registry names of a scanned image: its reference when it was pulled, and any repository tags it carries. */
export function imageNames(target: ScanTarget): ImageName[] {
  const texts = [...(target.sourceType === 'registry' ? [target.reference] : []), ...target.repoTags];
  const seen = new Map<string, ImageName>();
  for (const text of texts) {
    const name = normaliseImageName(text);
    if (name !== null) seen.set(name.full, name);
  }
  return [...seen.values()].sort((a, b) => compareText(a.full, b.full));
}

/** Whether any of `names` matches any glob, in its repository or full form. */
export function namesMatch(names: readonly ImageName[], globs: readonly string[]): boolean {
  const match = picomatch([...globs], { dot: true });
  return names.some((n) => match(n.repository) || match(n.full));
}

export function globsMatch(value: string, globs: readonly string[]): boolean {
  return picomatch.isMatch(value, [...globs], { dot: true });
}
