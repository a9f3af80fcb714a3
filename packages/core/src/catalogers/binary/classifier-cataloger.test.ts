import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { binaryClassifierCataloger, classifyBinary } from './classifier-cataloger.js';
import { CLASSIFIERS } from './classifiers.js';

describe('classifyBinary', () => {
  it('reads a version from bytes around an anchor and templates purl and CPE', () => {
    const bytes = Buffer.concat([Buffer.alloc(5000, 0x90), Buffer.from('\x00nginx version: nginx/1.25.3\x00', 'latin1'), Buffer.alloc(100)]);
    expect(classifyBinary('/usr/sbin/nginx', bytes).packages.map((p) => [p.name, p.version, p.purl, p.cpes])).toEqual([
      ['nginx', '1.25.3', 'pkg:generic/nginx@1.25.3', ['cpe:2.3:a:f5:nginx:1.25.3:*:*:*:*:*:*:*', 'cpe:2.3:a:nginx:nginx:1.25.3:*:*:*:*:*:*:*']],
    ]);
  });

  it('applies only to files whose name the classifier names', () => {
    const bytes = Buffer.from('\x00nginx version: nginx/1.25.3\x00', 'latin1');
    expect(classifyBinary('/usr/sbin/not-nginx', bytes)).toEqual({ packages: [], cut: [] });
  });

  it('uses the file name to build the pattern (python3.11 looks for \\x003.11.x\\x00)', () => {
    const bytes = Buffer.from('junk\x003.12.1\x00more\x003.11.9\x00', 'latin1');
    expect(classifyBinary('/usr/local/bin/python3.11', bytes).packages.map((p) => p.version)).toEqual(['3.11.9']);
  });

  it('honours exclusions (AWS-LC ships an openssl binary)', () => {
    const bytes = Buffer.from('\x00OpenSSL 1.1.1 (compatible; AWS-LC 1.69.0)\x00', 'latin1');
    expect(classifyBinary('/usr/bin/openssl', bytes).packages.map((p) => p.name)).toEqual(['aws-lc']);
  });

  it('stays bounded on hostile input: many anchors, long runs of digits', () => {
    const evil = Buffer.from('nginx version: '.repeat(50_000) + '1.'.repeat(100_000), 'latin1');
    expect(classifyBinary('/usr/sbin/nginx', evil).packages).toEqual([]);
    const digits = Buffer.from('\x00' + '1.'.repeat(500_000), 'latin1');
    expect(classifyBinary('/usr/local/bin/traefik', digits).packages).toEqual([]);
  });

  it('turns a search its bounds stopped into an unknown on the file, never a silent miss', async () => {
    const parse = async (path: string, content: Buffer) => binaryClassifierCataloger.parse({ path, content, mode: 0o755, layerIndex: 0 }, { limits: { maxNestedDepth: 4, maxExpandedBytes: 1 << 30 } });
    // 2,000 anchor hits (each past the last one's window) hide the real version string after them
    const anchors = Buffer.from(`nginx version: x${' '.repeat(600)}`.repeat(2_100) + '\x00nginx version: nginx/1.25.3\x00', 'latin1');
    expect((await parse('/usr/sbin/nginx', anchors)).unknowns.map((u) => u.reason)).toEqual([
      'binary classifier search limits were met (nginx-binary: the search stopped at 2000 hits of its anchor): a version may be missing',
    ]);
    // an unanchored pattern reads the first 64 MiB only: the version past them is not seen
    const window = Buffer.concat([Buffer.alloc(65 * 1024 * 1024), Buffer.from(' v3.14.0\x00', 'latin1')]);
    expect((await parse('/usr/local/bin/helm', window)).unknowns.map((u) => u.reason)).toEqual([
      `binary classifier search limits were met (helm: the search stopped at the first 64 MiB of ${window.length} bytes): a version may be missing`,
    ]);
    // a highest-version search stops at 10,000 candidates: a higher one after them may be missed
    const many = Buffer.from(' 1.0.0\x00'.repeat(10_001) + ' 9.9.9\x00', 'latin1');
    const istio = await parse('/usr/local/bin/pilot-discovery', many);
    expect(istio.unknowns.map((u) => u.reason)).toEqual([
      'binary classifier search limits were met (istio-pilot-discovery-binary: the search stopped at 10000 version candidates): a version may be missing',
    ]);
    // within the bounds: no unknown
    expect((await parse('/usr/sbin/nginx', Buffer.from('\x00nginx version: nginx/1.25.3\x00', 'latin1'))).unknowns).toEqual([]);
  });

  it('covers the products the issue requires', () => {
    const names = new Set(CLASSIFIERS.map((c) => c.name));
    for (const n of [
      'node',
      'python',
      'openjdk',
      'go',
      'redis',
      'nginx',
      'httpd',
      'openssl',
      'curl',
      'busybox',
      'postgresql',
      'mysql',
      'mariadb',
      'php-cli',
      'ruby',
      'perl',
      'haproxy',
      'traefik',
      'consul',
      'github.com/hashicorp/vault',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
  });

  it('the cataloger selects by the classifiers’ file names', async () => {
    const out = await catalogFile(binaryClassifierCataloger, '/usr/bin/busybox', Buffer.from('BusyBox v1.36.1 (2023-11-07)', 'latin1'));
    expect(out.packages.map((p) => p.purl)).toEqual(['pkg:generic/busybox@1.36.1']);
  });
});

interface Expectation {
  cataloger: string;
  packages: { name: string; version: string; purl?: string }[];
}
const syft = sharedDir('conformance', 'syft');
const classifiersDir = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'binary', 'testdata', 'classifiers');

describe.skipIf(!syft || !classifiersDir)('Syft binary-classifier snippets', () => {
  const expected = syft ? (JSON.parse(readFileSync(join(syft, 'expected.json'), 'utf8')) as { fixtures: Record<string, Expectation[]> }) : { fixtures: {} };
  const cases = Object.entries(expected.fixtures).filter(([k]) => k.includes('/binary/testdata/classifiers/snippets/'));

  it('agrees on name and version for every snippet (figure printed)', async () => {
    let agree = 0;
    let total = 0;
    const misses: string[] = [];
    for (const [fixture, exps] of cases) {
      const out = await catalogDirectory(binaryClassifierCataloger, join(syft ?? '', fixture));
      for (const e of exps) {
        for (const want of e.packages) {
          total++;
          if (out.packages.some((p) => p.name === want.name && p.version === want.version)) agree++;
          else misses.push(`${fixture.split('/snippets/')[1]}: want ${want.name}@${want.version}, got ${out.packages.map((p) => `${p.name}@${p.version}`).join(',') || 'nothing'}`);
        }
      }
    }
    console.log(`binary classifiers: ${agree}/${total} Syft snippet packages agree\n  ${misses.join('\n  ')}`);
    expect(total).toBeGreaterThan(0);
    expect(misses).toEqual([]);
  });

  it('classifies none of the negative fixtures', async () => {
    const out = await catalogDirectory(binaryClassifierCataloger, join(classifiersDir ?? '', 'negative'));
    expect(out.packages.map((p) => `${p.paths[0]} ${p.name}@${p.version}`)).toEqual([]);
  });
});

/**
 * Real binaries on this machine, checked against the version dpkg recorded for their package.
 * Only binaries whose package dpkg knows are listed, so every listed case asserts.
 */
const DPKG_STATUS = '/var/lib/dpkg/status';

function dpkgVersion(status: string, pkg: string): string | null {
  const stanza = status.split('\n\n').find((s) => s.startsWith(`Package: ${pkg}\n`));
  const v = /\nVersion: (?:\d+:)?([^\s-+~]+)/.exec(stanza ?? '')?.[1];
  return v ?? null;
}

const dpkgStatus = existsSync(DPKG_STATUS) ? readFileSync(DPKG_STATUS, 'utf8') : '';
const REAL: [string, string, string][] = (
  [
    ['/usr/bin/bash', 'bash'],
    ['/usr/bin/openssl', 'openssl'],
    ['/usr/bin/curl', 'curl'],
    ['/usr/bin/xz', 'xz-utils'],
    ['/usr/bin/zstd', 'zstd'],
    ['/usr/bin/jq', 'jq'],
  ] as const
).flatMap(([path, pkg]): [string, string, string][] => {
  const upstream = existsSync(path) ? dpkgVersion(dpkgStatus, pkg) : null;
  return upstream === null ? [] : [[path, pkg, upstream]];
});

describe.skipIf(REAL.length === 0)('real binaries on this machine vs dpkg', () => {
  it.each(REAL)('%s matches the upstream version of Debian package %s (%s)', (path, _pkg, upstream) => {
    const found = classifyBinary(path, readFileSync(path)).packages;
    expect(
      found.map((p) => p.version),
      path,
    ).toContain(upstream.replace(/\+.*$/, ''));
  });
});
