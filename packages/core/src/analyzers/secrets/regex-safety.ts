/**
 * A structural check that a regular expression cannot backtrack catastrophically in V8's
 * backtracking engine. It accepts only a subset of JavaScript regex syntax and rejects the
 * shapes known to cause super-linear backtracking (Davis et al., "The Impact of Regular Expression
 * Denial of Service (ReDoS) in Practice", FSE 2018; Weideman et al., "Analyzing Matching Time
 * Behavior of Backtracking Regular Expression Matchers by Using Ambiguity of NFA", CIAA 2016):
 *
 * - `unbounded-quantifier`: `*`, `+`, `{n,}` — every repetition must have an upper bound, so a
 *   match attempt from one position costs at most a constant that depends on the pattern only.
 * - `nested-quantifier`: a repetition (upper bound > 1) over a body of variable width — star
 *   height above one, the source of exponential blow-up (`(a+)+`, `(a|ab){1,9}`).
 * - `ambiguous-alternation`: alternatives inside a repetition whose first characters overlap
 *   (`(?:a|a){1,20}`): also exponential.
 * - `adjacent-overlap`: two elastic items (repetitions whose count can vary by two or more) in
 *   one sequence, with only optional items between them, that can consume the same character
 *   (`\w{1,99}\w{1,99}`, `\w{1,99}x\w{1,99}`): polynomial in the repetition bounds. A fixed
 *   item whose characters the first repetition also matches does not separate the two.
 * - `unsupported`: back-references and constructs the checker does not model.
 *
 * The check is conservative: it may reject a safe pattern, never the other way round for the
 * subset it accepts. Rules run on bounded windows as well (see engine.ts), so the two together
 * bound the work per file.
 */
import { ruleRegExp } from './rule-regexp.js';

export type RegexSafetyIssueKind = 'unbounded-quantifier' | 'nested-quantifier' | 'ambiguous-alternation' | 'adjacent-overlap' | 'too-large' | 'unsupported';

export interface RegexSafetyIssue {
  readonly kind: RegexSafetyIssueKind;
  readonly message: string;
}

/** Largest repetition bound a rule may use. */
export const MAX_REPEAT = 32_768;

// Character sets: 128 ASCII bits plus one bit for "any non-ASCII code unit".
export class CharSet {
  readonly bits = new Uint32Array(5);

  static of(...codes: number[]): CharSet {
    const set = new CharSet();
    for (const code of codes) set.add(code);
    return set;
  }

  static all(): CharSet {
    const set = new CharSet();
    set.bits.fill(0xffffffff);
    return set;
  }

  add(code: number): void {
    const bit = code < 128 ? code : 128;
    this.bits[bit >>> 5] = (this.bits[bit >>> 5] ?? 0) | (1 << (bit & 31));
  }

  addRange(from: number, to: number): void {
    if (to >= 128) this.add(128);
    for (let code = from; code <= Math.min(to, 127); code++) this.add(code);
  }

  addSet(other: CharSet): void {
    for (let i = 0; i < 5; i++) this.bits[i] = (this.bits[i] ?? 0) | (other.bits[i] ?? 0);
  }

  negate(): CharSet {
    const set = new CharSet();
    for (let i = 0; i < 5; i++) set.bits[i] = ~(this.bits[i] ?? 0);
    // Negated ASCII classes still match non-ASCII characters.
    set.add(128);
    return set;
  }

  intersects(other: CharSet): boolean {
    for (let i = 0; i < 5; i++) if (((this.bits[i] ?? 0) & (other.bits[i] ?? 0)) !== 0) return true;
    return false;
  }

  isSubsetOf(other: CharSet): boolean {
    for (let i = 0; i < 5; i++) if (((this.bits[i] ?? 0) & ~(other.bits[i] ?? 0)) !== 0) return false;
    return true;
  }

  foldCase(): CharSet {
    const set = new CharSet();
    set.addSet(this);
    for (let code = 65; code <= 90; code++) {
      if (this.has(code) || this.has(code + 32)) {
        set.add(code);
        set.add(code + 32);
      }
    }
    return set;
  }

  /** ASCII members, in code order. */
  members(): number[] {
    const out: number[] = [];
    for (let code = 0; code < 128; code++) if (this.has(code)) out.push(code);
    return out;
  }

  has(code: number): boolean {
    const bit = code < 128 ? code : 128;
    return ((this.bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }
}

const DIGIT = (): CharSet => {
  const set = new CharSet();
  set.addRange(48, 57);
  return set;
};
const WORD = (): CharSet => {
  const set = DIGIT();
  set.addRange(65, 90);
  set.addRange(97, 122);
  set.add(95);
  return set;
};
const SPACE = (): CharSet => {
  const set = CharSet.of(32, 9, 10, 11, 12, 13);
  set.add(128);
  return set;
};

/** The parsed form of the supported regex subset. */
export type RegexNode =
  | { readonly t: 'char'; readonly set: CharSet }
  | { readonly t: 'assert' }
  | { readonly t: 'look'; readonly body: RegexNode }
  | { readonly t: 'group'; readonly alts: readonly (readonly RegexNode[])[]; readonly name?: string }
  | { readonly t: 'repeat'; readonly body: RegexNode; readonly min: number; readonly max: number; readonly lazy: boolean };
type Node = RegexNode;

class ParseError extends Error {}

class Parser {
  private pos = 0;
  readonly issues: RegexSafetyIssue[] = [];

  constructor(
    private readonly src: string,
    private ignoreCase: boolean,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) throw new ParseError(`unexpected ')' at ${this.pos}`);
    return node;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private alternation(): Node {
    const alts: Node[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      alts.push(this.sequence());
    }
    return { t: 'group', alts };
  }

  private sequence(): Node[] {
    const items: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') return items;
      const atom = this.atom();
      items.push(this.quantifier(atom));
    }
  }

  private quantifier(atom: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
    } else if (c === '{') {
      const m = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(this.src.slice(this.pos, this.pos + 16));
      if (m === null) return atom; // a literal '{' (Annex B)
      this.pos += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else {
      return atom;
    }
    const lazy = this.peek() === '?'; // lazy: same search space
    if (lazy) this.pos++;
    if (atom.t === 'assert' || atom.t === 'look') throw new ParseError('quantified assertion');
    return { t: 'repeat', body: atom, min, max, lazy };
  }

  private atom(): Node {
    const c = this.src[this.pos++];
    switch (c) {
      case '^':
      case '$':
        return { t: 'assert' };
      case '.':
        // '.' excludes line terminators; treating it as "everything" keeps the check conservative.
        return { t: 'char', set: CharSet.all() };
      case '[':
        return { t: 'char', set: this.fold(this.charClass()) };
      case '(':
        return this.group();
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new ParseError(`nothing to repeat at ${this.pos - 1}`);
      case undefined:
        throw new ParseError('unexpected end');
      default:
        return { t: 'char', set: this.fold(CharSet.of(c.charCodeAt(0))) };
    }
  }

  private fold(set: CharSet): CharSet {
    return this.ignoreCase ? set.foldCase() : set;
  }

  private group(): Node {
    const rest = this.src.slice(this.pos, this.pos + 3);
    let look = false;
    let name: string | undefined;
    if (rest.startsWith('?:')) this.pos += 2;
    else if (rest.startsWith('?=') || rest.startsWith('?!')) {
      this.pos += 2;
      look = true;
    } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
      this.pos += 3;
      look = true;
    } else if (rest.startsWith('?<')) {
      const end = this.src.indexOf('>', this.pos);
      if (end < 0) throw new ParseError('unterminated group name');
      name = this.src.slice(this.pos + 2, end);
      this.pos = end + 1;
    } else if (rest.startsWith('?')) {
      // Modifier group (`(?i:…)`, `(?-i:…)`): only the case flag changes what a class matches.
      const modifiers = /^\?([ims]{0,3})(?:-([ims]{1,3}))?:/.exec(this.src.slice(this.pos, this.pos + 10));
      if (modifiers === null) throw new ParseError('unsupported group syntax');
      this.pos += modifiers[0].length;
      const outer = this.ignoreCase;
      if ((modifiers[1] ?? '').includes('i')) this.ignoreCase = true;
      if ((modifiers[2] ?? '').includes('i')) this.ignoreCase = false;
      const body = this.alternation();
      this.ignoreCase = outer;
      if (this.src[this.pos++] !== ')') throw new ParseError('unterminated group');
      return body;
    }
    const body = this.alternation();
    if (this.src[this.pos++] !== ')') throw new ParseError('unterminated group');
    if (look) return { t: 'look', body };
    return name === undefined || body.t !== 'group' ? body : { ...body, name };
  }

  private escape(): Node {
    const c = this.src[this.pos++];
    if (c === 'b' || c === 'B') return { t: 'assert' };
    if (c !== undefined && /[1-9]/.test(c)) {
      this.issues.push({ kind: 'unsupported', message: 'back-references are not allowed' });
      return { t: 'char', set: CharSet.all() };
    }
    if (c === 'k') {
      this.issues.push({ kind: 'unsupported', message: 'named back-references are not allowed' });
      return { t: 'char', set: CharSet.all() };
    }
    return { t: 'char', set: this.fold(this.escapeSet(c)) };
  }

  private escapeSet(c: string | undefined): CharSet {
    switch (c) {
      case 'd':
        return DIGIT();
      case 'D':
        return DIGIT().negate();
      case 'w':
        return WORD();
      case 'W':
        return WORD().negate();
      case 's':
        return SPACE();
      case 'S':
        return SPACE().negate();
      case 'n':
        return CharSet.of(10);
      case 'r':
        return CharSet.of(13);
      case 't':
        return CharSet.of(9);
      case 'f':
        return CharSet.of(12);
      case 'v':
        return CharSet.of(11);
      case '0':
        return CharSet.of(0);
      case 'x': {
        const hex = this.src.slice(this.pos, this.pos + 2);
        this.pos += 2;
        return CharSet.of(Number.parseInt(hex, 16));
      }
      case 'u': {
        const hex = this.src.slice(this.pos, this.pos + 4);
        this.pos += 4;
        return CharSet.of(Number.parseInt(hex, 16));
      }
      case 'c':
        this.pos++;
        return CharSet.all();
      case 'p':
      case 'P':
        throw new ParseError('unicode property escapes are not supported');
      case undefined:
        throw new ParseError('trailing backslash');
      default:
        return CharSet.of(c.charCodeAt(0));
    }
  }

  private charClass(): CharSet {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const set = new CharSet();
    let first = true;
    for (;;) {
      const c = this.src[this.pos++];
      if (c === undefined) throw new ParseError('unterminated character class');
      if (c === ']' && !first) break;
      first = false;
      let lo: number;
      if (c === '\\') {
        const e = this.src[this.pos++];
        if (e === 'b') lo = 8;
        else if (e !== undefined && 'dDwWsS'.includes(e)) {
          set.addSet(this.escapeSet(e));
          continue;
        } else {
          const s = this.escapeSet(e);
          const code = firstCode(s);
          if (code === null) {
            set.addSet(s);
            continue;
          }
          lo = code;
        }
      } else lo = c.charCodeAt(0);
      if (this.peek() === '-' && this.src[this.pos + 1] !== ']' && this.src[this.pos + 1] !== undefined) {
        this.pos++;
        let hiChar = this.src[this.pos++];
        let hi: number;
        if (hiChar === '\\') {
          hiChar = this.src[this.pos++];
          hi = firstCode(this.escapeSet(hiChar)) ?? 128;
        } else hi = (hiChar ?? '').charCodeAt(0);
        if (hi < lo) throw new ParseError('range out of order');
        set.addRange(lo, hi);
      } else set.add(lo);
    }
    return negated ? set.negate() : set;
  }
}

function firstCode(set: CharSet): number | null {
  let found: number | null = null;
  for (let code = 0; code <= 128; code++) {
    if (set.has(code)) {
      if (found !== null) return null;
      found = code;
    }
  }
  return found;
}

function minWidth(node: Node): number {
  switch (node.t) {
    case 'char':
      return 1;
    case 'assert':
    case 'look':
      return 0;
    case 'group':
      return Math.min(...node.alts.map((seq) => seq.reduce((sum, item) => sum + minWidth(item), 0)));
    case 'repeat':
      return node.min * minWidth(node.body);
  }
}

function maxWidth(node: Node): number {
  switch (node.t) {
    case 'char':
      return 1;
    case 'assert':
    case 'look':
      return 0;
    case 'group':
      return Math.max(...node.alts.map((seq) => seq.reduce((sum, item) => sum + maxWidth(item), 0)));
    case 'repeat':
      return node.max === 0 ? 0 : node.max * maxWidth(node.body);
  }
}

/** Every character the node can consume. */
function charsOf(node: Node): CharSet {
  const set = new CharSet();
  const visit = (n: Node): void => {
    if (n.t === 'char') set.addSet(n.set);
    else if (n.t === 'group') for (const seq of n.alts) for (const item of seq) visit(item);
    else if (n.t === 'repeat') visit(n.body);
  };
  visit(node);
  return set;
}

/** Characters the node can start with. */
function firstOf(node: Node): CharSet {
  const set = new CharSet();
  if (node.t === 'char') set.addSet(node.set);
  else if (node.t === 'repeat') set.addSet(firstOf(node.body));
  else if (node.t === 'group') {
    for (const seq of node.alts) {
      for (const item of seq) {
        set.addSet(firstOf(item));
        if (minWidth(item) > 0) break;
      }
    }
  }
  return set;
}

function isVariable(node: Node): boolean {
  return minWidth(node) !== maxWidth(node);
}

/** Contains a repetition whose count can vary by two or more: the part that trades characters with a neighbour. */
function isElastic(node: Node): boolean {
  switch (node.t) {
    case 'char':
    case 'assert':
    case 'look':
      return false;
    case 'repeat':
      return node.max - node.min >= 2 || isElastic(node.body);
    case 'group':
      return node.alts.some((seq) => seq.some(isElastic));
  }
}

function check(node: Node, issues: RegexSafetyIssue[]): void {
  switch (node.t) {
    case 'char':
    case 'assert':
      return;
    case 'look':
      check(node.body, issues);
      return;
    case 'repeat':
      if (node.max === Infinity) {
        issues.push({ kind: 'unbounded-quantifier', message: 'use a bounded repetition {m,n} instead of *, + or {n,}' });
      } else if (node.max > MAX_REPEAT) {
        issues.push({ kind: 'too-large', message: `repetition bound ${node.max} exceeds ${MAX_REPEAT}` });
      }
      if (node.max > 1) {
        if (isVariable(node.body) || maxWidth(node.body) === 0) {
          issues.push({ kind: 'nested-quantifier', message: 'a repeated group must have a fixed width' });
        }
        checkAlternativesDisjoint(node.body, issues);
      }
      check(node.body, issues);
      return;
    case 'group':
      for (const seq of node.alts) {
        checkSequence(seq, issues);
        for (const item of seq) check(item, issues);
      }
      return;
  }
}

function checkAlternativesDisjoint(node: Node, issues: RegexSafetyIssue[]): void {
  if (node.t === 'group' && node.alts.length > 1) {
    const firsts = node.alts.map((seq) => firstOf({ t: 'group', alts: [seq] }));
    for (let i = 0; i < firsts.length; i++) {
      for (let j = i + 1; j < firsts.length; j++) {
        if (firsts[i]!.intersects(firsts[j]!)) {
          issues.push({ kind: 'ambiguous-alternation', message: 'alternatives inside a repetition start with the same character' });
          return;
        }
      }
    }
  }
  if (node.t === 'group') for (const seq of node.alts) for (const item of seq) checkAlternativesDisjoint(item, issues);
  if (node.t === 'repeat') checkAlternativesDisjoint(node.body, issues);
}

function checkSequence(seq: readonly Node[], issues: RegexSafetyIssue[]): void {
  for (let i = 0; i < seq.length; i++) {
    const a = seq[i]!;
    if (!isElastic(a)) continue;
    const charsA = charsOf(a);
    for (let j = i + 1; j < seq.length; j++) {
      const b = seq[j]!;
      if (isElastic(b) && charsA.intersects(charsOf(b))) {
        issues.push({
          kind: 'adjacent-overlap',
          message: `items ${i} and ${j} of a sequence are both variable-width and can consume the same character`,
        });
        return;
      }
      // A fixed item made only of characters `a` can also consume does not separate them.
      if (minWidth(b) > 0 && (isElastic(b) || !charsOf(b).isSubsetOf(charsA))) break;
    }
  }
}

/** Parse `source` (the supported subset); throws on syntax the checker does not model. */
export function parseRegex(source: string, flags = ''): RegexNode {
  return new Parser(source, flags.includes('i')).parse();
}

/** Issues that make `source` unsafe to run on untrusted text; empty when it passes. */
export function checkRegexSafety(source: string, flags = ''): RegexSafetyIssue[] {
  if (/[^gimdy]/.test(flags)) return [{ kind: 'unsupported', message: `flags '${flags}' are not allowed (only i, m)` }];
  const parser = new Parser(source, flags.includes('i'));
  let root: Node;
  try {
    root = parser.parse();
    ruleRegExp(source, flags);
  } catch (error) {
    return [{ kind: 'unsupported', message: error instanceof Error ? error.message : String(error) }];
  }
  const issues = [...parser.issues];
  check(root, issues);
  return issues;
}
