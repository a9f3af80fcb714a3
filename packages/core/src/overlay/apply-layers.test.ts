import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec, LayerSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretsAnalyzer } from '../analyzers/secrets/index.js';
import type { CatalogedPackage } from '../catalogers/types.js';
import { applyLayers, resolveInRoot } from './apply-layers.js';
import { layerResult } from '../testing/layer-result.js';
import { scanImage } from '../scan/scan-image.js';

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

const layer = layerResult;

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
    const finding = (path: string) => ({
      kind: 'secret' as const,
      ruleId: 'r',
      title: 't',
      severity: 'high' as const,
      description: '',
      foundBy: 's',
      fix: null,
      references: [],
      match: 'x',
      line: 1,
      path,
    });
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
      layers: [
        base,
        { entries: [{ name: 'opt/app', type: 'symlink', linkTarget: '/srv/app' }] },
        {
          entries: [
            { name: 'opt/app', type: 'dir' },
            { name: 'opt/app/node_modules/right/package.json', content: '{"name":"right","version":"2.0.0"}' },
          ],
        },
      ],
    });
    expect(report.packages.map((p) => p.name).sort()).toEqual(['bash', 'right']);
  });
});

/** 32-bit FNV-1a over UTF-16 code units, the hash overlay matching used before exact paths. */
function fnv1a32(text: string, from = 0x811c9dc5): number {
  let hash = from;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * A path other than `target` with the same 32-bit FNV-1a hash, found by meeting in the middle:
 * every step `h' = (h ^ c) * prime` is invertible mod 2^32, so 64^3 prefixes hashed forward meet
 * 64^3 suffixes unwound back from the target's hash (about 16 expected matches; ~0.3 s).
 */
function forgeFnvCollision(target: string, prefix: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
  let inverse = 1; // Newton's iteration for the inverse of the odd FNV prime mod 2^32
  for (let i = 0; i < 5; i += 1) inverse = Math.imul(inverse, 2 - Math.imul(0x01000193, inverse));
  const start = fnv1a32(prefix);
  const forward = new Map<number, string>();
  for (const a of alphabet) for (const b of alphabet) for (const c of alphabet) forward.set(fnv1a32(a + b + c, start), a + b + c);
  const goal = fnv1a32(target);
  for (const a of alphabet) {
    const h3 = Math.imul(goal, inverse) ^ a.charCodeAt(0);
    for (const b of alphabet) {
      const h2 = Math.imul(h3, inverse) ^ b.charCodeAt(0);
      for (const c of alphabet) {
        const h1 = (Math.imul(h2, inverse) ^ c.charCodeAt(0)) >>> 0;
        const head = forward.get(h1);
        if (head !== undefined) return prefix + head + c + b + a;
      }
    }
  }
  throw new Error('no collision found');
}

describe('overlay matching compares exact paths, never forgeable hashes', () => {
  const forged = forgeFnvCollision('/var/lib/dpkg/status', '/srv/pad-');
  const TOKEN = 'ghp_' + 'Zq8xW3rT7yP2mK9vB4nL6cF1hJ5dG0sA2eR8';
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-collision-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the forged path is another path with the same 32-bit FNV-1a hash', () => {
    expect(forged).not.toBe('/var/lib/dpkg/status');
    expect(fnv1a32(forged)).toBe(fnv1a32('/var/lib/dpkg/status'));
  });

  it('a later file whose path collides with the dpkg database neither deletes its packages nor marks findings removed', async () => {
    const leak = forgeFnvCollision('/etc/leak.env', '/srv/pad-');
    await writeOciLayout(join(dir, 'forged'), {
      layers: [
        {
          entries: [
            { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
            { name: 'var/lib/dpkg/status', content: 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b7\nArchitecture: amd64\n\n' },
            { name: 'etc/leak.env', content: `GITHUB_TOKEN=${TOKEN}\n` },
          ],
        },
        {
          entries: [
            { name: forged.slice(1), content: 'x' },
            { name: leak.slice(1), content: 'y' },
          ],
        },
      ],
    });
    const { report } = await scanImage(join(dir, 'forged'), { cacheDir: null, analyzers: [createSecretsAnalyzer()], now: new Date('2026-01-01') });
    expect(report.packages.map((p) => p.name)).toEqual(['bash']);
    const findings = report.findings.filter((f) => f.location?.path === '/etc/leak.env');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.removedInLayer)).toEqual(findings.map(() => null));
  });
});
