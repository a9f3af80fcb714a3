/*
 * A reader of the HCL subset `.terraform.lock.hcl` uses (no maintained npm library parses HCL 2
 * natively; the Go parser is what Terraform runs): blocks with string or identifier labels,
 * attributes whose values are strings or lists of strings, `#`, `//` and `/* *\/` comments. Any
 * other expression (a number, a variable, a template interpolation, a heredoc, a function call)
 * ends the reading with an HclError: a lock file never holds one, so the file is not what it says.
 * Bounds: blocks nest at most MAX_DEPTH deep, MAX_ITEMS attributes, blocks and list items in all;
 * one pass over the text.
 */

const MAX_DEPTH = 16;
const MAX_ITEMS = 500_000;

export type HclValue = string | readonly string[];

export interface HclBody {
  readonly attributes: ReadonlyMap<string, HclValue>;
  readonly blocks: readonly HclBlock[];
}

export interface HclBlock {
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: HclBody;
}

export class HclError extends Error {}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;

class Reader {
  #at = 0;
  #items = 0;

  constructor(private readonly text: string) {}

  fail(what: string): never {
    const line = this.text.slice(0, this.#at).split('\n').length;
    throw new HclError(`${what} at line ${line}`);
  }

  /** Skip spaces, newlines and comments. */
  skip(): void {
    const text = this.text;
    for (;;) {
      const c = text[this.#at];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.#at += 1;
      else if (c === '#' || (c === '/' && text[this.#at + 1] === '/')) {
        const end = text.indexOf('\n', this.#at);
        this.#at = end < 0 ? text.length : end + 1;
      } else if (c === '/' && text[this.#at + 1] === '*') {
        const end = text.indexOf('*/', this.#at + 2);
        if (end < 0) this.fail('unterminated comment');
        this.#at = end + 2;
      } else return;
    }
  }

  peek(): string | undefined {
    this.skip();
    return this.text[this.#at];
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}'`);
    this.#at += 1;
  }

  count(): void {
    if ((this.#items += 1) > MAX_ITEMS) this.fail(`more than ${MAX_ITEMS} items`);
  }

  identifier(): string | null {
    this.skip();
    const start = this.#at;
    if (!IDENT_START.test(this.text[start] ?? '')) return null;
    let end = start + 1;
    while (end < this.text.length && IDENT_PART.test(this.text[end] ?? '')) end += 1;
    this.#at = end;
    return this.text.slice(start, end);
  }

  string(): string {
    this.expect('"');
    const text = this.text;
    let out = '';
    let run = this.#at;
    for (;;) {
      const c = text[this.#at];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === '"') break;
      if (c === '\\') {
        out += text.slice(run, this.#at) + this.escape();
        run = this.#at;
        continue;
      }
      if (c === '$' || c === '%') {
        const next = text[this.#at + 1];
        // `$${` and `%%{` are the escapes for a literal `${` and `%{`; a lone `${` or `%{` starts a template.
        if (next === c && text[this.#at + 2] === '{') {
          out += text.slice(run, this.#at) + c;
          this.#at += 2;
          run = this.#at;
          continue;
        }
        if (next === '{') this.fail('a template interpolation, not a literal string');
      }
      this.#at += 1;
    }
    out += text.slice(run, this.#at);
    this.#at += 1;
    return out;
  }

  private escape(): string {
    const c = this.text[this.#at + 1];
    this.#at += 2;
    switch (c) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case 'u':
      case 'U': {
        const length = c === 'u' ? 4 : 8;
        const hex = this.text.slice(this.#at, this.#at + length);
        const code = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === length ? Number.parseInt(hex, 16) : NaN;
        if (!(code <= 0x10ffff)) this.fail('invalid unicode escape');
        this.#at += length;
        return String.fromCodePoint(code);
      }
      default:
        return this.fail('invalid escape sequence');
    }
  }

  value(): HclValue {
    const c = this.peek();
    if (c === '"') return this.string();
    if (c !== '[') return this.fail('a value that is not a string or a list of strings');
    this.#at += 1;
    const items: string[] = [];
    for (;;) {
      if (this.peek() === ']') break;
      this.count();
      items.push(this.peek() === '"' ? this.string() : this.fail('a list item that is not a string'));
      if (this.peek() === ',') this.#at += 1;
      else if (this.peek() !== ']') this.fail("expected ',' or ']'");
    }
    this.#at += 1;
    return items;
  }

  /** Attributes and blocks until `}` (nested) or the end of the text (top level). */
  body(depth: number): HclBody {
    if (depth > MAX_DEPTH) this.fail(`blocks nested deeper than ${MAX_DEPTH}`);
    const attributes = new Map<string, HclValue>();
    const blocks: HclBlock[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        if (depth > 0) this.fail("expected '}'");
        break;
      }
      if (c === '}' && depth > 0) break;
      this.count();
      const name = this.identifier() ?? this.fail('expected an attribute or block name');
      if (this.peek() === '=') {
        this.#at += 1;
        if (attributes.has(name)) this.fail(`attribute ${name} set twice`);
        attributes.set(name, this.value());
        continue;
      }
      const labels: string[] = [];
      while (this.peek() !== '{') labels.push(this.peek() === '"' ? this.string() : (this.identifier() ?? this.fail("expected a block label or '{'")));
      this.#at += 1;
      const body = this.body(depth + 1);
      this.expect('}');
      blocks.push({ type: name, labels, body });
    }
    return { attributes, blocks };
  }
}

/** The top-level body of an HCL text; throws HclError on anything outside the subset. */
export function readHcl(text: string): HclBody {
  return new Reader(text).body(0);
}
