import { guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';

/*
 * A LuaRocks rockspec is Lua source: top-level assignments of strings and tables. It is read here
 * as data — never run — by a reader of that subset: names, `=`, strings ("…", '…', [[…]] and
 * [==[…]==]), numbers, booleans, nil, tables of `key = value`, `["key"] = value` and positional
 * values, `--` comments. An expression (a call, concatenation, a variable) ends the reading
 * with an error. Bounds: nesting at most MAX_DEPTH deep, MAX_VALUES values in all.
 */

const MAX_DEPTH = 32;
const MAX_VALUES = 100_000;

type LuaValue = string | number | boolean | null | LuaTable;
interface LuaTable {
  readonly fields: ReadonlyMap<string, LuaValue>;
  readonly items: readonly LuaValue[];
}

class RockspecError extends Error {}

/** The top-level assignments of a rockspec; throws RockspecError on anything else. */
function readAssignments(text: string): Map<string, LuaValue> {
  let at = 0;
  let values = 0;
  const fail = (what: string): never => {
    throw new RockspecError(`${what} at offset ${at}`);
  };
  const longBracket = (): string | null => {
    const open = /^\[(=*)\[/.exec(text.slice(at, at + 64));
    if (open === null) return null;
    const close = `]${open[1] ?? ''}]`;
    const end = text.indexOf(close, at + open[0].length);
    if (end < 0) fail('unterminated long string');
    const body = text.slice(at + open[0].length, end).replace(/^\r?\n/, '');
    at = end + close.length;
    return body;
  };
  const skip = (): void => {
    for (;;) {
      while (at < text.length && /\s/.test(text[at] ?? '')) at += 1;
      if (!text.startsWith('--', at)) return;
      at += 2;
      if (longBracket() === null) {
        const end = text.indexOf('\n', at);
        at = end < 0 ? text.length : end + 1;
      }
    }
  };
  const quoted = (quote: string): string => {
    at += 1;
    let out = '';
    for (;;) {
      const c = text[at];
      if (c === undefined || c === '\n') return fail('unterminated string');
      at += 1;
      if (c === quote) return out;
      if (c === '\\') {
        const next = text[at] ?? '';
        at += 1;
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      } else out += c;
    }
  };
  const name = (): string | null => {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at, at + 256));
    if (match === null) return null;
    at += match[0].length;
    return match[0];
  };
  const value = (depth: number): LuaValue => {
    if (depth > MAX_DEPTH) fail(`tables nested deeper than ${MAX_DEPTH}`);
    if ((values += 1) > MAX_VALUES) fail(`more than ${MAX_VALUES} values`);
    skip();
    const c = text[at];
    if (c === '"' || c === "'") return quoted(c);
    if (c === '[') return longBracket() ?? fail('unexpected [');
    if (c === '{') return table(depth);
    const number = /^-?\d+(?:\.\d+)?/.exec(text.slice(at, at + 64));
    if (number !== null) {
      at += number[0].length;
      return Number(number[0]);
    }
    const word = name();
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'nil') return null;
    return fail('an expression, not a value');
  };
  const table = (depth: number): LuaTable => {
    at += 1;
    const fields = new Map<string, LuaValue>();
    const items: LuaValue[] = [];
    for (;;) {
      skip();
      if (text[at] === '}') {
        at += 1;
        return { fields, items };
      }
      let key: string | null = null;
      if (text[at] === '[' && !/^\[=*\[/.test(text.slice(at, at + 64))) {
        at += 1;
        skip();
        const k = value(depth + 1);
        skip();
        if (text[at] !== ']') fail("expected ']'");
        at += 1;
        key = typeof k === 'string' ? k : typeof k === 'number' ? String(k) : fail('a table key that is not a string or a number');
      } else {
        const start = at;
        const word = name();
        skip();
        if (word !== null && text[at] === '=' && text[at + 1] !== '=') key = word;
        else at = start;
      }
      if (key !== null) {
        skip();
        if (text[at] !== '=') fail("expected '='");
        at += 1;
        fields.set(key, value(depth + 1));
      } else items.push(value(depth + 1));
      skip();
      if (text[at] === ',' || text[at] === ';') at += 1;
      else if (text[at] !== '}') fail("expected ',' or '}'");
    }
  };

  const assignments = new Map<string, LuaValue>();
  skip();
  while (at < text.length) {
    const word = name() ?? fail('expected a name');
    skip();
    if (text[at] !== '=') fail("expected '='");
    at += 1;
    assignments.set(word, value(0));
    skip();
  }
  return assignments;
}

const text = (value: LuaValue | undefined): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : null);
const field = (table: LuaValue | undefined, key: string): LuaValue | undefined => (table !== null && typeof table === 'object' ? table.fields.get(key) : undefined);

/**
 * A LuaRocks rockspec: what `luarocks` installs keeps one per rock
 * (`/usr/local/lib/luarocks/rocks-5.1/<name>/<version>/<name>-<version>.rockspec`, Kong and
 * OpenResty images), and a project declares itself in one. Type `lua-rocks`, purl
 * `pkg:luarocks/name@version` as Syft writes it. An empty file declares nothing.
 */
export function parseRockspec(path: string, content: Buffer): CatalogOutput {
  const source = decodeText(content);
  if (source.trim() === '') return output([]);
  let spec: Map<string, LuaValue>;
  try {
    spec = readAssignments(source);
  } catch (error) {
    if (error instanceof RockspecError) return unknownOutput(path, `rockspec not read: ${error.message}`);
    throw error;
  }
  const name = text(spec.get('package'));
  const version = text(spec.get('version'));
  if (name === null || version === null) return unknownOutput(path, `rockspec without a package ${name === null ? 'name' : 'version'}`);
  const description = spec.get('description');
  const license = text(field(description, 'license'));
  const installed = path.includes('/rocks-') || path.includes('/luarocks/rocks/');
  return output([
    languagePackage({
      ref: `${path}#${name}@${version}`,
      name,
      version,
      type: 'lua-rocks',
      purl: purl('luarocks', null, name, version),
      licenses: license === null ? [] : [license],
      evidence: installed ? 'installed' : 'declared',
      source: 'rockspec',
      fields: { url: text(field(spec.get('source'), 'url')), homepage: text(field(description, 'homepage')), summary: text(field(description, 'summary')) },
      paths: [path],
    }),
  ]);
}

export const luaRockCataloger: Cataloger = {
  id: 'lua-rock-cataloger',
  version: 1,
  packageTypes: ['lua-rocks'],
  selector: { suffixes: ['.rockspec'] },
  maxFileSize: 1 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseRockspec(file.path, file.content)),
};
