import exceptionIds from 'spdx-exceptions/index.json' with { type: 'json' };
import type correct from 'spdx-correct';
import type parse from 'spdx-expression-parse';
import licenseIds from 'spdx-license-ids/index.json' with { type: 'json' };
import deprecatedIds from 'spdx-license-ids/deprecated.json' with { type: 'json' };
import { DEBIAN_EXCEPTIONS, debianShortName } from './debian.js';
import { lazyModule } from '../util/lazy-module.js';

// Loaded when a licence is first normalized: a rescan served from the image cache never does.
const spdxCorrect = lazyModule<typeof correct>('spdx-correct');
const spdxParse = lazyModule<typeof parse>('spdx-expression-parse');

/**
 * Licence statements → SPDX license expressions, with SPDX's licence list data
 * (`spdx-license-ids`, `spdx-exceptions`, `spdx-expression-parse`, `spdx-correct`).
 *
 * What a package's `licenses` then holds, one entry per statement:
 * - an SPDX expression when the statement is one, or can be made one: ids in their canonical
 *   case, deprecated ids replaced (`GPL-2.0+` → `GPL-2.0-or-later`, `GPL-2.0` → `GPL-2.0-only`),
 *   Debian's DEP-5 short names mapped (`debian.ts`), well-known names (Python trove classifiers,
 *   `The Apache Software License, Version 2.0`, licence URLs) mapped, and `and`/`or`/`with`
 *   joined statements (`GPL-2+ or Artistic`) rebuilt as expressions;
 * - otherwise the original text, trimmed to one line, as it was written (never invented): a
 *   reader can tell the two apart with `isSpdxExpression`. `spdx-correct` guesses are taken only
 *   when the statement names a version or the licence has one (a bare `BSD` or `GPL` stays text).
 * Placeholders (`UNKNOWN`, `NOASSERTION`, `NONE`, empty) are dropped: they state no licence.
 */

const MAX_TEXT = 500;
const IDS: ReadonlyMap<string, string> = new Map([...licenseIds, ...deprecatedIds].map((id) => [id.toLowerCase(), id]));
const CURRENT: ReadonlySet<string> = new Set(licenseIds);
const EXCEPTIONS: ReadonlyMap<string, string> = new Map(exceptionIds.map((id) => [id.toLowerCase(), id]));
const PLACEHOLDERS = new Set(['', 'unknown', 'noassertion', 'none', 'n/a', 'na', 'undefined', 'null', 'see license', 'see license file', 'license.txt']);

/** Names that are not SPDX ids but name exactly one licence (Python trove classifiers, Maven POM names). */
const KNOWN_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'apache software license': 'Apache-2.0',
    'the apache software license, version 2.0': 'Apache-2.0',
    'apache license, version 2.0': 'Apache-2.0',
    'the apache license, version 2.0': 'Apache-2.0',
    'apache license 2.0': 'Apache-2.0',
    'apache 2': 'Apache-2.0',
    'apache-2': 'Apache-2.0',
    'asl 2.0': 'Apache-2.0',
    'mit license': 'MIT',
    'the mit license': 'MIT',
    'mit/x11': 'MIT',
    'isc license (iscl)': 'ISC',
    'gnu general public license v2 (gplv2)': 'GPL-2.0-only',
    'gnu general public license v2 or later (gplv2+)': 'GPL-2.0-or-later',
    'gnu general public license v3 (gplv3)': 'GPL-3.0-only',
    'gnu general public license v3 or later (gplv3+)': 'GPL-3.0-or-later',
    'gnu lesser general public license v2 (lgplv2)': 'LGPL-2.0-only',
    'gnu lesser general public license v2 or later (lgplv2+)': 'LGPL-2.0-or-later',
    'gnu lesser general public license v3 (lgplv3)': 'LGPL-3.0-only',
    'gnu lesser general public license v3 or later (lgplv3+)': 'LGPL-3.0-or-later',
    'gnu affero general public license v3': 'AGPL-3.0-only',
    'gnu affero general public license v3 or later (agplv3+)': 'AGPL-3.0-or-later',
    'mozilla public license 1.1 (mpl 1.1)': 'MPL-1.1',
    'mozilla public license 2.0 (mpl 2.0)': 'MPL-2.0',
    'python software foundation license': 'PSF-2.0',
    'the unlicense (unlicense)': 'Unlicense',
    'zlib/libpng license': 'Zlib',
    'zlib/libpng': 'Zlib',
    'boost software license 1.0 (bsl-1.0)': 'BSL-1.0',
    'eclipse public license 1.0 (epl-1.0)': 'EPL-1.0',
    'eclipse public license 2.0 (epl-2.0)': 'EPL-2.0',
    'eclipse public license - v 1.0': 'EPL-1.0',
    'eclipse public license - v 2.0': 'EPL-2.0',
    'eclipse distribution license - v 1.0': 'BSD-3-Clause',
    'cc0 1.0 universal (cc0 1.0) public domain dedication': 'CC0-1.0',
    'universal permissive license (upl)': 'UPL-1.0',
    'european union public licence 1.2 (eupl 1.2)': 'EUPL-1.2',
    'common development and distribution license (cddl) v1.0': 'CDDL-1.0',
    'cddl + gplv2 with classpath exception': 'CDDL-1.0 OR GPL-2.0-only WITH Classpath-exception-2.0',
    'bsd 2-clause "simplified" license': 'BSD-2-Clause',
    'bsd 3-clause "new" or "revised" license': 'BSD-3-Clause',
    'new bsd license': 'BSD-3-Clause',
    'the bsd license': 'BSD-3-Clause',
  }),
);

/** Licence URLs (Maven POMs often give only one) → ids. Matched without scheme, `www.` and a trailing `.txt`/`.html`/`/`. */
const KNOWN_URLS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'apache.org/licenses/license-2.0': 'Apache-2.0',
    'opensource.org/licenses/mit': 'MIT',
    'opensource.org/licenses/mit-license': 'MIT',
    'opensource.org/licenses/bsd-license': 'BSD-2-Clause',
    'opensource.org/licenses/bsd-3-clause': 'BSD-3-Clause',
    'opensource.org/licenses/apache-2.0': 'Apache-2.0',
    'eclipse.org/legal/epl-v10': 'EPL-1.0',
    'eclipse.org/legal/epl-2.0': 'EPL-2.0',
    'eclipse.org/legal/epl-v20': 'EPL-2.0',
    'gnu.org/licenses/gpl-2.0': 'GPL-2.0-only',
    'gnu.org/licenses/gpl-3.0': 'GPL-3.0-only',
    'gnu.org/licenses/lgpl-2.1': 'LGPL-2.1-only',
    'gnu.org/licenses/lgpl-3.0': 'LGPL-3.0-only',
    'mozilla.org/mpl/2.0': 'MPL-2.0',
  }),
);

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Canonical form of a parsed expression: current ids (deprecated `+`/versionless GPL family ids replaced). */
function serialize(node: parse.Info, top = true): string {
  if ('license' in node) {
    let id = node.license;
    let plus = node.plus === true;
    if (id.endsWith('+')) {
      id = id.slice(0, -1);
      plus = true;
    }
    const base = upgrade(id, plus);
    return node.exception ? `${base} WITH ${node.exception}` : base;
  }
  const text = `${serialize(node.left, false)} ${node.conjunction.toUpperCase()} ${serialize(node.right, false)}`;
  return top ? text : `(${text})`;
}

/** `GPL-2.0` + `+` → `GPL-2.0-or-later`; deprecated `GPL-2.0` → `GPL-2.0-only`; ids without such variants keep a `+`. */
function upgrade(id: string, plus: boolean): string {
  if (id.startsWith('LicenseRef-') || id.startsWith('DocumentRef-')) return plus ? `${id}+` : id;
  const bare = id.replace(/-(only|or-later)$/, '');
  if (plus && CURRENT.has(`${bare}-or-later`)) return `${bare}-or-later`;
  if (!plus && !CURRENT.has(id) && CURRENT.has(`${bare}-only`)) return `${bare}-only`;
  return plus ? `${id}+` : id;
}

function tryParse(text: string): parse.Info | null {
  try {
    return spdxParse()(text);
  } catch {
    return null;
  }
}

/** One licence name (no operators) → an SPDX id or LicenseRef, or null when it cannot be identified honestly. */
function licenseId(raw: string, debian: boolean, guess = true): string | null {
  const whole = oneLine(raw);
  const text = whole.startsWith('(') && whole.endsWith(')') ? whole.slice(1, -1).trim() : whole;
  const lower = text.toLowerCase();
  const known =
    KNOWN_NAMES.get(whole.toLowerCase()) ??
    KNOWN_NAMES.get(lower) ??
    KNOWN_URLS.get(
      lower
        .replace(/^https?:\/\//, '')
        .replace(/^www\./, '')
        .replace(/(\.txt|\.html?|\.php|\/)$/, ''),
    );
  if (known !== undefined) return known;
  const plusMatch = /^(.*?)(?:\+|\s+or\s+later|-or-later|\s+or\s+any\s+later\s+version)$/i.exec(text);
  const plus = plusMatch?.[1] !== undefined;
  const base = plusMatch?.[1]?.trim() ?? text;
  if (debian) {
    const mapped = debianShortName(base, plus);
    if (mapped !== null) return mapped.id.includes(' ') ? mapped.id : upgrade(mapped.id, mapped.plus);
  }
  if (base.startsWith('LicenseRef-')) return plus ? `${base}+` : base;
  const exact = IDS.get(base.toLowerCase());
  if (exact !== undefined) return upgrade(exact, plus);
  // A DEP-5 short name with no SPDX counterpart names a licence the copyright file itself defines.
  if (debian) return /^[A-Za-z0-9][\w.+~-]{0,80}$/.test(text) ? `LicenseRef-Debian-${text.replace(/[^A-Za-z0-9.-]/g, '-')}` : null;
  if (!guess || base.length > 100) return null;
  const corrected = spdxCorrect()(base, { upgrade: true });
  if (corrected === null) return null;
  // spdx-correct picks a version for versionless names (`BSD` → BSD-2-Clause, `LGPL` → LGPL-3.0-or-later): not taken.
  if (!/\d/.test(base) && /\d/.test(corrected)) return null;
  return plus ? upgrade(corrected.replace(/-(only|or-later)$/, ''), true) : corrected;
}

function exceptionId(raw: string, license: string): string | null {
  const text = oneLine(raw)
    .replace(/\s+exception$/i, '')
    .toLowerCase();
  const exact = EXCEPTIONS.get(text) ?? EXCEPTIONS.get(`${text}-exception`) ?? EXCEPTIONS.get(oneLine(raw).toLowerCase().replace(/\s+/g, '-'));
  if (exact !== undefined) return exact;
  const family = DEBIAN_EXCEPTIONS[text];
  if (family === undefined) return null;
  const version = /-(\d)/.exec(license)?.[1] ?? '';
  return family[version] ?? family[''] ?? null;
}

type Token = { kind: 'op'; value: 'AND' | 'OR' } | { kind: 'with' } | { kind: 'comma' } | { kind: 'paren'; value: '(' | ')' } | { kind: 'name'; value: string };

/** `GPL-2+ or Artistic, and BSD-3-clause` → tokens; a comma separates groups (DEP-5: it binds less tightly than `and`/`or`). */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let words: string[] = [];
  const flush = (): void => {
    if (words.length > 0) tokens.push({ kind: 'name', value: words.join(' ') });
    words = [];
  };
  for (const part of text.split(/(\(|\)|,|\s+)/)) {
    if (part === '' || /^\s+$/.test(part)) continue;
    const lower = part.toLowerCase();
    if (part === '(' || part === ')') {
      flush();
      tokens.push({ kind: 'paren', value: part });
    } else if (part === ',') {
      flush();
      tokens.push({ kind: 'comma' });
    } else if (lower === 'and' || lower === '&') {
      flush();
      if (tokens.at(-1)?.kind !== 'op') tokens.push({ kind: 'op', value: 'AND' });
    } else if (lower === 'or' || lower === 'and/or' || part === '|' || part === '/') {
      // `or later` belongs to the licence name.
      if (words.length > 0 || tokens.at(-1)?.kind !== 'op') {
        flush();
        tokens.push({ kind: 'op', value: 'OR' });
      }
    } else if (lower === 'with') {
      flush();
      tokens.push({ kind: 'with' });
    } else words.push(part);
  }
  flush();
  // Re-join `or later` / `or any later version` split off as an OR.
  for (let i = 0; i + 1 < tokens.length; i += 1) {
    const t = tokens[i];
    const next = tokens[i + 1];
    const after = tokens[i + 2];
    if (t?.kind === 'name' && next?.kind === 'op' && next.value === 'OR' && after?.kind === 'name' && /^(any )?later( version)?$/i.test(after.value)) {
      tokens.splice(i, 3, { kind: 'name', value: `${t.value}+` });
    }
  }
  return tokens;
}

/** Comma-separated groups joined by the operator after each comma (AND when none), each group in parentheses. */
function fromTokens(tokens: readonly Token[], debian: boolean): string | null {
  const parts: string[] = [];
  let group: Token[] = [];
  const close = (): boolean => {
    if (group.length === 0) return true;
    const text = fromGroup(group, debian);
    group = [];
    if (text === null) return false;
    parts.push(tokens.some((t) => t.kind === 'comma') ? `(${text})` : text);
    return true;
  };
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (t.kind !== 'comma') {
      group.push(t);
      continue;
    }
    if (!close()) return null;
    const next = tokens[i + 1];
    if (next?.kind === 'op') i += 1;
    if (parts.length > 0) parts.push(next?.kind === 'op' ? next.value : 'AND');
  }
  if (!close()) return null;
  if (/^(AND|OR)$/.test(parts.at(-1) ?? '')) parts.pop();
  const tree = tryParse(parts.join(' '));
  return tree === null ? null : serialize(tree);
}

function fromGroup(tokens: readonly Token[], debian: boolean): string | null {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (t.kind === 'op' || t.kind === 'paren') out.push(t.value);
    else if (t.kind === 'comma') return null;
    else if (t.kind === 'with') {
      const next = tokens[i + 1];
      const previous = out.at(-1);
      if (next?.kind !== 'name' || previous === undefined) return null;
      const exception = exceptionId(next.value, previous);
      if (exception === null) return null;
      out.push('WITH', exception);
      i += 1;
    } else {
      const id = licenseId(t.value, debian);
      if (id === null) return null;
      out.push(id.includes(' ') ? `(${id})` : id);
    }
  }
  const text = out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
  const tree = tryParse(text);
  return tree === null ? null : serialize(tree);
}

export interface NormalizeOptions {
  /** Read names as Debian DEP-5 short names first (`GPL-2+`, `Expat`, `BSD-3-clause`, `public-domain`). */
  readonly debian?: boolean;
}

/** Statements already normalized (an image repeats a few dozen licences thousands of times); bounded. */
const MEMO_LIMIT = 20_000;
const memo = [new Map<string, string | null>(), new Map<string, string | null>()] as const;

/** One licence statement → an SPDX expression, the original text (one line) when it is not one, or null for a placeholder. */
export function normalizeLicense(statement: string, options: NormalizeOptions = {}): string | null {
  const cache = memo[options.debian === true ? 1 : 0];
  const known = cache.get(statement);
  if (known !== undefined || cache.has(statement)) return known ?? null;
  const normalized = normalizeUncached(statement, options);
  if (cache.size < MEMO_LIMIT && statement.length <= MAX_TEXT) cache.set(statement, normalized);
  return normalized;
}

function normalizeUncached(statement: string, options: NormalizeOptions): string | null {
  const text = oneLine(statement);
  if (PLACEHOLDERS.has(text.toLowerCase())) return null;
  if (text.length > MAX_TEXT) return text.slice(0, MAX_TEXT);
  const tree = tryParse(text);
  if (tree !== null) return serialize(tree);
  const debian = options.debian === true;
  // Exact names first, then `and`/`or`/`with` structure, and only then spdx-correct's reading of
  // the whole text (it would read `MIT or Apache 2.0` as `Apache-2.0`).
  const single = licenseId(text, debian, false);
  if (single !== null) return single;
  const structured = fromTokens(tokenize(text), debian);
  if (structured !== null) return structured;
  return (/\b(and|or|with)\b|[,&|/]/i.test(text) ? null : licenseId(text, debian)) ?? text;
}

/** Every statement of a package, normalized, duplicates and placeholders dropped, order kept. */
export function normalizeLicenses(statements: readonly string[], options: NormalizeOptions = {}): string[] {
  const out: string[] = [];
  for (const statement of statements) {
    const normalized = normalizeLicense(statement, options);
    if (normalized !== null && !out.includes(normalized)) out.push(normalized);
  }
  return out;
}
