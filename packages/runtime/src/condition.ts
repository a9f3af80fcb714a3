/**
 * Falco's condition language: lexer and parser to an AST.
 *
 * Hand-written recursive descent: no library implements Falco's grammar. It follows libsinsp's
 * filter parser (userspace/libsinsp/filter/parser.h, falcosecurity/libs), precedence
 * `or` < `and` < `not`:
 *
 *   Expr      ::= And ('or' And)*
 *   And       ::= Not ('and' Not)*
 *   Not       ::= 'not' Not | Check
 *   Check     ::= '(' Expr ')' | Identifier (a macro) | FieldExpr UnaryOp | FieldExpr BinaryOp Value
 *                 | FieldExpr ListOp List
 *   FieldExpr ::= FieldName ('[' Arg ']')? | Transformer '(' FieldExpr ')'
 *   Value     ::= QuotedString | BareString | 'val' '(' FieldExpr ')'
 *   List      ::= '(' (Value (',' Value)*)? ')' | Identifier (a list name)
 *
 * A field name has at least one dot (`ka.user.name`); an identifier without a dot standing alone
 * is a macro reference. Lists and macros are resolved later (compile.ts), once every file is loaded.
 */

export const UNARY_OPERATORS = ['exists'] as const;
export const LIST_OPERATORS = ['in', 'intersects', 'pmatch'] as const;
export const BINARY_OPERATORS = ['=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex'] as const;
export const TRANSFORMERS = ['tolower', 'toupper', 'b64', 'basename', 'len'] as const;

export type UnaryOperator = (typeof UNARY_OPERATORS)[number];
export type ListOperator = (typeof LIST_OPERATORS)[number];
export type BinaryOperator = (typeof BINARY_OPERATORS)[number];
export type Operator = UnaryOperator | ListOperator | BinaryOperator;
export type Transformer = (typeof TRANSFORMERS)[number];

export interface FieldExpr {
  readonly name: string;
  readonly arg?: string;
  /** Transformers, innermost first: `tolower(b64(x))` is ['b64', 'tolower']. */
  readonly transformers: readonly Transformer[];
  readonly offset: number;
}

export type Value = { readonly kind: 'string'; readonly text: string; readonly quoted: boolean } | { readonly kind: 'field'; readonly field: FieldExpr };

export type ListValue =
  | { readonly kind: 'list'; readonly items: readonly Value[] }
  /** A bare identifier after a list operator (no parentheses): must name a list. */
  | { readonly kind: 'list-ref'; readonly name: string };

export type Expr =
  | { readonly kind: 'and'; readonly items: readonly Expr[] }
  | { readonly kind: 'or'; readonly items: readonly Expr[] }
  | { readonly kind: 'not'; readonly expr: Expr }
  | { readonly kind: 'macro'; readonly name: string; readonly offset: number }
  | { readonly kind: 'unary'; readonly field: FieldExpr; readonly op: UnaryOperator; readonly offset: number }
  | { readonly kind: 'binary'; readonly field: FieldExpr; readonly op: BinaryOperator; readonly value: Value; readonly offset: number }
  | { readonly kind: 'list-check'; readonly field: FieldExpr; readonly op: ListOperator; readonly value: ListValue; readonly offset: number };

/** A syntax error with its offset in the condition text. */
export class ConditionSyntaxError extends Error {
  override readonly name = 'ConditionSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at condition offset ${offset})`);
  }
}

const MAX_DEPTH = 500;
const FIELD_NAME = /[a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)+/y;
const IDENTIFIER = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const BARE_STRING = /[^\s(),"']+/y;
/** Operators spelled as words (the rest are symbols), derived from the operator lists above. */
const WORD_OPERATORS = new Set<string>([...UNARY_OPERATORS, ...LIST_OPERATORS, ...BINARY_OPERATORS].filter((op) => /^[a-z]/.test(op)));
const SYMBOL_OPERATORS = ['==', '!=', '<=', '>=', '=', '<', '>'] as const;

/** Parses a condition; throws ConditionSyntaxError. */
export function parseCondition(text: string): Expr {
  const parser = new Parser(text);
  const expr = parser.parseExpr(0);
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail(`unexpected '${parser.peekText()}'`);
  return expr;
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(message: string, offset: number = this.pos): never {
    throw new ConditionSyntaxError(message, offset);
  }

  peekText(): string {
    return this.text.slice(this.pos, this.pos + 20).split(/\s/)[0] ?? '';
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private match(regex: RegExp): string | undefined {
    regex.lastIndex = this.pos;
    const m = regex.exec(this.text);
    if (m === null) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** A keyword at the current position followed by a non-identifier character. */
  private keyword(word: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(word, this.pos)) return false;
    const next = this.text[this.pos + word.length];
    if (next !== undefined && /[a-zA-Z0-9_.]/.test(next)) return false;
    this.pos += word.length;
    return true;
  }

  private char(c: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  parseExpr(depth: number): Expr {
    if (depth > MAX_DEPTH) this.fail('condition nested too deeply');
    const first = this.parseAnd(depth);
    const items = [first];
    while (this.keyword('or')) items.push(this.parseAnd(depth));
    return items.length === 1 ? first : { kind: 'or', items };
  }

  private parseAnd(depth: number): Expr {
    const first = this.parseNot(depth);
    const items = [first];
    while (this.keyword('and')) items.push(this.parseNot(depth));
    return items.length === 1 ? first : { kind: 'and', items };
  }

  private parseNot(depth: number): Expr {
    if (this.keyword('not')) return { kind: 'not', expr: this.parseNot(depth + 1) };
    return this.parseCheck(depth);
  }

  private parseCheck(depth: number): Expr {
    this.skipSpace();
    const start = this.pos;
    if (this.char('(')) {
      const inner = this.parseExpr(depth + 1);
      if (!this.char(')')) this.fail("expected ')'");
      return inner;
    }
    if (this.atEnd()) this.fail('unexpected end of condition, expected a check or a macro');
    const field = this.tryField();
    if (field === undefined) {
      const name = this.match(IDENTIFIER);
      if (name === undefined || ['and', 'or', 'not'].includes(name)) this.fail(`expected a field, a macro or '(' but found '${this.peekText()}'`, start);
      return { kind: 'macro', name, offset: start };
    }
    return this.parseCondition(field, start);
  }

  /** A field expression (with transformers), or undefined (position unchanged) when none is here. */
  private tryField(): FieldExpr | undefined {
    this.skipSpace();
    const start = this.pos;
    for (const t of TRANSFORMERS) {
      if (this.text.startsWith(`${t}(`, this.pos)) {
        this.pos += t.length + 1;
        const inner = this.tryField();
        if (inner === undefined) this.fail(`expected a field inside ${t}(...)`);
        if (!this.char(')')) this.fail(`expected ')' closing ${t}(...)`);
        return { ...inner, transformers: [...inner.transformers, t], offset: start };
      }
    }
    const name = this.match(FIELD_NAME);
    if (name === undefined) return undefined;
    let arg: string | undefined;
    if (this.text[this.pos] === '[') {
      const close = this.text.indexOf(']', this.pos + 1);
      if (close < 0) this.fail(`unterminated argument of field ${name}`);
      arg = this.text.slice(this.pos + 1, close);
      const quoted = /^(["'])(.*)\1$/s.exec(arg);
      if (quoted !== null) arg = quoted[2] ?? '';
      this.pos = close + 1;
    }
    return arg === undefined ? { name, transformers: [], offset: start } : { name, arg, transformers: [], offset: start };
  }

  private parseCondition(field: FieldExpr, start: number): Expr {
    this.skipSpace();
    const opStart = this.pos;
    for (const sym of SYMBOL_OPERATORS) {
      if (this.text.startsWith(sym, this.pos)) {
        this.pos += sym.length;
        return { kind: 'binary', field, op: sym, value: this.parseValue(), offset: start };
      }
    }
    const word = this.match(IDENTIFIER);
    if (word === undefined || !WORD_OPERATORS.has(word)) {
      this.pos = opStart;
      this.fail(`expected an operator after ${field.name} but found '${this.peekText()}'`);
    }
    if (word === 'exists') return { kind: 'unary', field, op: 'exists', offset: start };
    if (word === 'in' || word === 'intersects' || word === 'pmatch') {
      return { kind: 'list-check', field, op: word, value: this.parseList(), offset: start };
    }
    return { kind: 'binary', field, op: word as BinaryOperator, value: this.parseValue(), offset: start };
  }

  private parseList(): ListValue {
    this.skipSpace();
    if (!this.char('(')) {
      const name = this.match(IDENTIFIER);
      if (name === undefined) this.fail("expected '(' or a list name");
      return { kind: 'list-ref', name };
    }
    const items: Value[] = [];
    if (this.char(')')) return { kind: 'list', items };
    for (;;) {
      items.push(this.parseValue());
      if (this.char(')')) return { kind: 'list', items };
      if (!this.char(',')) this.fail("expected ',' or ')' in list");
    }
  }

  private parseValue(): Value {
    this.skipSpace();
    const quote = this.text[this.pos];
    if (quote === '"' || quote === "'") return { kind: 'string', text: this.parseQuoted(quote), quoted: true };
    if (this.text.startsWith('val(', this.pos)) {
      this.pos += 4;
      const field = this.tryField();
      if (field === undefined) this.fail('expected a field inside val(...)');
      if (!this.char(')')) this.fail("expected ')' closing val(...)");
      return { kind: 'field', field };
    }
    const text = this.match(BARE_STRING);
    if (text === undefined) this.fail(`expected a value but found '${this.peekText()}'`);
    return { kind: 'string', text, quoted: false };
  }

  /** A quoted string with libsinsp's escapes (\\, \", \', \n, \t, \r, \b, \f, \xHH). */
  private parseQuoted(quote: string): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text.charAt(this.pos);
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const n = this.text[this.pos + 1];
        const simple: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/' };
        if (n !== undefined && simple[n] !== undefined) {
          out += simple[n];
          this.pos += 2;
          continue;
        }
        if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(this.text.slice(this.pos + 2, this.pos + 4))) {
          out += String.fromCharCode(Number.parseInt(this.text.slice(this.pos + 2, this.pos + 4), 16));
          this.pos += 4;
          continue;
        }
        out += c;
        this.pos++;
        continue;
      }
      out += c;
      this.pos++;
    }
    return this.fail('unterminated quoted string', start);
  }
}
