import { guarded, languagePackage, MiB, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { readBinaryPlistDict } from './bplist.js';
import { PlistError, plistText, readTextPlist } from './plist.js';
import type { PlistDict, PlistValue } from './plist.js';

/** The keys that name and version a bundle: Syft fails on a file where one is not a string. */
const IDENTITY_KEYS = ['CFBundleDisplayName', 'CFBundleName', 'CFBundleExecutable', 'CFBundleIdentifier', 'CFBundleShortVersionString', 'CFBundleVersion'] as const;
const DETAIL_KEYS = ['CFBundlePackageType', 'LSMinimumSystemVersion', 'MinimumOSVersion', 'NSHumanReadableCopyright', 'DTSDKName', 'DTPlatformName', 'CFBundleSupportedPlatforms'] as const;
const WANTED = new Set<string>([...IDENTITY_KEYS, ...DETAIL_KEYS]);

type IdentityKey = (typeof IDENTITY_KEYS)[number];

class InfoPlistError extends Error {}

function readPlistDict(content: Buffer): PlistDict {
  if (content.subarray(0, 6).toString('latin1') === 'bplist') return readBinaryPlistDict(content, WANTED);
  const value = readTextPlist(plistText(content));
  if (value.kind !== 'dict') throw new PlistError(`the top object is ${value.kind === 'array' ? 'an array' : `a ${value.kind}`}, not a dictionary`);
  return value;
}

/** A string value as text; a number is accepted as its digits (Syft would fail: the key is not a string). */
function identity(dict: PlistDict, key: IdentityKey): string {
  const value = dict.entries.get(key);
  if (value === undefined) return '';
  if (value.kind === 'string') return value.value.trim();
  if (value.kind === 'integer' || value.kind === 'real') return value.text;
  throw new InfoPlistError(`${key} is ${value.kind === 'array' ? 'an array' : `a ${value.kind}`}, not a string`);
}

function detail(value: PlistValue | undefined): string | null {
  if (value === undefined) return null;
  if (value.kind === 'string') return value.value;
  if (value.kind === 'integer' || value.kind === 'real') return value.text;
  if (value.kind === 'array')
    return value.items
      .map(detail)
      .filter((item) => item !== null)
      .join(', ');
  return null;
}

/**
 * An application bundle's `Contents/Info.plist` (macOS `.app`): XML, binary or OpenStep text.
 * Name: CFBundleDisplayName, else CFBundleName, CFBundleExecutable, CFBundleIdentifier; version:
 * CFBundleShortVersionString, else CFBundleVersion (Syft's order). A plist without a name or a
 * version names no package (no unknown: it was read); one that is not a property list, or whose
 * top object is not a dictionary, is an unknown. Type `apple-app-bundle`, no purl (Syft writes
 * none: the purl spec has no type for app bundles).
 */
export function parseInfoPlist(path: string, content: Buffer): CatalogOutput {
  let dict: PlistDict;
  let names: Record<IdentityKey, string>;
  try {
    dict = readPlistDict(content);
    names = Object.fromEntries(IDENTITY_KEYS.map((key) => [key, identity(dict, key)])) as Record<IdentityKey, string>;
  } catch (error) {
    if (error instanceof PlistError || error instanceof InfoPlistError) return unknownOutput(path, `Info.plist not read: ${error.message}`);
    throw error;
  }
  const name = names.CFBundleDisplayName || names.CFBundleName || names.CFBundleExecutable || names.CFBundleIdentifier;
  const version = names.CFBundleShortVersionString || names.CFBundleVersion;
  if (name === '' || version === '') return output([]);
  const get = (key: string): string | null => detail(dict.entries.get(key));
  return output([
    languagePackage({
      ref: `${path}#${name}@${version}`,
      name,
      version,
      type: 'apple-app-bundle',
      purl: null,
      evidence: 'installed',
      source: 'Info.plist',
      fields: {
        bundleIdentifier: names.CFBundleIdentifier,
        bundleName: names.CFBundleName,
        displayName: names.CFBundleDisplayName,
        executable: names.CFBundleExecutable,
        shortVersion: names.CFBundleShortVersionString,
        bundleVersion: names.CFBundleVersion,
        packageType: get('CFBundlePackageType'),
        minimumSystemVersion: get('LSMinimumSystemVersion') ?? get('MinimumOSVersion'),
        copyright: get('NSHumanReadableCopyright'),
        sdkName: get('DTSDKName'),
        platformName: get('DTPlatformName'),
        supportedPlatforms: get('CFBundleSupportedPlatforms'),
      },
      paths: [path],
    }),
  ]);
}

export const appleAppBundleCataloger: Cataloger = {
  id: 'apple-app-bundle-cataloger',
  version: 1,
  packageTypes: ['apple-app-bundle'],
  selector: { globs: ['/**/*.app/Contents/Info.plist'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseInfoPlist(file.path, file.content)),
};
