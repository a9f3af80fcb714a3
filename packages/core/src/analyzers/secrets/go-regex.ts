/**
 * Go RE2 patterns (gitleaks and Trivy rule files) translated to JavaScript regex source.
 * RE2 syntax: https://github.com/google/re2/wiki/Syntax.
 *
 * - Inline flags `(?i)` apply to the rest of the enclosing group in RE2; they become a modifier
 *   group `(?i:…)` that is closed at each `|` and reopened after it, and closed with the group.
 *   `(?s)` / `(?s:…)` turn `.` into `[\s\S]`; `(?m)` is dropped (rules always run line-wise).
 * - `(?P<name>…)` becomes `(?<name>…)`; `\z` and `\A` become end/start-of-input lookarounds.
 * - `.` becomes `[^\n]` (RE2's dot matches `\r`, JavaScript's does not).
 * - Unbounded repetitions (`*`, `+`, `{n,}`) get the upper bound UNBOUNDED_AS: rules run on
 *   windows of at most a few KiB, so the bound changes no match there, and the regex-safety
 *   check requires one.
 * - POSIX classes inside brackets (`[[:alnum:]]`) become ranges.
 * - Where the engine has no modifier groups (V8 before 12.5: Node 22), case-insensitive parts are
 *   spelled out instead: an ASCII letter becomes `[aA]` and a character class gains the other case
 *   of every ASCII letter it holds (non-ASCII letters keep their case there).
 * Refused, with a message: `\Q…\E`, Unicode classes (`\p{…}`), `\C`, the ungreedy flag `U`.
 */
import { ENGINE_HAS_MODIFIER_GROUPS } from './regex-features.js';

/** Upper bound given to `*`, `+` and `{n,}`. */
export const UNBOUNDED_AS = 4096;

export type GoRegexResult =
  | {
      readonly ok: true;
      readonly source: string;
      /** Number of capturing groups. */
      readonly groups: number;
      /** Capturing group number of each named group. */
      readonly names: ReadonlyMap<string, number>;
    }
  | { readonly ok: false; readonly error: string };

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

interface Frame {
  /** Inline-flag wrappers opened in this group: each is `(?i:` or `(?-i:` and needs a `)`. */
  wrappers: string[];
  dotAll: boolean;
  /** Case-insensitive here (used only where the engine has no modifier groups). */
  caseless: boolean;
}

const ASCII_LETTER = /^[A-Za-z]$/;

class Unsupported extends Error {}

/** `modifiers`: emit `(?i:…)` groups (the engine has them), or spell case-insensitivity out. */
export function translateGoRegex(source: string, modifiers: boolean = ENGINE_HAS_MODIFIER_GROUPS): GoRegexResult {
  try {
    return translate(source, modifiers);
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, error: error.message };
    throw error;
  }
}

function translate(src: string, modifiers: boolean): GoRegexResult {
  let out = '';
  let groups = 0;
  const names = new Map<string, number>();
  const frames: Frame[] = [{ wrappers: [], dotAll: false, caseless: false }];
  const top = (): Frame => frames[frames.length - 1] as Frame;
  let i = 0;

  const quantifier = (): void => {
    // After an atom: a quantifier, possibly lazy.
    const c = src[i];
    let q = '';
    if (c === '*') {
      q = `{0,${UNBOUNDED_AS}}`;
      i++;
    } else if (c === '+') {
      q = `{1,${UNBOUNDED_AS}}`;
      i++;
    } else if (c === '?') {
      q = '?';
      i++;
    } else if (c === '{') {
      const m = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(src.slice(i));
      if (m === null) return;
      const min = Number(m[1]);
      if (m[2] === undefined) q = `{${min}}`;
      else if (m[3] === undefined || m[3] === '') q = `{${min},${Math.max(min, UNBOUNDED_AS)}}`;
      else q = `{${min},${m[3]}}`;
      i += m[0].length;
    } else return;
    if (src[i] === '?') {
      q += '?';
      i++;
    }
    out += q;
  };

  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new Unsupported('trailing backslash');
      if (n === 'Q') throw new Unsupported('\\Q…\\E literals are not supported');
      if (n === 'p' || n === 'P') throw new Unsupported('Unicode classes (\\p{…}) are not supported');
      if (n === 'C') throw new Unsupported('\\C is not supported');
      if (n === 'z') out += '(?![\\s\\S])';
      else if (n === 'A') out += '(?<![\\s\\S])';
      else if (/[1-9]/.test(n)) throw new Unsupported('back-references are not supported');
      else out += `\\${n}`;
      i += 2;
      if (n !== 'b' && n !== 'B' && n !== 'z' && n !== 'A') quantifier();
      continue;
    }
    if (c === '[') {
      out += bracket();
      quantifier();
      continue;
    }
    if (c === '(') {
      const rest = src.slice(i);
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      const inline = /^\(\?([imsU]*)(?:-([imsU]*))?\)/.exec(rest);
      const modifier = /^\(\?([imsU]*)(?:-([imsU]*))?:/.exec(rest);
      if (named !== null) {
        groups++;
        if (names.has(named[1] as string)) throw new Unsupported(`group name '${named[1]}' is used twice`);
        names.set(named[1] as string, groups);
        out += `(?<${named[1]}>`;
        i += named[0].length;
        frames.push({ wrappers: [], dotAll: top().dotAll, caseless: top().caseless });
      } else if (inline !== null) {
        const on = inline[1] ?? '';
        const off = inline[2] ?? '';
        if (on.includes('U') || off.includes('U')) throw new Unsupported('the ungreedy flag U is not supported');
        const frame = top();
        if (on.includes('s')) frame.dotAll = true;
        if (off.includes('s')) frame.dotAll = false;
        if (on.includes('i')) frame.caseless = true;
        if (off.includes('i')) frame.caseless = false;
        const wrapper = !modifiers ? null : on.includes('i') ? '(?i:' : off.includes('i') ? '(?-i:' : null;
        if (wrapper !== null) {
          frame.wrappers.push(wrapper);
          out += wrapper;
        }
        i += inline[0].length;
      } else if (modifier !== null) {
        const on = modifier[1] ?? '';
        const off = modifier[2] ?? '';
        if (on.includes('U') || off.includes('U')) throw new Unsupported('the ungreedy flag U is not supported');
        const dotAll = on.includes('s') ? true : off.includes('s') ? false : top().dotAll;
        const caseless = on.includes('i') ? true : off.includes('i') ? false : top().caseless;
        out += !modifiers ? '(?:' : on.includes('i') ? '(?i:' : off.includes('i') ? '(?-i:' : '(?:';
        i += modifier[0].length;
        frames.push({ wrappers: [], dotAll, caseless });
      } else if (rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
        const head = rest.startsWith('(?<') ? 4 : 3;
        out += rest.slice(0, head);
        i += head;
        frames.push({ wrappers: [], dotAll: top().dotAll, caseless: top().caseless });
      } else if (rest.startsWith('(?')) {
        throw new Unsupported(`unsupported group syntax '${rest.slice(0, 6)}'`);
      } else {
        groups++;
        out += '(';
        i++;
        frames.push({ wrappers: [], dotAll: top().dotAll, caseless: top().caseless });
      }
      continue;
    }
    if (c === ')') {
      const frame = frames.pop();
      if (frame === undefined || frames.length === 0) throw new Unsupported('unbalanced parenthesis');
      out += ')'.repeat(frame.wrappers.length) + ')';
      i++;
      quantifier();
      continue;
    }
    if (c === '|') {
      const frame = top();
      out += ')'.repeat(frame.wrappers.length) + '|' + frame.wrappers.join('');
      i++;
      continue;
    }
    if (c === '.') {
      out += top().dotAll ? '[\\s\\S]' : '[^\\n]';
      i++;
      quantifier();
      continue;
    }
    if (c === '{' || c === '}') {
      // A brace that does not start a quantifier is a literal in RE2.
      out += `\\${c}`;
      i++;
      quantifier();
      continue;
    }
    if (c === '*' || c === '+' || c === '?') throw new Unsupported(`nothing to repeat at offset ${i}`);
    out += !modifiers && top().caseless && ASCII_LETTER.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
    i++;
    if (c !== '^' && c !== '$') quantifier();
  }
  if (frames.length !== 1) throw new Unsupported('unbalanced parenthesis');
  out += ')'.repeat(top().wrappers.length);
  return { ok: true, source: out, groups, names };

  function bracket(): string {
    // src[i] === '['
    let body = '';
    i++;
    let negate = false;
    if (src[i] === '^') {
      negate = true;
      i++;
    }
    let first = true;
    for (;;) {
      const c = src[i];
      if (c === undefined) throw new Unsupported('unterminated character class');
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[' && src[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]{1,8}):\]/.exec(src.slice(i));
        const range = m === null ? undefined : POSIX[m[2] as string];
        if (m === null || range === undefined) throw new Unsupported(`unknown POSIX class at offset ${i}`);
        if (m[1] === '^') throw new Unsupported('negated POSIX classes are not supported');
        body += range;
        i += m[0].length;
        continue;
      }
      if (c === '\\') {
        const n = src[i + 1];
        if (n === undefined) throw new Unsupported('trailing backslash');
        if (n === 'p' || n === 'P') throw new Unsupported('Unicode classes (\\p{…}) are not supported');
        body += `\\${n}`;
        i += 2;
        continue;
      }
      // `]` first is a literal in RE2 but closes an empty class in JavaScript; `[` is a literal in both, escaped for clarity.
      body += c === ']' || c === '[' ? `\\${c}` : c;
      i++;
    }
    if (!modifiers && top().caseless) body = literalTrailingDash(body) + otherCases(body);
    return `[${negate ? '^' : ''}${body}]`;
  }
}

/** The ASCII letters whose other case the class body `body` lacks, asked of the engine itself. */
function otherCases(body: string): string {
  let members: RegExp;
  try {
    members = new RegExp(`[${body}]`);
  } catch (error) {
    throw new Unsupported(`invalid character class [${body}]: ${error instanceof Error ? error.message : String(error)}`);
  }
  let missing = '';
  for (let code = 0x41; code <= 0x5a; code += 1) {
    const upper = String.fromCharCode(code);
    const lower = upper.toLowerCase();
    const hasUpper = members.test(upper);
    const hasLower = members.test(lower);
    if (hasUpper && !hasLower) missing += lower;
    if (hasLower && !hasUpper) missing += upper;
  }
  return missing;
}

/** A class body whose last character is an unescaped `-` gets it escaped, so that text appended after it is no range. */
function literalTrailingDash(body: string): string {
  if (!body.endsWith('-')) return body;
  let backslashes = 0;
  for (let k = body.length - 2; k >= 0 && body[k] === '\\'; k -= 1) backslashes += 1;
  return backslashes % 2 === 0 ? `${body.slice(0, -1)}\\-` : body;
}
