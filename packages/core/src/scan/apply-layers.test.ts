import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec, LayerSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretsAnalyzer } from '../analyzers/secrets/index.js';
import type { CatalogedPackage } from '../catalogers/types.js';
import { applyLayers, resolveInRoot } from './apply-layers.js';
import { encodeHashes, encodeKeys, LAYER_RESULT_SCHEMA, pathHash, widePathKey } from './layer-result.js';
import type { LayerResult } from './layer-result.js';
import { scanImage } from './scan-image.js';

describe('resolveInRoot', () => {
  const links = new Map([
    ['/bin', 'usr/bin'],
    ['/etc/os-release', '../usr/lib/os-release'],
    ['/escape', '../../../../etc/shadow'],
    ['/abs', '/usr/lib'],
    ['/loop-a', 'loop-b'],
    ['/loop-b', '/loop-a'],
    ['/self', '.'],
  ]);
  it.each([
    ['/bin/bash', '/usr/bin/bash'],
    ['/etc/os-release', '/usr/lib/os-release'],
    ['/escape', '/etc/shadow'],
    ['/abs/x/y', '/usr/lib/x/y'],
    ['/plain/file', '/plain/file'],
    ['/loop-a/x', null],
    ['/self/self/x', '/x'],
  ])('%s → %s (chroot semantics: .. stops at the root, loops end in null)', (path, expected) => {
    expect(resolveInRoot(path, links)).toBe(expected);
  });
});

function layer(parts: Partial<LayerResult> & { paths?: string[] }): LayerResult {
  return {
    schema: LAYER_RESULT_SCHEMA,
    entries: 0,
    bytes: 0,
    whiteouts: [],
    opaqueDirs: [],
    symlinks: [],
    pathHashes: encodeHashes(Uint32Array.from((parts.paths ?? []).map(pathHash))),
    nonDirKeys: encodeKeys(Float64Array.from((parts.paths ?? []).map(widePathKey))),
    packages: [],
    relationships: [],
    ownership: [],
    unknowns: [],
    findings: [],
    facts: [],
    specialFiles: [],
    ...parts,
  };
}

const pkg = (name: string, path: string, version = '1.0'): CatalogedPackage & { foundBy: string } => ({
  ref: name,
  name,
  version,
  type: 'npm',
  purl: `pkg:npm/${name}@${version}`,
  licenses: [],
  evidence: 'installed',
  source: null,
  metadata: null,
  paths: [path],
  foundBy: 'test-cataloger',
});

describe('applyLayers', () => {
  it('hides lower contents of an opaque directory but keeps what the same layer adds', () => {
    const merged = applyLayers([
      layer({ packages: [pkg('a', '/app/node_modules/a/package.json'), pkg('b', '/srv/b/package.json')], paths: ['/app/node_modules/a/package.json', '/srv/b/package.json'] }),
      layer({ opaqueDirs: ['/app'], packages: [pkg('c', '/app/node_modules/c/package.json')], paths: ['/app/node_modules/c/package.json'] }),
    ]);
    expect(merged.packages.map((p) => p.pkg.name).sort()).toEqual(['b', 'c']);
  });

  it('keeps the introducing layer while later layers rewrite the same file with the package unchanged', () => {
    const merged = applyLayers([
      layer({ packages: [pkg('a', '/db')], paths: ['/db'] }),
      layer({ packages: [pkg('a', '/db'), pkg('b', '/db')], paths: ['/db'] }),
      layer({ packages: [pkg('a', '/db'), pkg('b', '/db', '2.0')], paths: ['/db'] }),
    ]);
    expect(merged.packages.map((p) => `${p.pkg.name}@${p.pkg.version}:${p.introducedIn}`).sort()).toEqual(['a@1.0:0', 'b@2.0:2']);
  });

  it('drops a package whose evidence a later layer replaces with something no cataloger reads', () => {
    const merged = applyLayers([layer({ packages: [pkg('a', '/x/package.json')], paths: ['/x/package.json'] }), layer({ paths: ['/x/package.json'] })]);
    expect(merged.packages).toEqual([]);
  });

  it('marks findings in files a later layer removed, overwrote or hid', () => {
    const finding = (path: string) => ({ kind: 'secret' as const, ruleId: 'r', title: 't', severity: 'high' as const, description: '', foundBy: 's', fix: null, references: [], match: 'x', line: 1, path });
    const merged = applyLayers([
      layer({ findings: [finding('/a/deleted'), finding('/b/overwritten'), finding('/c/hidden/x'), finding('/d/kept')], paths: [] }),
      layer({ whiteouts: ['/a/deleted'], paths: ['/b/overwritten'] }),
      layer({ opaqueDirs: ['/c'] }),
    ]);
    expect(merged.findings.map((f) => [f.finding.path, f.removedInLayer])).toEqual([
      ['/a/deleted', 1],
      ['/b/overwritten', 1],
      ['/c/hidden/x', 2],
      ['/d/kept', null],
    ]);
  });
});

describe('a later layer replacing a directory by a file or a symlink', () => {
  const TOKEN = 'ghp_' + 'Zq8xW3rT7yP2mK9vB4nL6cF1hJ5dG0sA2eR8';
  const base: LayerSpec = {
    entries: [
      { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
      { name: 'var/lib/dpkg/status', content: 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b7\nArchitecture: amd64\n\n' },
      { name: 'var/lib/dpkg/info/bash.list', content: '/bin/bash\n' },
      { name: 'var/lib/dpkg/leak.env', content: `GITHUB_TOKEN=${TOKEN}\n` },
      { name: 'opt/app/node_modules/left/package.json', content: '{"name":"left","version":"1.0.0"}' },
    ],
  };
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-overlay-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const scanSpec = async (name: string, spec: ImageSpec) => {
    await writeOciLayout(join(dir, name), spec);
    return (await scanImage(join(dir, name), { cacheDir: null, analyzers: [createSecretsAnalyzer()], now: new Date('2026-01-01') })).report;
  };

  it('reports the lower directory contents while nothing replaces them (baseline)', async () => {
    const report = await scanSpec('baseline', { layers: [base, { entries: [{ name: 'srv/x', content: 'x' }] }] });
    expect(report.packages.map((p) => p.name).sort()).toEqual(['bash', 'left']);
    expect(report.findings.filter((f) => f.location?.path === '/var/lib/dpkg/leak.env').map((f) => f.removedInLayer)).toEqual([null]);
  });

  it.each<[string, LayerSpec['entries']]>([
    ['dir → file', [{ name: 'var/lib/dpkg', content: 'now a file' }]],
    ['dir → symlink', [{ name: 'var/lib/dpkg', type: 'symlink', linkTarget: '/srv/elsewhere' }]],
    ['ancestor dir → file', [{ name: 'var/lib', content: 'now a file' }]],
    ['ancestor dir → symlink', [{ name: 'var', type: 'symlink', linkTarget: 'srv' }]],
  ])('%s: everything under the old directory disappears; findings there are marked removed', async (name, entries) => {
    const report = await scanSpec(name.replace(/\W+/g, '-'), { layers: [base, { entries }] });
    expect(report.packages.map((p) => p.name)).toEqual(['left']);
    const leak = report.findings.filter((f) => f.location?.path === '/var/lib/dpkg/leak.env');
    expect(leak.length).toBeGreaterThan(0);
    expect(leak.map((f) => f.removedInLayer)).toEqual(leak.map(() => 1));
  });

  it('keeps what the replacing layer itself adds under a path that was a directory below', async () => {
    const report = await scanSpec('re-added', {
      layers: [base, { entries: [{ name: 'opt/app', type: 'symlink', linkTarget: '/srv/app' }] }, { entries: [{ name: 'opt/app', type: 'dir' }, { name: 'opt/app/node_modules/right/package.json', content: '{"name":"right","version":"2.0.0"}' }] }],
    });
    expect(report.packages.map((p) => p.name).sort()).toEqual(['bash', 'right']);
  });
});
