// A second, independent PEP 440 ordering for the oracle test, written from the specification
// (https://peps.python.org/pep-0440/, Appendix B's regular expression) and pypa/packaging's
// comparison key (packaging/version.py `_cmpkey`), separately from versioning/pep440. Test-only.

const VERSION = new RegExp(
  '^\\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|beta|preview|pre|a|b|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?)' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$',
  'i',
);

type Part = number | string | readonly Part[];
const NEG = Number.NEGATIVE_INFINITY;
const POS = Number.POSITIVE_INFINITY;

export type Pep440Key = readonly Part[];

export function pep440Key(text: string): Pep440Key | null {
  if (text.length > 256) return null;
  const m = VERSION.exec(text);
  const g = m?.groups;
  if (!g) return null;
  const release = (g['release'] ?? '0').split('.').map((n) => Number(n));
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  const preLetter = g['pre_l']?.toLowerCase();
  const preRank = preLetter === undefined ? null : preLetter === 'a' || preLetter === 'alpha' ? 0 : preLetter === 'b' || preLetter === 'beta' ? 1 : 2;
  const hasPost = g['post'] !== undefined;
  const hasDev = g['dev'] !== undefined;
  const pre: Part = preRank === null ? (!hasPost && hasDev ? [NEG] : [POS]) : [preRank, Number(g['pre_n'] ?? 0)];
  const post: Part = hasPost ? [Number(g['post_n1'] ?? g['post_n2'] ?? 0)] : [NEG];
  const dev: Part = hasDev ? [Number(g['dev_n'] ?? 0)] : [POS];
  const local: Part = g['local'] === undefined ? [NEG] : g['local'].toLowerCase().split(/[-_.]/).map((s): Part => (/^[0-9]+$/.test(s) ? [Number(s), ''] : [NEG, s]));
  return [Number(g['epoch'] ?? 0), release, pre, post, dev, local];
}

function cmp(a: Part, b: Part): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = cmp(a[i] as Part, b[i] as Part);
      if (c !== 0) return c;
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  // mixed types do not occur in well-formed keys
  return typeof a === 'number' ? -1 : 1;
}

export function comparePep440(a: Pep440Key, b: Pep440Key): number {
  return cmp(a as Part, b as Part);
}
