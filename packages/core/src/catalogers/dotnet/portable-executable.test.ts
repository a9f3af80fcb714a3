import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as PE from 'pe-library';
import { Resource } from 'resedit';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { ids } from '../lang-common/test-helpers.js';
import { dotnetDepsCataloger } from './dotnet.js';

interface AssemblyInit {
  readonly strings?: Readonly<Record<string, string>>;
  readonly fileVersion?: readonly [number, number, number, number];
  /** Native PE files have no CLI header. */
  readonly managed?: boolean;
}

/** A real PE image (pe-library writes the headers and sections, resedit the version resource). */
function assembly(init: AssemblyInit): Buffer {
  const exe = PE.NtExecutable.createEmpty(false, true);
  if (init.strings !== undefined || init.fileVersion !== undefined) {
    const res = PE.NtExecutableResource.from(exe);
    const info = Resource.VersionInfo.createEmpty();
    const [a, b, c, d] = init.fileVersion ?? [0, 0, 0, 0];
    info.setFileVersion(a, b, c, d, 1033);
    if (init.strings !== undefined) info.setStringValues({ lang: 1033, codepage: 1200 }, init.strings);
    info.outputToResourceEntries(res.entries);
    res.outputResource(exe);
  }
  if (init.managed !== false) exe.newHeader.optionalHeaderDataDirectory.set(14, { virtualAddress: 0x2000, size: 72 });
  return Buffer.from(exe.generate());
}

const NEWTONSOFT = assembly({
  strings: { InternalName: 'Newtonsoft.Json.dll', ProductName: 'Json.NET', ProductVersion: '13.0.3+0a2e291c0d9c0c7675d445703e51750363a549ef', CompanyName: 'Newtonsoft' },
  fileVersion: [13, 0, 3, 27908],
});

describe('.NET assemblies (dotnet-deps-cataloger, PE files)', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('reports an assembly from its version resource: name from InternalName, the NuGet version from ProductVersion', async () => {
    const out = await catalogFile(dotnetDepsCataloger, '/app/Newtonsoft.Json.dll', NEWTONSOFT);
    expect(ids(out)).toEqual(['Newtonsoft.Json@13.0.3']);
    expect(out.packages[0]).toMatchObject({ purl: 'pkg:nuget/Newtonsoft.Json@13.0.3', type: 'nuget', evidence: 'installed', paths: ['/app/Newtonsoft.Json.dll'] });
    expect(out.unknowns).toEqual([]);
  });

  it('falls back to FileVersion when ProductVersion is not a version, and reads upper-case names', async () => {
    const dll = assembly({ strings: { OriginalFilename: 'Vendor.Sdk.DLL', ProductVersion: 'Release build', FileVersion: '6.8.0.0' }, fileVersion: [6, 8, 0, 0] });
    expect(ids(await catalogFile(dotnetDepsCataloger, '/opt/app/Vendor.Sdk.DLL', dll))).toEqual(['Vendor.Sdk@6.8.0.0']);
  });

  it('native PE files and files that are not PE at all are not assemblies: no package and no unknown', async () => {
    const native = await catalogFile(dotnetDepsCataloger, '/app/native.dll', assembly({ strings: { InternalName: 'native.dll', FileVersion: '1.0.0.0' }, managed: false }));
    expect(native).toMatchObject({ packages: [], unknowns: [] });
    const text = await catalogFile(dotnetDepsCataloger, '/app/readme.exe', 'not a program\n');
    expect(text).toMatchObject({ packages: [], unknowns: [] });
  });

  it('a damaged PE or an assembly without a version is an unknown, never silently skipped', async () => {
    const damaged = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0xff)]);
    expect((await catalogFile(dotnetDepsCataloger, '/app/broken.dll', damaged)).unknowns).toHaveLength(1);
    const unversioned = await catalogFile(dotnetDepsCataloger, '/app/plain.dll', assembly({}));
    expect(unversioned.unknowns[0]?.reason).toMatch(/version/);
  });

  it('an assembly a deps.json in the same folder lists is that entry, not a second package; one it does not list is reported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sekisho-pe-'));
    dirs.push(dir);
    await mkdir(join(dir, 'app'));
    const deps = {
      targets: { '.NETCoreApp,Version=v8.0': { 'Newtonsoft.Json/13.0.3': { runtime: { 'lib/net6.0/Newtonsoft.Json.dll': {} } } } },
      libraries: { 'Newtonsoft.Json/13.0.3': { type: 'package' } },
    };
    await writeFile(join(dir, 'app', 'MyApp.deps.json'), JSON.stringify(deps));
    await writeFile(join(dir, 'app', 'Newtonsoft.Json.dll'), NEWTONSOFT);
    await writeFile(join(dir, 'app', 'Plugin.dll'), assembly({ strings: { InternalName: 'Plugin.dll', ProductVersion: '2.1.0' } }));
    const out = await catalogDirectory(dotnetDepsCataloger, dir);
    expect(ids(out)).toEqual(['Newtonsoft.Json@13.0.3', 'Plugin@2.1.0']);
    expect(out.packages.find((p) => p.name === 'Newtonsoft.Json')?.paths).toEqual(['/app/MyApp.deps.json']);
  });
});
