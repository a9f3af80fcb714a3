import { describe, expect, it } from 'vitest';
import type { CatalogedPackage } from '../catalogers/types.js';
import { applyLayers, resolveInRoot } from './apply-layers.js';
import { encodeHashes, LAYER_RESULT_SCHEMA, pathHash } from './layer-result.js';
import type { LayerResult } from './layer-result.js';

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
