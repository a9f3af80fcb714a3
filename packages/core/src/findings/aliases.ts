/**
 * Alias merging: advisories that name each other (CVE ↔ GHSA ↔ DSA/DLA ↔ PYSEC/GO/RUSTSEC) are one
 * vulnerability. A union-find over ids and aliases groups them; each group is reported once per
 * package under its preferred id (a CVE when there is one).
 */
export class AliasGroups {
  readonly #parent = new Map<string, string>();

  #find(x: string): string {
    let root = x;
    for (let p = this.#parent.get(root); p !== undefined && p !== root; p = this.#parent.get(root)) root = p;
    if (!this.#parent.has(root)) this.#parent.set(root, root);
    // path compression
    let node = x;
    while (node !== root) {
      const next = this.#parent.get(node) ?? root;
      this.#parent.set(node, root);
      node = next;
    }
    return root;
  }

  /** Declare that every id in `ids` names the same vulnerability. */
  union(ids: readonly string[]): void {
    const [first, ...rest] = ids;
    if (first === undefined) return;
    this.#find(normalizeId(first));
    for (const other of rest) {
      const a = this.#find(normalizeId(first));
      const b = this.#find(normalizeId(other));
      if (a === b) continue;
      if (b < a) this.#parent.set(a, b);
      else this.#parent.set(b, a);
    }
  }

  root(id: string): string {
    return this.#find(normalizeId(id));
  }
}

/** Ids compare case-insensitively on their prefix; GHSA ids are case-insensitive throughout. */
export function normalizeId(id: string): string {
  const trimmed = id.trim();
  return /^ghsa-/i.test(trimmed) ? trimmed.toLowerCase().replace(/^ghsa/, 'GHSA') : trimmed.replace(/^(cve|pysec|rustsec|go|dsa|dla|osv)-/i, (m) => m.toUpperCase());
}

const PREFERENCE = ['CVE-', 'GHSA-', 'DSA-', 'DLA-', 'ALPINE-', 'USN-', 'RHSA-', 'PYSEC-', 'GO-', 'RUSTSEC-'];

function rank(id: string): number {
  const i = PREFERENCE.findIndex((p) => id.startsWith(p));
  return i === -1 ? PREFERENCE.length : i;
}

/** The id a group is reported under: a CVE if any, then GHSA, then distro ids, then other feeds; ties by lowest id. */
export function preferredId(ids: Iterable<string>): string {
  let best: string | null = null;
  for (const raw of ids) {
    const id = normalizeId(raw);
    if (best === null || rank(id) < rank(best) || (rank(id) === rank(best) && compareIds(id, best) < 0)) best = id;
  }
  return best ?? '';
}

/** CVE-2021-999 before CVE-2021-1000: numeric parts compare as numbers. */
export function compareIds(a: string, b: string): number {
  const da = /^(.*?-)(\d+)-(\d+)$/.exec(a);
  const db = da === null ? null : /^(.*?-)(\d+)-(\d+)$/.exec(b);
  if (da !== null && db !== null && da[1] === db[1]) {
    const year = Number(da[2]) - Number(db[2]);
    if (year !== 0) return year < 0 ? -1 : 1;
    const n = Number(da[3]) - Number(db[3]);
    if (n !== 0) return n < 0 ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
