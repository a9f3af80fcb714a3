import { normalizeLicense } from '../../licenses/normalize.js';
import type { CatalogFile, CatalogOutput, Cataloger, LicenseFact } from '../types.js';

const DOC = '/usr/share/doc/';
/** Licence statements kept per file: real files have a few dozen at most. */
const MAX_STATEMENTS = 200;
/** `Format:` of the machine-readable copyright format (DEP-5), any revision of its URL. */
const DEP5_FORMAT = /^format:\s*\S*(copyright-format|dep5|dep-5)\S*/im;
/** `/usr/share/common-licenses/GPL-2` as non-DEP-5 files cite the licence text they mean (Syft reads them the same way). */
const COMMON_LICENSES = /\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9_.+-]*[A-Za-z0-9+])/g;
const ANY_LATER = /any\s+later\s+version/i;

/**
 * Licences of Debian packages from `/usr/share/doc/<name>/copyright`, a file apart from dpkg's
 * database: it yields licence facts keyed by package name, which core attaches to the `deb`
 * package of that name after the layers are merged (a whiteout of the file drops them).
 *
 * - Machine-readable files (DEP-5, https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/):
 *   the first line of the `License:` field of the header and of every `Files:` paragraph, short
 *   names mapped to SPDX (`licenses/debian.ts`); stand-alone `License:` paragraphs only hold texts.
 * - Other files: the licences whose text they cite under `/usr/share/common-licenses/` (`GPL-2`,
 *   with "or later" when the file says "any later version"). Free text that cites none states no
 *   licence we can name: no fact (no licence-text classifier is used).
 */
export const dpkgCopyrightCataloger: Cataloger = {
  id: 'dpkg-copyright-cataloger',
  version: 1,
  packageTypes: ['deb'],
  selector: { globs: [`${DOC}*/copyright`] },
  maxFileSize: 4 * 1024 * 1024,
  parse(file) {
    return parseCopyright(file);
  },
};

export function parseCopyright(file: CatalogFile): CatalogOutput {
  const packageName = file.path.slice(DOC.length, -'/copyright'.length);
  const text = file.content.toString('utf8');
  const statements = DEP5_FORMAT.test(text.slice(0, 4096)) ? dep5Statements(text) : citedLicenses(text);
  const licenses: string[] = [];
  for (const statement of statements) {
    const normalized = normalizeLicense(statement, { debian: true });
    if (normalized !== null && !licenses.includes(normalized)) licenses.push(normalized);
    if (licenses.length >= MAX_STATEMENTS) break;
  }
  const fact: LicenseFact = { path: file.path, packageType: 'deb', packageName, licenses };
  return { packages: [], relationships: [], ownership: [], unknowns: [], licenseFacts: licenses.length > 0 ? [fact] : [] };
}

/** A field line of a DEP-5 paragraph: `Name: value`. */
const FIELD_LINE = /^([A-Za-z][\w-]*):[ \t]*(.*)$/;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * First lines of `License:` in the header and `Files:` paragraphs (continuation lines are the
 * licence text). Read line by line in place: most lines are licence text, told by their first
 * character, and splitting every file into paragraphs and lines made a string of each (the 780
 * copyright files of debian-node were 6 MB of them).
 */
function dep5Statements(raw: string): string[] {
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  const out: string[] = [];
  let license: string | null = null;
  let isFiles = false;
  let isHeader = false;
  // Paragraphs end at a line that is empty or holds only spaces and tabs.
  const endParagraph = (): boolean => {
    if (license !== null && license !== '' && (isFiles || isHeader)) out.push(license);
    license = null;
    isFiles = false;
    isHeader = false;
    return out.length >= MAX_STATEMENTS;
  };
  for (let at = 0; at <= text.length;) {
    const newline = text.indexOf('\n', at);
    const end = newline === -1 ? text.length : newline;
    const first = text.charCodeAt(at);
    if (at === end || ((first === SPACE || first === TAB) && isBlank(text, at, end))) {
      if (endParagraph()) return out;
    } else if (first !== SPACE && first !== TAB) {
      const match = FIELD_LINE.exec(text.slice(at, end));
      if (match !== null) {
        const field = (match[1] ?? '').toLowerCase();
        if (field === 'files') isFiles = true;
        else if (field === 'format') isHeader = true;
        else if (field === 'license') license = (match[2] ?? '').trim();
      }
    }
    at = end + 1;
  }
  endParagraph();
  return out;
}

/** Whether text[from, to) holds only spaces and tabs. */
function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    if (code !== SPACE && code !== TAB) return false;
  }
  return true;
}

function citedLicenses(text: string): string[] {
  const later = ANY_LATER.test(text);
  const out = new Set<string>();
  for (const match of text.matchAll(COMMON_LICENSES)) {
    const name = match[1] ?? '';
    out.add(later && /^(GPL|LGPL|AGPL|GFDL)-[\d.]+$/i.test(name) ? `${name}+` : name);
    if (out.size >= MAX_STATEMENTS) break;
  }
  return [...out];
}
