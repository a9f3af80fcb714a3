import { basename, dirname, guarded, languagePackage, output } from '../lang-common/output.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';

/*
 * A WordPress plugin's main PHP file starts with a header comment (`Plugin Name: …`,
 * `Version: …`, `Author: …`). PHP is never run: like Syft, only the first HEADER_BYTES bytes are
 * read, and each field is the text after the first case-insensitive `<field>:` that has a value,
 * as Syft's patterns find them — `plugin name:\s*(.+)`, `version:\s*([\d.]+)`,
 * `license:\s*(\w+)`, `author:\s*(.+)`, `author uri:\s*(.+)` — searched by hand in one pass
 * each, so the work stays linear (no npm library reads these headers; WordPress's own
 * `get_file_data` is PHP). Values are trimmed (a CRLF file's `\r` goes).
 */

/** Syft reads this many bytes of each file. */
export const HEADER_BYTES = 4096;

/** RE2's `\s`: tab, newline, form feed, carriage return, space (no vertical tab). */
const isSpace = (c: number): boolean => c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
const isDigitOrDot = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x2e;
const isWord = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const anyButNewline = (c: number): boolean => c !== 0x0a;

/** ASCII lower case, length kept (indices stay those of the original text). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

/**
 * The value after the first `label` (lower case) that has one: whitespace (newlines too) is
 * skipped, then the longest run of `accept` characters is the value. For a rest-of-line field a
 * label followed only by whitespace to the end of the text ends the search (Syft's `\s*(.+)`
 * would take a blank there, which it trims to nothing).
 */
function fieldValue(text: string, lower: string, label: string, accept: (c: number) => boolean): string | null {
  for (let at = lower.indexOf(label); at >= 0; at = lower.indexOf(label, at + 1)) {
    let start = at + label.length;
    while (start < text.length && isSpace(text.charCodeAt(start))) start += 1;
    let end = start;
    while (end < text.length && accept(text.charCodeAt(end))) end += 1;
    if (end > start) return text.slice(start, end).trim();
    if (accept === anyButNewline) return null;
  }
  return null;
}

export interface PluginHeader {
  readonly name: string | null;
  readonly version: string | null;
  readonly license: string | null;
  readonly author: string | null;
  readonly authorUri: string | null;
}

export function readPluginHeader(head: string): PluginHeader {
  const lower = asciiLower(head);
  return {
    name: fieldValue(head, lower, 'plugin name:', anyButNewline),
    version: fieldValue(head, lower, 'version:', isDigitOrDot),
    license: fieldValue(head, lower, 'license:', isWord),
    author: fieldValue(head, lower, 'author:', anyButNewline),
    authorUri: fieldValue(head, lower, 'author uri:', anyButNewline),
  };
}

/**
 * A plugin's main file (`wp-content/plugins/<dir>/<file>.php`, or a single-file plugin directly in
 * `plugins/`): a package named by its `Plugin Name:` with its `Version:`, type `wordpress-plugin`,
 * no purl (Syft writes none). A PHP file without both is not a plugin's main file: nothing, no
 * unknown (every other PHP file of a plugin is selected too).
 */
export function parsePluginFile(path: string, content: Buffer): CatalogOutput {
  const header = readPluginHeader(content.subarray(0, HEADER_BYTES).toString('utf8'));
  if (header.name === null || header.name === '' || header.version === null || header.version === '') return output([]);
  const parent = dirname(path);
  const singleFile = parent.endsWith('/wp-content/plugins');
  return output([
    languagePackage({
      ref: `${path}#${header.name}@${header.version}`,
      name: header.name,
      version: header.version,
      type: 'wordpress-plugin',
      purl: null,
      licenses: header.license === null ? [] : [header.license],
      evidence: 'installed',
      source: 'wordpress plugin header',
      fields: {
        pluginInstallDirectory: singleFile ? null : basename(parent),
        pluginFile: basename(path),
        author: header.author,
        authorUri: header.authorUri,
      },
      paths: [path],
    }),
  ]);
}

export const wordpressPluginsCataloger: Cataloger = {
  id: 'wordpress-plugins-cataloger',
  version: 1,
  packageTypes: ['wordpress-plugin'],
  selector: { globs: ['**/wp-content/plugins/*/*.php', '**/wp-content/plugins/*.php'] },
  // Only the header matters: a larger file is handed over as its first 4 KiB, the most Syft reads.
  maxFileSize: HEADER_BYTES,
  readsPrefix: HEADER_BYTES,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePluginFile(file.path, file.content)),
};
