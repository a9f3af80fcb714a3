/**
 * Stanzas of deb822-style control data (dpkg `status`, `status.d/*`): blank-line separated
 * records of `Field: value` lines, continuation lines starting with whitespace.
 * Field names are case-insensitive in deb822; they are returned as written in the first stanza style.
 */
export function parseControlStanzas(text: string, maxStanzas: number): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let lastKey: string | null = null;
  // NUL is never part of control data: the zeros of a hole (a status file stored sparse, or
  // preallocated and partly written) must not glue themselves to the first field name.
  const clean = text.includes('\0') ? text.replace(/\0+/g, '') : text;
  for (const line of clean.split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) {
        stanzas.push(current);
        if (stanzas.length >= maxStanzas) return stanzas;
      }
      current = new Map();
      lastKey = null;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastKey !== null) {
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim().toLowerCase();
    current.set(lastKey, line.slice(colon + 1).trim());
  }
  if (current.size > 0) stanzas.push(current);
  return stanzas;
}
