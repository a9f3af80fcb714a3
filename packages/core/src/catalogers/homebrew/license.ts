/*
 * The argument of a Homebrew formula's `license` call, read as data (formulae are Ruby and are
 * never run; no npm library reads this DSL): a string (`"MIT"`), a symbol (`:public_domain`),
 * `any_of:` / `all_of:` lists (`license any_of: ["MIT", { all_of: ["A", "B"] }]`), an exception
 * (`"Apache-2.0" => { with: "LLVM-exception" }`) and the old bare list (`["MIT", "GPL-2.0"]`,
 * any of them). It becomes one SPDX-style expression (`MIT OR (A AND B)`). Bounds: MAX_TOKENS
 * tokens, MAX_DEPTH nesting.
 */

const MAX_TOKENS = 4096;
const MAX_DEPTH = 16;

type Token =
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'symbol'; readonly text: string }
  | { readonly kind: 'label'; readonly text: string }
  | { readonly kind: 'punct'; readonly text: '[' | ']' | '{' | '}' | ',' | '=>' | '(' | ')' }
  | { readonly kind: 'other' };

type Expr = { readonly kind: 'id'; readonly text: string } | { readonly kind: 'op'; readonly op: 'OR' | 'AND'; readonly items: readonly Expr[] };

class LicenseSyntaxError extends Error {}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*[?!]?/;

/** A Ruby string literal starting at `at` (its quote): the text (escapes resolved, `#{…}` kept as written) and where it ends. */
export function rubyString(text: string, at: number): { value: string; end: number } | null {
  const quote = text.charCodeAt(at);
  if (quote !== 0x22 && quote !== 0x27) return null;
  const parts: string[] = [];
  let runStart = at + 1;
  for (let i = at + 1; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === quote) {
      parts.push(text.slice(runStart, i));
      return { value: parts.join(''), end: i + 1 };
    }
    if (c === 0x5c && i + 1 < text.length) {
      parts.push(text.slice(runStart, i), escapedChar(text[i + 1] ?? '', quote === 0x27));
      i += 1;
      runStart = i + 1;
    }
  }
  return null;
}

/** The character an escape stands for: in single quotes only `\'` and `\\` are escapes. */
function escapedChar(next: string, singleQuoted: boolean): string {
  if (singleQuoted) return next === "'" || next === '\\' ? next : `\\${next}`;
  return next === 'n' ? '\n' : next === 't' ? '\t' : next;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    if (tokens.length > MAX_TOKENS) throw new LicenseSyntaxError(`more than ${MAX_TOKENS} tokens`);
    const c = text[at] ?? '';
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\\') {
      at += 1;
    } else if (c === '#') {
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end;
    } else if (c === '"' || c === "'") {
      const literal = rubyString(text, at);
      if (literal === null) throw new LicenseSyntaxError('unterminated string');
      tokens.push({ kind: 'string', text: literal.value });
      at = literal.end;
    } else if (text.startsWith('=>', at)) {
      tokens.push({ kind: 'punct', text: '=>' });
      at += 2;
    } else if (c === ':' && IDENT.test(text.slice(at + 1, at + 65))) {
      const name = IDENT.exec(text.slice(at + 1, at + 65))?.[0] ?? '';
      tokens.push({ kind: 'symbol', text: name });
      at += 1 + name.length;
    } else if (IDENT.test(text.slice(at, at + 64))) {
      const name = IDENT.exec(text.slice(at, at + 64))?.[0] ?? '';
      at += name.length;
      if (text[at] === ':' && text[at + 1] !== ':') {
        tokens.push({ kind: 'label', text: name });
        at += 1;
      } else tokens.push({ kind: 'other' });
    } else if (c === '[' || c === ']' || c === '{' || c === '}' || c === ',' || c === '(' || c === ')') {
      tokens.push({ kind: 'punct', text: c });
      at += 1;
    } else {
      tokens.push({ kind: 'other' });
      at += 1;
    }
  }
  return tokens;
}

const SYMBOLS: Readonly<Record<string, string | null>> = { public_domain: 'Public Domain', cannot_represent: null };

class Parser {
  at = 0;
  constructor(readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  isPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'punct' && token.text === text;
  }

  expect(text: string): void {
    if (!this.isPunct(text)) throw new LicenseSyntaxError(`expected '${text}'`);
    this.at += 1;
  }

  /** A value: string (with an optional `=> { with: … }`), symbol, list, braced hash, or `any_of:`/`all_of:` pairs. */
  value(depth: number): Expr | null {
    if (depth > MAX_DEPTH) throw new LicenseSyntaxError(`nested deeper than ${MAX_DEPTH}`);
    const token = this.peek();
    if (token === undefined) throw new LicenseSyntaxError('missing value');
    if (token.kind === 'string') {
      this.at += 1;
      if (!this.isPunct('=>')) return { kind: 'id', text: token.text };
      this.at += 1;
      return { kind: 'id', text: `${token.text} WITH ${this.exception()}` };
    }
    if (token.kind === 'label' || (token.kind === 'symbol' && this.isPunct('=>', 1))) return this.pairs(depth, null);
    if (token.kind === 'symbol') {
      this.at += 1;
      if (!(token.text in SYMBOLS)) throw new LicenseSyntaxError(`unknown licence symbol :${token.text}`);
      const text = SYMBOLS[token.text] ?? null;
      return text === null ? null : { kind: 'id', text };
    }
    if (this.isPunct('[')) return this.list(depth, 'OR');
    if (this.isPunct('{')) {
      this.at += 1;
      const inner = this.pairs(depth, '}');
      this.expect('}');
      return inner;
    }
    if (this.isPunct('(')) {
      this.at += 1;
      const inner = this.value(depth + 1);
      this.expect(')');
      return inner;
    }
    throw new LicenseSyntaxError('an expression, not a licence');
  }

  /** `{ with: "exception" }` after `=>`. */
  exception(): string {
    this.expect('{');
    const label = this.peek();
    if (label?.kind !== 'label' || label.text !== 'with') throw new LicenseSyntaxError("expected 'with:'");
    this.at += 1;
    const name = this.peek();
    if (name?.kind !== 'string') throw new LicenseSyntaxError('expected an exception name');
    this.at += 1;
    this.expect('}');
    return name.text;
  }

  /** `any_of: […]` or `all_of: […]` (also `:any_of => […]`); one pair, as Homebrew allows. */
  pairs(depth: number, close: string | null): Expr | null {
    const key = this.peek();
    let op: 'OR' | 'AND';
    if (key?.kind === 'label' || (key?.kind === 'symbol' && this.isPunct('=>', 1))) {
      if (key.text !== 'any_of' && key.text !== 'all_of') throw new LicenseSyntaxError(`unknown licence key ${key.text}`);
      op = key.text === 'any_of' ? 'OR' : 'AND';
      this.at += key.kind === 'label' ? 1 : 2;
    } else throw new LicenseSyntaxError('expected any_of: or all_of:');
    if (!this.isPunct('[')) throw new LicenseSyntaxError('expected a list');
    const expr = this.list(depth, op);
    if (close !== null && this.isPunct(',') && this.isPunct(close, 1)) this.at += 1;
    return expr;
  }

  list(depth: number, op: 'OR' | 'AND'): Expr | null {
    this.expect('[');
    const items: Expr[] = [];
    while (!this.isPunct(']')) {
      const item = this.value(depth + 1);
      if (item !== null) items.push(item);
      if (this.isPunct(',')) this.at += 1;
      else if (!this.isPunct(']')) throw new LicenseSyntaxError("expected ',' or ']'");
    }
    this.at += 1;
    if (items.length === 0) return null;
    return items.length === 1 ? (items[0] ?? null) : { kind: 'op', op, items };
  }
}

function render(expr: Expr, nested: boolean): string {
  if (expr.kind === 'id') return expr.text;
  const text = expr.items.map((item) => render(item, true)).join(` ${expr.op} `);
  return nested ? `(${text})` : text;
}

/**
 * The licence expression a `license` call states (its argument text, continuation lines joined),
 * or null when it states none (`:cannot_represent`, an empty list). Throws LicenseSyntaxError on
 * anything that is not the licence DSL (the caller keeps the text as written).
 */
export function licenseExpression(argument: string): string | null {
  const parser = new Parser(tokenize(argument));
  const expr = parser.value(0);
  return expr === null ? null : render(expr, false);
}

export { LicenseSyntaxError };
