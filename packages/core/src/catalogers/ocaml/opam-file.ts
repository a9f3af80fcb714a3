/*
 * A reader of the opam file format (opam's own grammar, opam-file-format in OCaml; no npm library
 * reads it): items `field: value` and sections `kind ["name"] { items }`; values are strings
 * ("…" and """…""", with opam's escapes), identifiers and variables (`pkg:var`, `a+b`), integers,
 * booleans, lists `[ … ]`, groups `( … )`, filters `value { … }`, relational, logical, prefix and
 * environment-update operators; comments `# …` and `(* … *)` (nested). Operator expressions are
 * consumed but not kept: the catalogers need only literal field values. Anything else ends the
 * reading with an OpamFileError. Bounds: values and sections nest at most MAX_DEPTH deep,
 * MAX_TOKENS tokens in all; one pass over the text.
 */

const MAX_DEPTH = 64;
const MAX_TOKENS = 200_000;

export type OpamValue =
  | { readonly kind: 'string' | 'ident' | 'int' | 'bool'; readonly text: string }
  | { readonly kind: 'list' | 'group'; readonly items: readonly OpamValue[] }
  | { readonly kind: 'option'; readonly value: OpamValue }
  | { readonly kind: 'expr' };

export type OpamItem =
  | { readonly kind: 'field'; readonly name: string; readonly value: OpamValue }
  | { readonly kind: 'section'; readonly section: string; readonly name: string | null; readonly items: readonly OpamItem[] };

export class OpamFileError extends Error {}

type TokenKind = 'string' | 'ident' | 'int' | 'bool' | 'colon' | '{' | '}' | '[' | ']' | '(' | ')' | 'relop' | 'envop' | 'pfxop' | 'logop' | 'eof';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const isAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentChar = (c: string | undefined): boolean => isAlpha(c) || isDigit(c) || c === '_' || c === '-';

class Lexer {
  #at = 0;
  #tokens = 0;

  constructor(private readonly text: string) {}

  fail(what: string): never {
    const line = this.text.slice(0, this.#at).split('\n').length;
    throw new OpamFileError(`${what} at line ${line}`);
  }

  next(): Token {
    this.skip();
    if ((this.#tokens += 1) > MAX_TOKENS) this.fail(`more than ${MAX_TOKENS} tokens`);
    const text = this.text;
    const c = text[this.#at];
    if (c === undefined) return { kind: 'eof', text: '' };
    if (text.startsWith('"""', this.#at)) return { kind: 'string', text: this.string('"""') };
    if (c === '"') return { kind: 'string', text: this.string('"') };
    if (isIdentChar(c)) return this.word();
    const op = OPERATORS.find(([symbol]) => text.startsWith(symbol, this.#at));
    if (op === undefined) this.fail(`unexpected character '${c}'`);
    this.#at += op[0].length;
    return { kind: op[1], text: op[0] };
  }

  /** Spaces, newlines, `# …` to the end of the line and nested `(* … *)` comments. */
  private skip(): void {
    const text = this.text;
    for (;;) {
      const c = text[this.#at];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.#at += 1;
      else if (c === '#') {
        const end = text.indexOf('\n', this.#at);
        this.#at = end < 0 ? text.length : end + 1;
      } else if (c === '(' && text[this.#at + 1] === '*') this.comment();
      else return;
    }
  }

  private comment(): void {
    const text = this.text;
    let depth = 0;
    do {
      const open = text.indexOf('(*', this.#at);
      const close = text.indexOf('*)', this.#at);
      if (close < 0) this.fail('unterminated comment');
      if (open >= 0 && open < close) {
        depth += 1;
        this.#at = open + 2;
      } else {
        depth -= 1;
        this.#at = close + 2;
      }
    } while (depth > 0);
  }

  private string(quote: string): string {
    const text = this.text;
    this.#at += quote.length;
    let out = '';
    let run = this.#at;
    for (;;) {
      const c = text[this.#at];
      if (c === undefined) this.fail('unterminated string');
      if (text.startsWith(quote, this.#at)) break;
      if (c === '\\') {
        out += text.slice(run, this.#at) + this.escape();
        run = this.#at;
      } else this.#at += 1;
    }
    out += text.slice(run, this.#at);
    this.#at += quote.length;
    return out;
  }

  private escape(): string {
    const text = this.text;
    const c = text[this.#at + 1];
    this.#at += 2;
    if (c === '\n' || (c === '\r' && text[this.#at] === '\n')) {
      // A backslash at the end of a line joins the next one, without its leading blanks.
      while (text[this.#at] === ' ' || text[this.#at] === '\t' || text[this.#at] === '\r' || text[this.#at] === '\n') this.#at += 1;
      return '';
    }
    const simple = c === undefined ? undefined : SIMPLE_ESCAPES.get(c);
    if (simple !== undefined) return simple;
    if (isDigit(c) && isDigit(text[this.#at]) && isDigit(text[this.#at + 1])) {
      const code = Number(text.slice(this.#at - 1, this.#at + 2));
      if (code > 255) this.fail('illegal escape sequence');
      this.#at += 2;
      return String.fromCharCode(code);
    }
    const hex = text.slice(this.#at, this.#at + 2);
    if (c === 'x' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      this.#at += 2;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    return this.fail('illegal escape sequence');
  }

  /** An identifier (`a-b`, `a+b`, `pkg:var`), `true`/`false`, or an integer. */
  private word(): Token {
    const text = this.text;
    const start = this.#at;
    let end = this.identRun(start);
    if (!this.hasAlpha(start, end) && text.slice(start, end) !== '_') {
      const int = /^-?[0-9_]+/.exec(text.slice(start, end));
      if (int === null) this.fail('invalid integer');
      this.#at = start + int[0].length;
      return { kind: 'int', text: int[0] };
    }
    while (text[end] === '+') {
      const partEnd = this.identRun(end + 1);
      if (!this.hasAlpha(end + 1, partEnd) && text.slice(end + 1, partEnd) !== '_') break;
      end = partEnd;
    }
    if (text[end] === ':') {
      const varEnd = this.identRun(end + 1);
      if (this.hasAlpha(end + 1, varEnd)) end = varEnd;
    }
    this.#at = end;
    const word = text.slice(start, end);
    return word === 'true' || word === 'false' ? { kind: 'bool', text: word } : { kind: 'ident', text: word };
  }

  private identRun(from: number): number {
    let end = from;
    while (isIdentChar(this.text[end])) end += 1;
    return end;
  }

  private hasAlpha(from: number, to: number): boolean {
    for (let i = from; i < to; i += 1) if (isAlpha(this.text[i])) return true;
    return false;
  }
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\\', '\\'],
  ['"', '"'],
  ["'", "'"],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['b', '\b'],
  [' ', ' '],
]);

/** Longest first: `=+=` before `=+` before `=`. */
const OPERATORS: readonly (readonly [string, TokenKind])[] = [
  ['=+=', 'envop'],
  ['+=', 'envop'],
  ['=+', 'envop'],
  [':=', 'envop'],
  ['=:', 'envop'],
  ['!=', 'relop'],
  ['<=', 'relop'],
  ['>=', 'relop'],
  ['=', 'relop'],
  ['<', 'relop'],
  ['>', 'relop'],
  ['!', 'pfxop'],
  ['?', 'pfxop'],
  ['&', 'logop'],
  ['|', 'logop'],
  [':', 'colon'],
  ['{', '{'],
  ['}', '}'],
  ['[', '['],
  [']', ']'],
  ['(', '('],
  [')', ')'],
];

const EXPR: OpamValue = { kind: 'expr' };

class Parser {
  #token: Token;

  constructor(private readonly lexer: Lexer) {
    this.#token = lexer.next();
  }

  private advance(): Token {
    const token = this.#token;
    this.#token = this.lexer.next();
    return token;
  }

  private expect(kind: TokenKind): Token {
    if (this.#token.kind !== kind) this.lexer.fail(`expected '${kind}', found '${this.#token.kind === 'eof' ? 'end of file' : this.#token.text}'`);
    return this.advance();
  }

  items(depth: number): OpamItem[] {
    if (depth > MAX_DEPTH) this.lexer.fail(`sections nested deeper than ${MAX_DEPTH}`);
    const items: OpamItem[] = [];
    while (this.#token.kind !== 'eof' && !(depth > 0 && this.#token.kind === '}')) {
      const name = this.expect('ident').text;
      if (this.#token.kind === 'colon') {
        this.advance();
        items.push({ kind: 'field', name, value: this.value(depth + 1) });
        continue;
      }
      const label = this.#token.kind === 'string' ? this.advance().text : null;
      this.expect('{');
      const inner = this.items(depth + 1);
      this.expect('}');
      items.push({ kind: 'section', section: name, name: label, items: inner });
    }
    return items;
  }

  private value(depth: number): OpamValue {
    let value = this.term(depth);
    while (this.#token.kind === 'logop') {
      this.advance();
      this.term(depth);
      value = EXPR;
    }
    return value;
  }

  private term(depth: number): OpamValue {
    if (depth > MAX_DEPTH) this.lexer.fail(`values nested deeper than ${MAX_DEPTH}`);
    if (this.#token.kind === 'pfxop') {
      this.advance();
      this.term(depth + 1);
      return EXPR;
    }
    if (this.#token.kind === 'relop') {
      this.advance();
      this.atom();
      return EXPR;
    }
    let value = this.primary(depth);
    while (this.#token.kind === '{') {
      this.advance();
      this.values(depth + 1, '}');
      value = { kind: 'option', value };
    }
    return value;
  }

  private primary(depth: number): OpamValue {
    const kind = this.#token.kind;
    if (kind === '[' || kind === '(') {
      this.advance();
      const items = this.values(depth + 1, kind === '[' ? ']' : ')');
      return { kind: kind === '[' ? 'list' : 'group', items };
    }
    const atom = this.atom();
    if (this.#token.kind === 'relop' || this.#token.kind === 'envop') {
      this.advance();
      this.atom();
      return EXPR;
    }
    return atom;
  }

  private atom(): OpamValue {
    const token = this.#token;
    if (token.kind !== 'string' && token.kind !== 'ident' && token.kind !== 'int' && token.kind !== 'bool') {
      return this.lexer.fail(`expected a value, found '${token.kind === 'eof' ? 'end of file' : token.text}'`);
    }
    this.advance();
    return { kind: token.kind, text: token.text };
  }

  private values(depth: number, close: ']' | ')' | '}'): OpamValue[] {
    const items: OpamValue[] = [];
    while (this.#token.kind !== close) items.push(this.value(depth));
    this.advance();
    return items;
  }
}

/** The items of an opam file; throws OpamFileError on anything outside the grammar. */
export function readOpamFile(text: string): OpamItem[] {
  return new Parser(new Lexer(text)).items(0);
}
