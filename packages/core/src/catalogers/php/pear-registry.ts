import { posix } from 'node:path';
import { guarded, languagePackage, output, purl, unknownOutput } from '../lang-common/output.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { isPhpArray, parsePhpSerialized, phpField, PhpSerializedError } from './php-serialized.js';
import type { PhpValue } from './php-serialized.js';

/** Files a registry entry lists, at most (PEAR packages of many files, e.g. PHP_CodeSniffer, list a few thousand). */
const MAX_FILES = 20_000;
/** The channel of packages registered directly under `.registry/`: PEAR's own. */
const DEFAULT_CHANNEL = 'pear.php.net';

const text = (value: PhpValue | undefined): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : null);

/**
 * The channel a registry file belongs to, from where PEAR keeps it: `<php_dir>/.registry/<name>.reg`
 * for pear.php.net, `<php_dir>/.registry/.channel.<channel>/<name>.reg` for others (pecl.php.net,
 * `__uri` for packages installed from a URL).
 */
function channelOfPath(path: string): string | null {
  const dir = posix.basename(posix.dirname(path));
  if (dir === '.registry') return DEFAULT_CHANNEL;
  return dir.startsWith('.channel.') && dir.length > '.channel.'.length ? dir.slice('.channel.'.length) : null;
}

/** `version` is `{release, api}` in registry format 1.0 and later, a string in older ones. */
function releaseVersion(entry: PhpValue): string | null {
  const version = phpField(entry, 'version');
  return text(isPhpArray(version) ? version.get('release') : version);
}

/** `license` is `{attribs: {uri}, _content}` or a string. */
function licenseOf(entry: PhpValue): string | null {
  const license = phpField(entry, 'license');
  return text(isPhpArray(license) ? license.get('_content') : license);
}

/** Where the files of the package were installed (`filelist` → `installed_as`), when the entry says. */
function installedFiles(entry: PhpValue): string[] {
  const list = phpField(entry, 'filelist');
  if (!isPhpArray(list)) return [];
  const files: string[] = [];
  for (const attributes of list.values()) {
    const installed = text(phpField(attributes, 'installed_as'));
    if (installed !== null && installed.startsWith('/')) files.push(installed);
    if (files.length >= MAX_FILES) break;
  }
  return files;
}

/**
 * One PEAR registry file (`<php_dir>/.registry/…/<name>.reg`, PHP-serialized): a package PEAR or
 * PECL installed — PHP extensions such as redis, imagick or xdebug in most PHP images, where
 * `pecl install` put them. purl `pkg:pear/<channel>/<name>@<version>`, as Syft writes it.
 */
export function parsePearRegistry(path: string, content: Buffer): CatalogOutput {
  let entry: PhpValue;
  try {
    entry = parsePhpSerialized(content);
  } catch (error) {
    if (error instanceof PhpSerializedError) return unknownOutput(path, `not a PEAR registry file: ${error.message}`);
    throw error;
  }
  if (!isPhpArray(entry)) return unknownOutput(path, 'not a PEAR registry file: not a serialized array');
  const name = text(phpField(entry, 'name')) ?? text(phpField(entry, 'package'));
  const version = releaseVersion(entry);
  if (name === null || version === null) return unknownOutput(path, `PEAR registry file without a package ${name === null ? 'name' : 'version'}`);
  const channel = text(phpField(entry, 'channel')) ?? channelOfPath(path);
  const license = licenseOf(entry);
  const files = installedFiles(entry);
  return output([
    languagePackage({
      ref: `${path}#${name}@${version}`,
      name,
      version,
      type: 'php-pear',
      purl: purl('pear', channel, name, version),
      licenses: license === null ? [] : [license],
      evidence: 'installed',
      source: 'pear-registry',
      fields: { channel, date: text(phpField(entry, 'date')), apiVersion: text(phpField(phpField(entry, 'version'), 'api')) },
      paths: [path],
      ...(files.length > 0 ? { files } : {}),
    }),
  ]);
}

export const phpPearRegistryCataloger: Cataloger = {
  id: 'php-pear-serialized-cataloger',
  version: 1,
  packageTypes: ['php-pear'],
  selector: { globs: ['**/php/.registry/**/*.reg'] },
  // Registry files are a few kilobytes; one listing thousands of files stays well under this.
  maxFileSize: 4 * 1024 * 1024,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePearRegistry(file.path, file.content)),
};
