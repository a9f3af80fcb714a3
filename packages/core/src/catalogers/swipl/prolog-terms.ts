/*
 * A bounded reader of Prolog text as data, for SWI-Prolog's `pack.pl`: it splits a file into
 * clauses and reads a clause into a term, and never evaluates anything. Hand-written because no
 * npm library reads Prolog terms and a pack's metadata must not be consulted by a Prolog system.
 *
 * Lexical syntax (SWI-Prolog 7+): layout, `%` and `/* *\/` comments; names, variables, numbers
 * (integers with `_` digit groups, `0'c` character codes, `0x`/`0o`/`0b` and `R'digits` radix
 * forms, floats with exponents, `Inf`/`NaN`, rationals `1r3`); quoted atoms `'…'`, strings `"…"`
 * and back-quoted text with their escapes (`\n`, `\xHH\`, `\NNN\`, `\uXXXX`, `\c`, doubled
 * quotes, `\` before a newline); symbol-char atoms; solo characters and punctuation; the end
 * token `.` before layout, `%` or the end of the file.
 * Terms: atoms, numbers, strings, variables, compound terms `f(…)`, lists `[a, b | T]`, curly
 * terms `{…}` and the standard operators (`requires(prolog >= '9.1')`, `a:b`, `-1`).
 * Bounds: nesting at most MAX_DEPTH deep; the caller caps the file size (tokens are linear in it).
 */

const MAX_DEPTH = 64;

export type Term =
  | { readonly kind: 'atom'; readonly name: string }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'compound'; readonly name: string; readonly args: readonly Term[]; readonly operator: boolean }
  | { readonly kind: 'list'; readonly items: readonly Term[]; readonly tail: Term | null }
  | { readonly kind: 'curly'; readonly term: Term };

type TokenKind = 'name' | 'var' | 'number' | 'string' | 'backquote' | 'punct' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Atom text (names, quoted and symbol atoms, solo characters), punctuation, or literal text. */
  readonly text: string;
  /** Layout (white space or a comment) came right before the token. */
  readonly layoutBefore: boolean;
  /** A quoted atom: never an operator. */
  readonly quoted: boolean;
  readonly line: number;
}

export class PrologSyntaxError extends Error {}

const SYMBOL_CHARS = '#$&*+-./:<=>?@^~\\';
const isSymbolChar = (c: string): boolean => SYMBOL_CHARS.includes(c) && c !== '';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlnum = (c: string): boolean => (c < '\x80' ? /^\w$/.test(c) : /^[\p{L}\p{N}]$/u.test(c));
const isLayout = (c: string): boolean => c === ' ' || c === '\n' || c === '\t' || c === '\r' || (c !== '' && /^\s$/u.test(c));
const startsVariable = (c: string): boolean => c === '_' || /^[\p{Lu}\p{Lt}]$/u.test(c);
const startsName = (c: string): boolean => /^\p{L}$/u.test(c) && !startsVariable(c);

/** The tokens of a Prolog text; throws PrologSyntaxError on an unterminated quote or comment. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let line = 1;
  const fail = (what: string): never => {
    throw new PrologSyntaxError(`${what} at line ${line}`);
  };
  const advanceTo = (end: number): void => {
    for (let i = at; i < end; i += 1) if (text.charCodeAt(i) === 10) line += 1;
    at = end;
  };
  const skipLayout = (): boolean => {
    const start = at;
    for (;;) {
      const c = text[at] ?? '';
      if (c !== '' && isLayout(c)) advanceTo(at + 1);
      else if (c === '%') {
        const end = text.indexOf('\n', at);
        advanceTo(end < 0 ? text.length : end);
      } else if (c === '/' && text[at + 1] === '*') {
        const end = text.indexOf('*/', at + 2);
        if (end < 0) fail('unterminated block comment');
        advanceTo(end + 2);
      } else return at > start;
    }
  };
  const push = (kind: TokenKind, value: string, layoutBefore: boolean, quoted = false, tokenLine = line): void => {
    tokens.push({ kind, text: value, layoutBefore, quoted, line: tokenLine });
  };
  for (;;) {
    const layoutBefore = skipLayout();
    if (at >= text.length) break;
    const startLine = line;
    const c = text[at] ?? '';
    if (isDigit(c)) {
      const end = numberEnd(text, at, fail);
      push('number', text.slice(at, end), layoutBefore);
      advanceTo(end);
    } else if (c === "'" || c === '"' || c === '`') {
      const { value, end } = readQuoted(text, at, fail);
      advanceTo(end);
      push(c === "'" ? 'name' : c === '"' ? 'string' : 'backquote', value, layoutBefore, c === "'", startLine);
    } else if (startsVariable(c) || startsName(c)) {
      let end = at + 1;
      while (end < text.length && isAlnum(text[end] ?? '')) end += 1;
      push(startsVariable(c) ? 'var' : 'name', text.slice(at, end), layoutBefore);
      advanceTo(end);
    } else if ('()[]{},|'.includes(c)) {
      push('punct', c, layoutBefore);
      advanceTo(at + 1);
    } else if (c === '!' || c === ';') {
      push('name', c, layoutBefore);
      advanceTo(at + 1);
    } else if (isSymbolChar(c)) {
      let end = at + 1;
      while (end < text.length && isSymbolChar(text[end] ?? '')) end += 1;
      const next = text[end] ?? '';
      if (end === at + 1 && c === '.' && (next === '' || next === '%' || isLayout(next))) push('end', '.', layoutBefore);
      else push('name', text.slice(at, end), layoutBefore);
      advanceTo(end);
    } else fail(`unexpected character ${JSON.stringify(c)}`);
  }
  return tokens;
}

/** The end of a number token starting at `at` (a digit). */
function numberEnd(text: string, at: number, fail: (what: string) => never): number {
  const digitsEnd = (from: number, ok: (c: string) => boolean): number => {
    let end = from;
    while (end < text.length && (ok(text[end] ?? '') || (text[end] === '_' && ok(text[end + 1] ?? '')))) end += 1;
    return end;
  };
  if (text[at] === '0' && text[at + 1] === "'") return charCodeEnd(text, at + 2, fail);
  if (text[at] === '0' && 'xob'.includes(text[at + 1] ?? '_')) {
    const radix = text[at + 1] === 'x' ? 16 : text[at + 1] === 'o' ? 8 : 2;
    const end = digitsEnd(at + 2, (c) => c !== '' && !Number.isNaN(parseInt(c, radix)));
    if (end > at + 2) return end;
  }
  let end = digitsEnd(at, isDigit);
  if (text[end] === "'" && /^(?:[2-9]|[12]\d|3[0-6])$/.test(text.slice(at, end))) {
    const radix = Number(text.slice(at, end));
    const radixEnd = digitsEnd(end + 1, (c) => c !== '' && /^[0-9a-z]$/i.test(c) && parseInt(c, 36) < radix);
    if (radixEnd > end + 1) return radixEnd;
  }
  if (text[end] === 'r' && isDigit(text[end + 1] ?? '')) return digitsEnd(end + 1, isDigit);
  if (text[end] === '.' && isDigit(text[end + 1] ?? '')) end = digitsEnd(end + 1, isDigit);
  const exponent = /^[eE][+-]?\d+/.exec(text.slice(end, end + 16));
  if (exponent !== null) end += exponent[0].length;
  if (text.startsWith('Inf', end) || text.startsWith('NaN', end)) end += 3;
  return end;
}

/** The end of a `0'c` character code whose character starts at `at`. */
function charCodeEnd(text: string, at: number, fail: (what: string) => never): number {
  const c = text[at] ?? '';
  if (c === '') fail('a character code at the end of the file');
  if (c === "'" && text[at + 1] === "'") return at + 2;
  if (c === '\\') return escapeEnd(text, at + 1, fail).end;
  const code = text.codePointAt(at) ?? 0;
  return at + (code > 0xffff ? 2 : 1);
}

const QUOTE_STOPS: Record<string, RegExp> = { "'": /['\\]/g, '"': /["\\]/g, '`': /[`\\]/g };

/** The quoted text starting at `at` (the quote), with escapes resolved, and where it ends. */
function readQuoted(text: string, at: number, fail: (what: string) => never): { value: string; end: number } {
  const quote = text[at] ?? '';
  const stops = QUOTE_STOPS[quote] ?? fail('not a quote');
  const parts: string[] = [];
  let i = at + 1;
  for (;;) {
    stops.lastIndex = i;
    const stop = stops.exec(text);
    if (stop === null) return fail('unterminated quoted text');
    parts.push(text.slice(i, stop.index));
    i = stop.index;
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        parts.push(quote);
        i += 2;
        continue;
      }
      return { value: parts.join(''), end: i + 1 };
    }
    const escape = escapeEnd(text, i + 1, fail);
    parts.push(escape.value);
    i = escape.end;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', e: '\x1b', s: ' ', z: '', '0': '\0', '\\': '\\', "'": "'", '"': '"', '`': '`' };

/** An escape sequence after a backslash at `at - 1`: its value and where it ends. */
function escapeEnd(text: string, at: number, fail: (what: string) => never): { value: string; end: number } {
  const c = text[at] ?? '';
  if (c === '\n') return { value: '', end: at + 1 };
  if (c === '\r' && text[at + 1] === '\n') return { value: '', end: at + 2 };
  if (c === 'c') {
    let end = at + 1;
    while (end < text.length && isLayout(text[end] ?? '')) end += 1;
    return { value: '', end };
  }
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined && !(c === '0' && /^0[0-7]*\\/.test(text.slice(at, at + 16)))) return { value: simple, end: at + 1 };
  const numeric =
    c === 'x'
      ? /^x([0-9a-fA-F]+)\\?/.exec(text.slice(at, at + 16))
      : c === 'u'
        ? /^u([0-9a-fA-F]{4})/.exec(text.slice(at, at + 5))
        : c === 'U'
          ? /^U([0-9a-fA-F]{8})/.exec(text.slice(at, at + 9))
          : /^([0-7]+)\\/.exec(text.slice(at, at + 16));
  if (numeric !== null) {
    const code = parseInt(numeric[1] ?? '', c === 'x' || c === 'u' || c === 'U' ? 16 : 8);
    if (code > 0x10ffff) fail('a character code past U+10FFFF');
    return { value: String.fromCodePoint(code), end: at + numeric[0].length };
  }
  return fail(`unknown escape \\${c}`);
}

interface Operator {
  readonly priority: number;
  readonly type: 'xfx' | 'xfy' | 'yfx' | 'fy' | 'fx';
}

const INFIX = new Map<string, Operator>();
const PREFIX = new Map<string, Operator>();
function ops(priority: number, type: Operator['type'], names: string): void {
  for (const name of names.split(' ')) (type === 'fx' || type === 'fy' ? PREFIX : INFIX).set(name, { priority, type });
}
ops(1200, 'xfx', ':- --> =>');
ops(1200, 'fx', ':- ?-');
ops(1105, 'xfy', '|');
ops(1100, 'xfy', ';');
ops(1050, 'xfy', '-> *->');
ops(1000, 'xfy', ',');
ops(990, 'xfx', ':=');
ops(900, 'fy', '\\+');
ops(700, 'xfx', '< = =.. =@= \\=@= =:= =< == =\\= > >= @< @=< @> @>= \\= \\== as is >:< :<');
ops(600, 'xfy', ':');
ops(500, 'yfx', '+ - /\\ \\/ xor');
ops(500, 'fx', '?');
ops(400, 'yfx', '* / // mod rdiv << >> div rem divmod');
ops(200, 'xfx', '**');
ops(200, 'xfy', '^');
ops(200, 'fy', '- + \\');
ops(100, 'yfx', '.');
ops(1, 'fx', '$');
ops(1150, 'fx', 'dynamic discontiguous initialization meta_predicate module_transparent multifile public thread_local table');

const STOPS = new Set([')', ']', '}', ',', '|']);

/** Reads one clause (its tokens, without the end token) as a term; throws PrologSyntaxError. */
export function parseClause(tokens: readonly Token[]): Term {
  let at = 0;
  const peek = (offset = 0): Token | undefined => tokens[at + offset];
  const fail = (what: string): never => {
    const token = peek();
    throw new PrologSyntaxError(`${what}${token === undefined ? ' at the end of the clause' : ` at line ${token.line}`}`);
  };
  const expect = (punct: string): void => {
    const token = peek();
    if (token?.kind !== 'punct' || token.text !== punct) fail(`expected '${punct}'`);
    at += 1;
  };
  const infixAt = (token: Token | undefined): Operator | undefined => {
    if (token === undefined || token.quoted) return undefined;
    if (token.kind === 'name') return INFIX.get(token.text);
    if (token.kind === 'punct' && (token.text === ',' || token.text === '|')) return INFIX.get(token.text);
    return undefined;
  };
  const startsTerm = (token: Token | undefined): boolean => {
    if (token === undefined) return false;
    if (token.kind === 'punct') return token.text === '(' || token.text === '[' || token.text === '{';
    return token.kind !== 'end' && infixAt(token) === undefined;
  };
  const args = (depth: number): Term[] => {
    const list: Term[] = [parse(999, depth + 1)];
    while (peek()?.kind === 'punct' && peek()?.text === ',') {
      at += 1;
      list.push(parse(999, depth + 1));
    }
    return list;
  };
  const primary = (max: number, depth: number): { term: Term; priority: number } => {
    if (depth > MAX_DEPTH) fail(`terms nested deeper than ${MAX_DEPTH}`);
    const token = peek() ?? fail('expected a term');
    at += 1;
    switch (token.kind) {
      case 'number':
        return { term: { kind: 'number', text: token.text }, priority: 0 };
      case 'var':
        return { term: { kind: 'var', name: token.text }, priority: 0 };
      case 'string':
      case 'backquote':
        return { term: { kind: 'string', text: token.text }, priority: 0 };
      case 'end':
        return fail('unexpected end');
      case 'punct':
        return punctuation(token, depth);
      case 'name':
        return named(token, max, depth);
    }
  };
  const punctuation = (token: Token, depth: number): { term: Term; priority: number } => {
    if (token.text === '(') {
      const term = parse(1200, depth + 1);
      expect(')');
      return { term, priority: 0 };
    }
    if (token.text === '[') {
      if (peek()?.text === ']' && peek()?.kind === 'punct') {
        at += 1;
        return afterName('[]', depth);
      }
      const items = args(depth);
      let tail: Term | null = null;
      if (peek()?.kind === 'punct' && peek()?.text === '|') {
        at += 1;
        tail = parse(999, depth + 1);
      }
      expect(']');
      return { term: { kind: 'list', items, tail }, priority: 0 };
    }
    if (token.text === '{') {
      if (peek()?.text === '}' && peek()?.kind === 'punct') {
        at += 1;
        return afterName('{}', depth);
      }
      const term = parse(1200, depth + 1);
      expect('}');
      return { term: { kind: 'curly', term }, priority: 0 };
    }
    return fail(`unexpected '${token.text}'`);
  };
  const afterName = (name: string, depth: number): { term: Term; priority: number } => {
    const next = peek();
    if (next?.kind === 'punct' && next.text === '(' && !next.layoutBefore) {
      at += 1;
      const list = args(depth);
      expect(')');
      return { term: { kind: 'compound', name, args: list, operator: false }, priority: 0 };
    }
    return { term: { kind: 'atom', name }, priority: 0 };
  };
  const named = (token: Token, max: number, depth: number): { term: Term; priority: number } => {
    const next = peek();
    if (token.text === '-' && !token.quoted && next?.kind === 'number' && !next.layoutBefore) {
      at += 1;
      return { term: { kind: 'number', text: `-${next.text}` }, priority: 0 };
    }
    if (next?.kind === 'punct' && next.text === '(' && !next.layoutBefore) return afterName(token.text, depth);
    const prefix = token.quoted ? undefined : PREFIX.get(token.text);
    if (prefix !== undefined && startsTerm(next) && !(infixAt(next) !== undefined)) {
      const priority = prefix.priority <= max ? prefix.priority : 999;
      const argMax = prefix.type === 'fy' ? priority : priority - 1;
      const arg = parse(argMax, depth + 1);
      return { term: { kind: 'compound', name: token.text, args: [arg], operator: true }, priority };
    }
    return { term: { kind: 'atom', name: token.text }, priority: 0 };
  };
  const parse = (max: number, depth: number): Term => {
    let { term: left, priority: leftPriority } = primary(max, depth);
    // Each operator applied here nests the term one level deeper (`a - b - c` is `(a - b) - c`).
    for (let nested = depth; ; nested += 1) {
      const token = peek();
      const op = infixAt(token);
      if (token === undefined || op === undefined || op.priority > max) break;
      const leftMax = op.type === 'yfx' ? op.priority : op.priority - 1;
      if (leftPriority > leftMax) break;
      if (nested >= MAX_DEPTH) fail(`terms nested deeper than ${MAX_DEPTH}`);
      at += 1;
      const right = parse(op.type === 'xfy' ? op.priority : op.priority - 1, depth + 1);
      left = { kind: 'compound', name: token.text, args: [left, right], operator: true };
      leftPriority = op.priority;
    }
    return left;
  };
  const term = parse(1200, 0);
  if (at < tokens.length) {
    const rest = peek();
    if (rest !== undefined && STOPS.has(rest.text) && rest.kind === 'punct') fail(`unexpected '${rest.text}'`);
    fail('expected the end of the clause');
  }
  return term;
}

/** A term as text: atoms and strings as their text, compounds as written (`a >= 1.0`, `f(x, y)`). */
export function termText(term: Term): string {
  switch (term.kind) {
    case 'atom':
    case 'var':
      return term.name;
    case 'number':
    case 'string':
      return term.text;
    case 'list':
      return `[${term.items.map(termText).join(', ')}${term.tail === null ? '' : ` | ${termText(term.tail)}`}]`;
    case 'curly':
      return `{${termText(term.term)}}`;
    case 'compound': {
      const [first, second] = term.args;
      if (term.operator && first !== undefined && second !== undefined && term.args.length === 2) return `${termText(first)} ${term.name} ${termText(second)}`;
      if (term.operator && first !== undefined && term.args.length === 1) return `${term.name}${termText(first)}`;
      return `${term.name}(${term.args.map(termText).join(', ')})`;
    }
  }
}

/** The clauses of a token list: runs of tokens up to each end token (a trailing clause without one is dropped). */
export function splitClauses(tokens: readonly Token[]): Token[][] {
  const clauses: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (token.kind === 'end') {
      if (current.length > 0) clauses.push(current);
      current = [];
    } else current.push(token);
  }
  return clauses;
}
