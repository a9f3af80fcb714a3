/**
 * Word processing and variable expansion as the Dockerfile reference describes it
 * ("Environment replacement", https://docs.docker.com/reference/dockerfile/#environment-replacement):
 * `$name`, `${name}`, `${name:-word}`, `${name-word}`, `${name:+word}`, `${name+word}`,
 * `${name:?msg}`, `${name?msg}`, and the newer `${name#pat}`, `${name##pat}`, `${name%pat}`,
 * `${name%%pat}`; the escape character before `$` keeps it literal; single quotes are literal,
 * double quotes expand; quotes are removed from the result. Written from the reference, not
 * from BuildKit's lexer.
 *
 * Input is bounded by the caller (one logical line); output is bounded so that nested defaults
 * and repeated references cannot blow up: an expansion past `MAX_OUTPUT` characters fails with
 * `LIMIT_ENTRY_SIZE` rather than being cut (a cut value would be checked in part, silently).
 */
import { SekishoError } from '../../errors.js';

/** Variables visible to an instruction: `undefined` means declared but unset (an ARG without value). */
export type VariableLookup = (name: string) => string | undefined;

export interface ExpandResult {
  readonly value: string;
  /** Names referenced but unset in scope (build args the file does not give a value). */
  readonly unresolved: readonly string[];
}

export const MAX_OUTPUT = 256 * 1024;

function tooLong(): SekishoError {
  return new SekishoError('LIMIT_ENTRY_SIZE', `variable expansion produces more than ${MAX_OUTPUT} characters`);
}
const MAX_DEPTH = 8;

function isNameStart(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_';
}
function isNameChar(c: string): boolean {
  return isNameStart(c) || (c >= '0' && c <= '9');
}
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

class Lexer {
  private pos = 0;
  readonly unresolved = new Set<string>();

  constructor(
    private readonly src: string,
    private readonly escape: string,
    private readonly lookup: VariableLookup,
    private readonly depth: number,
    private readonly expand = true,
  ) {}

  /** All words, split at unquoted whitespace. */
  words(): string[] {
    const out: string[] = [];
    for (;;) {
      while (this.pos < this.src.length && isSpace(this.src.charAt(this.pos))) this.pos++;
      if (this.pos >= this.src.length) return out;
      out.push(this.word(true));
    }
  }

  /** One word; when `stopAtSpace` is false the whole input is one word (spaces kept). */
  word(stopAtSpace: boolean, stopAt = ''): string {
    let out = '';
    while (this.pos < this.src.length) {
      const c = this.src.charAt(this.pos);
      if (stopAtSpace && isSpace(c)) break;
      if (stopAt !== '' && c === stopAt) break;
      if (c === this.escape) {
        const next = this.src.charAt(this.pos + 1);
        this.pos += 2;
        out += next;
      } else if (c === "'") {
        this.pos++;
        const end = this.src.indexOf("'", this.pos);
        const stop = end === -1 ? this.src.length : end;
        out += this.src.slice(this.pos, stop);
        this.pos = stop + 1;
      } else if (c === '"') {
        this.pos++;
        out += this.doubleQuoted();
      } else if (c === '$' && this.expand) {
        out += this.dollar();
      } else {
        out += c;
        this.pos++;
      }
      if (out.length > MAX_OUTPUT) throw tooLong();
    }
    return out;
  }

  private doubleQuoted(): string {
    let out = '';
    while (this.pos < this.src.length) {
      const c = this.src.charAt(this.pos);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === this.escape) {
        const next = this.src.charAt(this.pos + 1);
        if (next === '"' || next === '$' || next === this.escape) {
          out += next;
          this.pos += 2;
          continue;
        }
        out += c;
        this.pos++;
      } else if (c === '$' && this.expand) {
        out += this.dollar();
      } else {
        out += c;
        this.pos++;
      }
      if (out.length > MAX_OUTPUT) throw tooLong();
    }
    return out;
  }

  private get(name: string): string | undefined {
    const v = this.lookup(name);
    if (v === undefined) this.unresolved.add(name);
    return v;
  }

  /** At a `$`: a variable reference, or a literal `$`. */
  private dollar(): string {
    const start = this.pos;
    this.pos++;
    const c = this.src.charAt(this.pos);
    if (c === '{') {
      this.pos++;
      return this.braced(start);
    }
    if (c !== '' && isNameStart(c)) {
      let end = this.pos;
      while (end < this.src.length && isNameChar(this.src.charAt(end))) end++;
      const name = this.src.slice(this.pos, end);
      this.pos = end;
      return this.get(name) ?? '';
    }
    return '$';
  }

  private braced(start: number): string {
    let end = this.pos;
    while (end < this.src.length && isNameChar(this.src.charAt(end))) end++;
    const name = this.src.slice(this.pos, end);
    this.pos = end;
    if (name === '') {
      // `${` without a name: keep it literally, as the reference does not define it.
      return this.src.slice(start, this.pos);
    }
    const c = this.src.charAt(this.pos);
    if (c === '}') {
      this.pos++;
      return this.get(name) ?? '';
    }
    let op = c;
    this.pos++;
    if (op === ':') {
      op += this.src.charAt(this.pos);
      this.pos++;
    } else if ((op === '#' || op === '%') && this.src.charAt(this.pos) === op) {
      op += op;
      this.pos++;
    }
    const word = this.nested();
    const value = this.lookup(name);
    switch (op) {
      case ':-':
        return value === undefined || value === '' ? word : value;
      case '-':
        return value ?? word;
      case ':+':
        return value === undefined || value === '' ? '' : word;
      case '+':
        return value === undefined ? '' : word;
      case ':?':
      case '?':
        if (value === undefined || (op === ':?' && value === '')) {
          this.unresolved.add(name);
          return '';
        }
        return value;
      case '#':
      case '##':
      case '%':
      case '%%':
        if (value === undefined) {
          this.unresolved.add(name);
          return '';
        }
        return trimPattern(value, word, op);
      default:
        // Unknown modifier: the build would fail; give the plain value.
        return value ?? '';
    }
  }

  /** The word inside `${name<op>word}`, expanded, up to the matching `}`. */
  private nested(): string {
    if (this.depth >= MAX_DEPTH) {
      const end = this.src.indexOf('}', this.pos);
      const stop = end === -1 ? this.src.length : end;
      const raw = this.src.slice(this.pos, stop);
      this.pos = stop + 1;
      return raw;
    }
    const inner = new Lexer(this.src, this.escape, this.lookup, this.depth + 1);
    inner.pos = this.pos;
    const out = inner.word(false, '}');
    this.pos = inner.pos + 1;
    for (const n of inner.unresolved) this.unresolved.add(n);
    return out;
  }
}

/** Shortest/longest prefix (`#`, `##`) or suffix (`%`, `%%`) matching a glob (`*`, `?`). */
function trimPattern(value: string, pattern: string, op: string): string {
  const n = value.length;
  if (op === '#' || op === '##') {
    const lengths = op === '#' ? range(0, n) : range(n, 0);
    for (const len of lengths) if (globMatch(pattern, value.slice(0, len))) return value.slice(len);
  } else {
    const lengths = op === '%' ? range(0, n) : range(n, 0);
    for (const len of lengths) if (globMatch(pattern, value.slice(n - len))) return value.slice(0, n - len);
  }
  return value;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let i = from; i <= to; i++) out.push(i);
  else for (let i = from; i >= to; i--) out.push(i);
  return out;
}

/** Glob match with `*` and `?` by dynamic programming: O(|p|·|s|), no backtracking. */
export function globMatch(pattern: string, text: string): boolean {
  if (pattern.length * (text.length + 1) > 4_000_000) return false;
  let prev: boolean[] = new Array<boolean>(text.length + 1).fill(false);
  prev[0] = true;
  for (const pc of pattern) {
    const cur: boolean[] = new Array<boolean>(text.length + 1).fill(false);
    if (pc === '*') {
      let any = false;
      for (let j = 0; j <= text.length; j++) {
        any = any || prev[j] === true;
        cur[j] = any;
      }
    } else {
      for (let j = 1; j <= text.length; j++) {
        cur[j] = prev[j - 1] === true && (pc === '?' || text.charAt(j - 1) === pc);
      }
    }
    prev = cur;
  }
  return prev[text.length] === true;
}

/** Expands one word (quotes removed, whitespace kept). */
export function expandWord(src: string, lookup: VariableLookup, escape = '\\'): ExpandResult {
  const lx = new Lexer(src, escape, lookup, 0);
  const value = lx.word(false);
  return { value, unresolved: [...lx.unresolved].sort() };
}

/** Splits at unquoted whitespace and expands every word. */
export function expandWords(src: string, lookup: VariableLookup, escape = '\\'): { words: string[]; unresolved: string[] } {
  const lx = new Lexer(src, escape, lookup, 0);
  const words = lx.words();
  return { words, unresolved: [...lx.unresolved].sort() };
}

/**
 * Splits at unquoted whitespace without expanding or removing quotes (the raw words, e.g. to
 * find `key=value` pairs or heredoc markers before processing them).
 */
export function splitRawWords(src: string, escape = '\\'): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < src.length; i++) {
    const c = src.charAt(i);
    if (quote === '') {
      if (isSpace(c)) {
        if (inWord) out.push(cur);
        cur = '';
        inWord = false;
        continue;
      }
      inWord = true;
      if (c === escape && i + 1 < src.length) {
        cur += c + src.charAt(i + 1);
        i++;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      cur += c;
    } else {
      cur += c;
      if (quote === '"' && c === escape && i + 1 < src.length) {
        cur += src.charAt(i + 1);
        i++;
      } else if (c === quote) {
        quote = '';
      }
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** Removes quotes and escapes without expanding variables. */
export function unquote(src: string, escape = '\\'): string {
  return new Lexer(src, escape, () => undefined, 0, false).word(false);
}
