/** Shannon entropy in bits per character (Shannon, "A Mathematical Theory of Communication", 1948). */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const total = [...text].length;
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / total;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Number of distinct characters, for spotting `xxxxxxxx`, `aaaa1111` and the like. */
export function distinctChars(text: string): number {
  return new Set(text).size;
}

/** Share of the most frequent character: `ghp_AAAA…` placeholders have one character dominating. */
export function dominantShare(text: string): number {
  const counts = new Map<string, number>();
  let top = 0;
  let total = 0;
  for (const ch of text) {
    const n = (counts.get(ch) ?? 0) + 1;
    counts.set(ch, n);
    if (n > top) top = n;
    total++;
  }
  return total === 0 ? 0 : top / total;
}
