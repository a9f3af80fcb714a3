export interface ControlStanzasOptions {
  /** At most this many kept stanzas are returned; the rest are only counted (`overflow`). */
  readonly maxStanzas: number;
  /**
   * Which stanzas cost memory (dpkg: installed packages). Others are parsed, offered here and
   * dropped, so they never count toward `maxStanzas`. Default: keep all.
   */
  readonly keep?: (stanza: ReadonlyMap<string, string>) => boolean;
}

export interface ControlStanzas {
  readonly stanzas: Map<string, string>[];
  /** Stanzas `keep` wanted past `maxStanzas`: not returned, so the caller must say so (an unknown). */
  readonly overflow: number;
}

/**
 * Stanzas of deb822-style control data (dpkg `status`, `status.d/*`): blank-line separated
 * records of `Field: value` lines, continuation lines starting with whitespace.
 * Field names are case-insensitive in deb822; they are returned lower-cased.
 */
export function parseControlStanzas(text: string, options: ControlStanzasOptions): ControlStanzas {
  const stanzas: Map<string, string>[] = [];
  let overflow = 0;
  let current = new Map<string, string>();
  let lastKey: string | null = null;
  const close = (): void => {
    if (current.size === 0) return;
    if (options.keep !== undefined && !options.keep(current)) return;
    if (stanzas.length < options.maxStanzas) stanzas.push(current);
    else overflow += 1;
  };
  // NUL is never part of control data: the zeros of a hole (a status file stored sparse, or
  // preallocated and partly written) must not glue themselves to the first field name.
  const clean = text.includes('\0') ? text.replace(/\0+/g, '') : text;
  for (const line of clean.split('\n')) {
    if (line.trim() === '') {
      close();
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
  close();
  return { stanzas, overflow };
}
