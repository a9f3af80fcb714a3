/*
 * Erlang terms as `file:consult/1` reads them: a sequence of terms, each ended by `.`, made of
 * tuples, lists, binaries (`<<"text">>`), strings, atoms (bare or quoted), numbers and `%` comments.
 * What rebar.lock and OTP `.app` files are written in. Maps, funs, records and the rest of Erlang's
 * syntax are refused: those files never hold them.
 *
 * Written here because no npm package reads Erlang's text term format (the ones named for Erlang
 * terms read its binary External Term Format); the subset is ~150 lines. Bounds: nesting at most
 * MAX_DEPTH deep and MAX_ELEMENTS elements in all; past either the input is refused.
 */

export type ErlangTerm =
  | { readonly kind: 'atom'; readonly value: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'binary'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'tuple'; readonly items: readonly ErlangTerm[] }
  | { readonly kind: 'list'; readonly items: readonly ErlangTerm[] };

const MAX_DEPTH = 64;
const MAX_ELEMENTS = 500_000;

export class ErlangTermError extends Error {}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', s: ' ', e: '\x1b', '\\': '\\', '"': '"', "'": "'", b: '\b', f: '\f', v: '\v', d: '\x7f' };

/** Every term of `text`, in order; throws ErlangTermError at the first thing it does not read. */
export function parseErlangTerms(text: string): ErlangTerm[] {
  let at = 0;
  let elements = 0;
  const fail = (what: string): never => {
    throw new ErlangTermError(`${what} at offset ${at}`);
  };
  const skipBlank = (): void => {
    for (;;) {
      const c = text[at];
      if (c === '%') {
        const end = text.indexOf('\n', at);
        at = end < 0 ? text.length : end + 1;
      } else if (c !== undefined && /\s/.test(c)) at += 1;
      else return;
    }
  };
  const quoted = (quote: string): string => {
    at += 1;
    let out = '';
    for (;;) {
      const c = text[at];
      if (c === undefined) return fail('unterminated quoted text');
      at += 1;
      if (c === quote) return out;
      if (c === '\\') {
        const next = text[at] ?? '';
        at += 1;
        out += ESCAPES[next] ?? next;
      } else out += c;
    }
  };
  const sequence = (close: string, depth: number): ErlangTerm[] => {
    const items: ErlangTerm[] = [];
    skipBlank();
    if (text[at] === close) {
      at += 1;
      return items;
    }
    for (;;) {
      items.push(term(depth + 1));
      if ((elements += 1) > MAX_ELEMENTS) fail(`more than ${MAX_ELEMENTS} elements`);
      skipBlank();
      const c = text[at];
      at += 1;
      if (c === close) return items;
      // A list's tail (`[H | T]`) does not occur in these files.
      if (c !== ',') fail(`expected ',' or '${close}'`);
    }
  };
  const term = (depth: number): ErlangTerm => {
    if (depth > MAX_DEPTH) fail(`terms nested deeper than ${MAX_DEPTH}`);
    skipBlank();
    const c = text[at];
    if (c === '{') {
      at += 1;
      return { kind: 'tuple', items: sequence('}', depth) };
    }
    if (c === '[') {
      at += 1;
      return { kind: 'list', items: sequence(']', depth) };
    }
    if (c === '"') return { kind: 'string', value: quoted('"') };
    if (c === "'") return { kind: 'atom', value: quoted("'") };
    if (text.startsWith('<<', at)) {
      at += 2;
      skipBlank();
      let value = '';
      if (text[at] === '"') value = quoted('"');
      skipBlank();
      if (!text.startsWith('>>', at)) fail("expected '>>' (only binaries of one string are read)");
      at += 2;
      return { kind: 'binary', value };
    }
    const bare = /^(?:[a-z][A-Za-z0-9_@]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 256));
    if (bare === null) return fail('unknown term');
    at += bare[0].length;
    const word = bare[0];
    return /^-?\d/.test(word) ? { kind: 'number', value: Number(word) } : { kind: 'atom', value: word };
  };

  const terms: ErlangTerm[] = [];
  skipBlank();
  while (at < text.length) {
    terms.push(term(0));
    skipBlank();
    if (text[at] !== '.') fail("expected '.' after a term");
    at += 1;
    skipBlank();
  }
  return terms;
}

/** The text of an atom, string or binary term; else null. */
export function termText(term: ErlangTerm | undefined): string | null {
  return term !== undefined && (term.kind === 'atom' || term.kind === 'string' || term.kind === 'binary') ? term.value : null;
}

/** The items of a tuple or list term; else an empty list. */
export function termItems(term: ErlangTerm | undefined): readonly ErlangTerm[] {
  return term !== undefined && (term.kind === 'tuple' || term.kind === 'list') ? term.items : [];
}

/** `{Key, Value}` pairs of a property list, by key. */
export function propList(term: ErlangTerm | undefined): Map<string, ErlangTerm> {
  const out = new Map<string, ErlangTerm>();
  for (const item of termItems(term)) {
    if (item.kind !== 'tuple' || item.items.length !== 2) continue;
    const key = termText(item.items[0]);
    const value = item.items[1];
    if (key !== null && value !== undefined && !out.has(key)) out.set(key, value);
  }
  return out;
}
