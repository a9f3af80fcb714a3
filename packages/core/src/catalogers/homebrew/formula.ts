import { purlText } from '../../util/package-url.js';
import { basename, guarded, languagePackage, MiB, output } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { licenseExpression, LicenseSyntaxError, rubyString } from './license.js';

/*
 * A Homebrew formula is Ruby source. It is never run: like Syft, this reader looks at each line
 * (trimmed) for the few calls that are data — `desc "…"`, `homepage "…"`, `license …`,
 * `name "…"`, `version "…"` — and takes their string literal (a `license` argument may span lines
 * until its brackets close: at most MAX_LICENSE_LINES lines, MAX_LICENSE_CHARS characters). A
 * `class X < Formula` line starts the formula: what came before it is forgotten. The last of each
 * call wins, as in Syft. No npm library reads formulae (Homebrew itself evaluates them).
 */

const MAX_LICENSE_LINES = 200;
const MAX_LICENSE_CHARS = 64 * 1024;
const KEYS = ['desc', 'homepage', 'license', 'name', 'version'] as const;
type Key = (typeof KEYS)[number];

interface FormulaData {
  desc: string;
  homepage: string;
  name: string;
  version: string;
  license: string | null;
  /** The `license` argument as written, kept when it is not the licence DSL. */
  licenseText: string;
  /** A class line or any of the calls was seen: the file is a formula. */
  formula: boolean;
}

const empty = (): FormulaData => ({ desc: '', homepage: '', name: '', version: '', license: null, licenseText: '', formula: false });

/** `name<space|tab>…` at the start of a trimmed line, as Syft's matchesVariable. */
function keyOf(line: string): Key | null {
  for (const key of KEYS) if (line.startsWith(key) && (line[key.length] === ' ' || line[key.length] === '\t')) return key;
  return null;
}

/** The string literal a call takes (`desc "…"`, `version("1.0")`); '' when its argument is not a literal. */
function literalArgument(argument: string): string {
  const start = argument.startsWith('(') ? argument.slice(1).trimStart() : argument;
  return rubyString(start, 0)?.value ?? '';
}

/** Open brackets left after a line (strings and comments skipped): > 0 means the call continues. */
function openBrackets(line: string): number {
  let depth = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (c === '#') break;
    if (c === '"' || c === "'") {
      const literal = rubyString(line, i);
      if (literal === null) return depth;
      i = literal.end - 1;
    } else if (c === '[' || c === '{' || c === '(') depth += 1;
    else if (c === ']' || c === '}' || c === ')') depth -= 1;
  }
  return depth;
}

function readLicense(data: FormulaData, argument: string): void {
  data.licenseText = argument;
  try {
    data.license = licenseExpression(argument);
  } catch (error) {
    if (!(error instanceof LicenseSyntaxError)) throw error;
    data.license = null;
  }
}

export function readFormula(text: string): FormulaData {
  const lines = text.split('\n');
  let data = empty();
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (line.includes('class ') && line.includes(' < Formula')) {
      data = { ...empty(), formula: true };
      continue;
    }
    const key = keyOf(line);
    if (key === null) continue;
    data.formula = true;
    const argument = line.slice(key.length).trim();
    if (key !== 'license') {
      data[key] = literalArgument(argument);
      continue;
    }
    let joined = argument;
    let depth = openBrackets(argument);
    for (let more = 0; depth > 0 && more < MAX_LICENSE_LINES && i + 1 < lines.length && joined.length < MAX_LICENSE_CHARS; more += 1) {
      i += 1;
      const next = (lines[i] ?? '').trim();
      joined += `\n${next}`;
      depth += openBrackets(next);
    }
    readLicense(data, joined.slice(0, MAX_LICENSE_CHARS));
  }
  return data;
}

/**
 * Name and version from the keg path (`…/Cellar/<name>/<version>/.brew/<file>.rb`, the last
 * `.brew` of the path), else the file's name without `.rb` and no version — Syft's rule.
 */
export function nameAndVersionFromPath(path: string): { name: string; version: string } {
  const parts = path.split('/');
  for (let i = parts.length - 1; i >= 2; i -= 1) {
    if (parts[i] === '.brew') return { name: parts[i - 2] ?? '', version: parts[i - 1] ?? '' };
  }
  const file = basename(path);
  return { name: file.endsWith('.rb') ? file.slice(0, -'.rb'.length) : file, version: '' };
}

/** `org/tap` of `…/Library/Taps/<org>/<tap>/Formula/<file>.rb`; '' elsewhere. */
export function tapFromPath(path: string): string {
  const marker = 'Library/Taps/';
  const at = path.indexOf(marker);
  if (at < 0) return '';
  const parts = path.slice(at + marker.length).split('/');
  return parts.length < 2 ? '' : `${parts[0] ?? ''}/${parts[1] ?? ''}`;
}

function brewPurl(name: string, version: string): string | null {
  if (name === '') return null;
  try {
    return purlText('brew', undefined, name, version === '' ? undefined : version, undefined, undefined);
  } catch {
    return null;
  }
}

const isKeg = (path: string): boolean => path.includes('/Cellar/') && path.includes('/.brew/');

/**
 * One formula: a keg's copy (`Cellar/<name>/<version>/.brew/<name>.rb`, installed) or a tap's
 * (`Library/Taps/<org>/<tap>/Formula/<name>.rb`, declared: a tap lists what can be installed).
 * Name and version come from the file only when it states both (`name "…"`, `version "…"`), else
 * from the path. A keg path is evidence on its own: even an unreadable keg formula names a package.
 */
export function parseFormula(path: string, content: Buffer): CatalogOutput {
  const data = readFormula(decodeText(content));
  const keg = isKeg(path);
  if (!keg && !data.formula) return output([]);
  const { name, version } = data.name !== '' && data.version !== '' ? data : nameAndVersionFromPath(path);
  if (name === '') return output([]);
  return output([
    languagePackage({
      ref: `${path}#${name}@${version}`,
      name,
      version,
      type: 'homebrew',
      purl: brewPurl(name, version),
      licenses: data.license === null ? [] : [data.license],
      evidence: keg ? 'installed' : 'declared',
      source: 'homebrew formula',
      fields: {
        tap: tapFromPath(path),
        homepage: data.homepage,
        description: data.desc,
        license: data.license === null ? data.licenseText : null,
      },
      paths: [path],
    }),
  ]);
}

export const homebrewCataloger: Cataloger = {
  id: 'homebrew-cataloger',
  version: 1,
  packageTypes: ['homebrew'],
  selector: { globs: ['**/Cellar/*/*/.brew/*.rb', '**/Library/Taps/*/*/Formula/*.rb'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseFormula(file.path, file.content)),
};
