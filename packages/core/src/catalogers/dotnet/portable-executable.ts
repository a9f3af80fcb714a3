import type * as PE from 'pe-library';
import type * as Resedit from 'resedit';
import { lazyModule } from '../../util/lazy-module.js';
import { nonEmpty } from '../lang-common/parse.js';
import { basename, languagePackage, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogOutput } from '../types.js';
import { EMPTY_OUTPUT } from '../types.js';
import { nugetPurl } from './nuget-purl.js';

// Loaded when a PE file is read (54 modules): not on the path of scans of images without .NET assemblies.
const peLibrary = lazyModule<typeof PE>('pe-library');
const resedit = lazyModule<typeof Resedit>('resedit');

/** The data directory that points at the CLI (COR20) header: present in every .NET assembly, absent in native PE files. */
const CLR_RUNTIME_HEADER = 14;

/** Name suffixes of files Syft's .NET binary cataloger reads (`.bpl`: Delphi packages, also PE). */
export const PE_SUFFIXES = ['.dll', '.exe', '.bpl'] as const;

/** `InternalName`/`OriginalFilename` carry the file name the assembly was built as; the extension is not part of its name. */
function withoutPeExtension(name: string): string {
  return name.replace(/\.(dll|exe|bpl)$/i, '');
}

/**
 * The assembly's version as NuGet knows it: `ProductVersion` (for SDK-built assemblies the package
 * version, e.g. `8.0.1+<commit>`, without the source-link suffix) when it is a plain version, else
 * `FileVersion`. FileVersion alone (`8.0.123.58001`) would match NuGet advisories against numbers
 * no package ever had.
 */
function assemblyVersion(strings: Readonly<Record<string, string>>): string | null {
  const product = nonEmpty(strings['ProductVersion'])?.replace(/\+.*$/, '').trim();
  if (product !== undefined && /^\d+(\.\d+){1,3}(-[0-9A-Za-z.-]+)?$/.test(product)) return product;
  const file = nonEmpty(strings['FileVersion'])?.split(/\s/)[0];
  return file !== undefined && /^\d+(\.\d+){1,3}$/.test(file) ? file : null;
}

/**
 * A .NET assembly (`.dll`/`.exe`) as a NuGet package, from its version resource. Files that are not
 * PE at all (no `MZ`) and native PE files (no CLI header) are not assemblies: nothing to report. A
 * PE that cannot be parsed, or an assembly without a usable name and version, is an unknown.
 */
export function parsePortableExecutable(path: string, content: Buffer): CatalogOutput {
  if (content.length < 64 || content[0] !== 0x4d || content[1] !== 0x5a) return EMPTY_OUTPUT;
  let exe: PE.NtExecutable;
  try {
    exe = peLibrary().NtExecutable.from(content, { ignoreCert: true });
  } catch (error) {
    return unknownOutput(path, `not a readable PE file: ${error instanceof Error ? error.message.slice(0, 160) : String(error)}`);
  }
  const clr = exe.newHeader.optionalHeaderDataDirectory.get(CLR_RUNTIME_HEADER);
  if (clr.virtualAddress === 0 || clr.size === 0) return EMPTY_OUTPUT;
  const infos = resedit().Resource.VersionInfo.fromEntries(peLibrary().NtExecutableResource.from(exe, true).entries);
  const info = infos[0];
  const language = info?.getAllLanguagesForStringValues()[0];
  const strings = info !== undefined && language !== undefined ? info.getStringValues(language) : {};
  const name =
    [nonEmpty(strings['InternalName']), nonEmpty(strings['OriginalFilename'])].find((n): n is string => n !== null && /\.(dll|exe|bpl)$/i.test(n)) ??
    nonEmpty(strings['ProductName']) ??
    basename(path);
  const version = assemblyVersion(strings);
  if (version === null) return unknownOutput(path, '.NET assembly without a version resource: its package version is unknown');
  const packageName = withoutPeExtension(name);
  return output([
    languagePackage({
      ref: `${path}#pe`,
      name: packageName,
      version,
      type: 'nuget',
      purl: nugetPurl(packageName, version),
      evidence: 'installed',
      source: 'pe',
      fields: {
        fileVersion: nonEmpty(strings['FileVersion']),
        productVersion: nonEmpty(strings['ProductVersion']),
        companyName: nonEmpty(strings['CompanyName']),
      },
      paths: [path],
    }),
  ]);
}
