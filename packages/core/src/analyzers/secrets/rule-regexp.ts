/*
 * A secret rule's RegExp, the same on every Node Sekisho supports.
 *
 * Built-in rules name the secret once in each alternative (`…(?<secret>…)|…(?<secret>…)`): valid
 * JavaScript since ES2025 (V8 12.5, Node 23), a syntax error in Node 22's V8 (12.4). There the
 * second and later groups of a name are renamed, and `exec` puts whichever of them took part back
 * under the shared name (in `groups` and in `indices.groups`), so a match reads the same on both.
 */
import { ENGINE_REPEATS_GROUP_NAMES } from './regex-features.js';

export function ruleRegExp(source: string, flags: string): RegExp {
  if (ENGINE_REPEATS_GROUP_NAMES) return new RegExp(source, flags);
  const renamed = renameRepeatedGroups(source);
  return renamed === null ? new RegExp(source, flags) : new AliasedGroupsRegExp(renamed.source, flags, renamed.aliases);
}

/** A named group opens with `(?<name>`; `(?<=` and `(?<!` are lookbehinds. */
const GROUP_NAME = /\(\?<([^>=!][^>]*)>/y;

/**
 * `source` with each repeated group name after the first made unique, and which names stand for
 * which; null when no name repeats. Escapes and character classes are skipped, where `(?<` is text.
 */
export function renameRepeatedGroups(source: string): { readonly source: string; readonly aliases: ReadonlyMap<string, readonly string[]> } | null {
  const names = new Set<string>();
  for (let i = 0; i < source.length; i = skipToken(source, i)) {
    const name = groupNameAt(source, i);
    if (name !== null) names.add(name);
  }
  const aliases = new Map<string, string[]>();
  const seen = new Set<string>();
  let out = '';
  for (let i = 0; i < source.length;) {
    const name = groupNameAt(source, i);
    if (name !== null && seen.has(name)) {
      let n = 2;
      while (names.has(`${name}$${n}`)) n += 1;
      const alias = `${name}$${n}`;
      names.add(alias);
      const list = aliases.get(name) ?? [];
      list.push(alias);
      aliases.set(name, list);
      out += `(?<${alias}>`;
      i += name.length + 4;
      continue;
    }
    if (name !== null) seen.add(name);
    const next = skipToken(source, i);
    out += source.slice(i, next);
    i = next;
  }
  return aliases.size === 0 ? null : { source: out, aliases };
}

function groupNameAt(source: string, i: number): string | null {
  if (source[i] !== '(') return null;
  GROUP_NAME.lastIndex = i;
  return GROUP_NAME.exec(source)?.[1] ?? null;
}

/** The index after the token at `i`: an escape, a whole character class, or one character. */
function skipToken(source: string, i: number): number {
  if (source[i] === '\\') return i + 2;
  if (source[i] !== '[') return i + 1;
  let j = i + 1;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** A RegExp whose renamed groups are read back under their shared names (see the header). */
export class AliasedGroupsRegExp extends RegExp {
  readonly #aliases: ReadonlyMap<string, readonly string[]>;

  constructor(source: string, flags: string, aliases: ReadonlyMap<string, readonly string[]> = new Map()) {
    super(source, flags);
    this.#aliases = aliases;
  }

  override exec(text: string): RegExpExecArray | null {
    const match = super.exec(text);
    const groups = match?.groups as Record<string, string | undefined> | undefined;
    if (match === null || groups === undefined) return match;
    const spans = match.indices?.groups as Record<string, [number, number] | undefined> | undefined;
    for (const [name, aliases] of this.#aliases) {
      for (const alias of aliases) {
        if (groups[name] === undefined && groups[alias] !== undefined) {
          groups[name] = groups[alias];
          if (spans !== undefined) spans[name] = spans[alias];
        }
        Reflect.deleteProperty(groups, alias);
        if (spans !== undefined) Reflect.deleteProperty(spans, alias);
      }
    }
    return match;
  }
}
