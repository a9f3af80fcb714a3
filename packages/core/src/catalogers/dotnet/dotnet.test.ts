import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { edges, ids } from '../lang-common/test-helpers.js';
import { dotnetDepsCataloger, dotnetPackagesLockCataloger } from './dotnet.js';

describe('dotnet-deps-cataloger', () => {
  it('reports the root project and packages that ship assets; skips reference assemblies, other projects and asset-less packages', async () => {
    const deps = {
      runtimeTarget: { name: '.NETCoreApp,Version=v8.0' },
      targets: {
        '.NETCoreApp,Version=v8.0': {
          'MyApp/1.0.0': { dependencies: { 'Newtonsoft.Json': '13.0.3', Other: '1.0.0', 'System.Unsafe': '6.0.0' }, runtime: { 'MyApp.dll': {} } },
          'Newtonsoft.Json/13.0.3': { runtime: { 'lib/net6.0/Newtonsoft.Json.dll': {} } },
          'Other/1.0.0': { runtime: { 'Other.dll': {} } },
          'System.Unsafe/6.0.0': {},
          'Ref.Asm/10.0.0.0': { compile: { 'Ref.Asm.dll': {} } },
        },
      },
      libraries: {
        'MyApp/1.0.0': { type: 'project' },
        'Newtonsoft.Json/13.0.3': { type: 'package', sha512: 'sha512-x', path: 'newtonsoft.json/13.0.3' },
        'Other/1.0.0': { type: 'project' },
        'System.Unsafe/6.0.0': { type: 'package' },
        'Ref.Asm/10.0.0.0': { type: 'referenceassembly' },
      },
    };
    const out = await catalogFile(dotnetDepsCataloger, '/app/MyApp.deps.json', JSON.stringify(deps));
    expect(ids(out)).toEqual(['MyApp@1.0.0', 'Newtonsoft.Json@13.0.3']);
    expect(out.packages.find((p) => p.name === 'Newtonsoft.Json')).toMatchObject({ purl: 'pkg:nuget/Newtonsoft.Json@13.0.3', type: 'nuget', evidence: 'installed' });
    expect(edges(out)).toEqual(['MyApp -> Newtonsoft.Json']);
  });

  it('corrupt deps.json is an unknown', async () => {
    expect((await catalogFile(dotnetDepsCataloger, '/app/x.deps.json', '{"libraries": ')).unknowns).toHaveLength(1);
    expect((await catalogFile(dotnetDepsCataloger, '/app/x.deps.json', '[]')).unknowns).toHaveLength(1);
  });
});

describe('dotnet-packages-lock-cataloger', () => {
  it('reads every framework, reports a name@version once, skips project references', async () => {
    const lock = {
      version: 1,
      dependencies: {
        'net8.0': {
          log4net: { type: 'Direct', requested: '[2.0.5, )', resolved: '2.0.5', dependencies: { Dep: '1.0.0' } },
          Dep: { type: 'Transitive', resolved: '1.0.0' },
          MyLib: { type: 'Project' },
        },
        '.netcore2.0': { log4net: { type: 'Direct', resolved: '1.2.15' }, Dep: { type: 'Transitive', resolved: '1.0.0' } },
      },
    };
    const out = await catalogFile(dotnetPackagesLockCataloger, '/src/packages.lock.json', JSON.stringify(lock));
    expect(ids(out)).toEqual(['Dep@1.0.0', 'log4net@1.2.15', 'log4net@2.0.5']);
    expect(edges(out)).toEqual(['log4net -> Dep']);
    expect(out.packages.every((p) => p.evidence === 'declared')).toBe(true);
  });
});
