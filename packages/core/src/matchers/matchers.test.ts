import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Package } from '@sekisho/model';
import { PACKAGE_TYPES } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { advisoryStoreFromYaml } from '../testing/advisory-store.js';
import { distro, pkg } from './__fixtures__/inventory.js';
import { distroReleaseKey } from './namespace.js';
import { MATCHER_BY_PACKAGE_TYPE, matchers } from './registry.js';
import { sourceRpmName } from './distro/index.js';

const store = advisoryStoreFromYaml(readFileSync(path.join(import.meta.dirname, '__fixtures__/advisories.yaml'), 'utf8'), 'advisories.yaml');

function matchIds(p: Package, d = distro('debian', '12')): string[] {
  const result = MATCHER_BY_PACKAGE_TYPE[p.type].match(p, { distro: d, store });
  return result.matches.map((m) => m.advisory.id).sort();
}

describe('matcher registry', () => {
  it('has a matcher for every package type, and every matcher is registered', () => {
    for (const type of PACKAGE_TYPES) expect(matchers).toContain(MATCHER_BY_PACKAGE_TYPE[type]);
    expect(new Set(matchers.map((m) => m.id)).size).toBe(matchers.length);
  });
});

describe('distro release keys', () => {
  it.each([
    ['debian', '12', '12'],
    ['debian', '', null],
    ['ubuntu', '22.04', '22.04'],
    ['alpine', '3.20.3', '3.20'],
    ['alpine', '3.21_alpha20240807', 'edge'],
    ['rhel', '9.4', '9'],
    ['rocky', '8.10', '8'],
    ['wolfi', '20230201', 'rolling'],
    ['amzn', '2023', '2023'],
  ])('%s %s → %s', (id, version, key) => {
    expect(distroReleaseKey(distro(id, version))).toBe(key);
  });
});

describe('Debian: source package, release, vendor status', () => {
  const deb = (version: string): Package => pkg('deb', 'libexample1', version, { source: { name: 'example-src', version } });
  it.each([
    ['1.2.3-1', ['CVE-2024-1000', 'CVE-2024-1001', 'CVE-2024-1003', 'CVE-2024-1005']],
    ['1.2.3-1+deb12u1', ['CVE-2024-1001', 'CVE-2024-1003', 'CVE-2024-1005']],
    // epoch 1 is above every version without an epoch
    ['1:0.9-1', ['CVE-2024-1001', 'CVE-2024-1003']],
  ])('installed %s', (version, expected) => {
    expect(matchIds(deb(version))).toEqual(expected);
  });

  it('keeps vendor status and severity, never matches not-affected or withdrawn advisories', () => {
    const result = MATCHER_BY_PACKAGE_TYPE.deb.match(deb('1.2.3-1'), { distro: distro('debian', '12'), store });
    const byId = new Map(result.matches.map((m) => [m.advisory.id, m]));
    expect(byId.get('CVE-2024-1000')).toMatchObject({ status: 'fixed', vendorSeverity: 'high', fixedVersions: ['1.2.3-1+deb12u1'] });
    expect(byId.get('CVE-2024-1001')).toMatchObject({ status: 'not-fixed', fixedVersions: [] });
    expect(byId.get('CVE-2024-1003')).toMatchObject({ status: 'end-of-life' });
    expect(byId.has('CVE-2024-1002')).toBe(false);
    expect(byId.has('CVE-2024-1004')).toBe(false);
    expect(result.search).toMatchObject({ searchedBy: 'source-package', namespace: 'debian:12', packageName: 'example-src' });
  });

  it('bookworm advisories do not apply to bullseye', () => {
    const result = MATCHER_BY_PACKAGE_TYPE.deb.match(deb('1.2.3-1'), { distro: distro('debian', '11'), store });
    expect(result.matches.map((m) => [m.advisory.id, m.status, m.vendorSeverity])).toEqual([['CVE-2024-1000', 'wont-fix', 'low']]);
  });

  it('an unknown release or distro is an unknown, not a guess', () => {
    const r1 = MATCHER_BY_PACKAGE_TYPE.deb.match(deb('1.0-1'), { distro: distro('debian', ''), store });
    expect(r1.matches).toEqual([]);
    expect(r1.unknown?.reason).toMatch(/release/);
    const r2 = MATCHER_BY_PACKAGE_TYPE.deb.match(deb('1.0-1'), { distro: null, store });
    expect(r2.unknown?.reason).toMatch(/distribution/);
  });

  it('an invalid installed version is reported, never matched', () => {
    const result = MATCHER_BY_PACKAGE_TYPE.deb.match(deb('not a version!'), { distro: distro('debian', '12'), store });
    expect(result.matches).toEqual([]);
    expect(result.unknown?.reason).toMatch(/not a valid deb version/);
  });
});

describe('Alpine and RHEL', () => {
  it.each([
    ['3.20.3', '3.3.1-r0', ['CVE-2024-2000']],
    ['3.20.3', '3.3.2-r0', []],
    ['3.19.1', '3.1.6-r1', ['CVE-2024-2000']],
    ['3.19.1', '3.1.7-r0', []],
    ['3.18.0', '3.1.0-r0', []],
  ])('alpine %s openssl %s', (release, version, expected) => {
    const p = pkg('apk', 'libcrypto3', version, { source: { name: 'openssl', version } });
    expect(matchIds(p, distro('alpine', release))).toEqual(expected);
  });

  it.each([
    ['1:3.0.7-24.el9', ['CVE-2024-3000']],
    ['1:3.0.7-25.el9', []],
    // no epoch is epoch 0: below 1:3.0.7
    ['3.0.9-1.el9', ['CVE-2024-3000']],
    ['1:3.0.9-1.el9', []],
  ])('rhel 9 openssl-libs %s (source name from the source rpm)', (version, expected) => {
    const p = pkg('rpm', 'openssl-libs', version, {
      metadata: { type: 'rpm-db-entry', epoch: 1, version: '3.0.7', release: '24.el9', architecture: 'x86_64', vendor: null, sourceRpm: 'openssl-3.0.7-24.el9.src.rpm', modularityLabel: null },
    });
    expect(matchIds(p, distro('rhel', '9.4'))).toEqual(expected);
  });

  it('source rpm names', () => {
    expect(sourceRpmName('openssl-3.0.7-24.el9.src.rpm')).toBe('openssl');
    expect(sourceRpmName('python3.11-setuptools-65.5.1-2.el9.src.rpm')).toBe('python3.11-setuptools');
    expect(sourceRpmName('bad.src.rpm')).toBeNull();
  });
});

describe('language ecosystems', () => {
  it.each([
    ['pypi', 'urllib3', '1.26.12', ['GHSA-v845-jxx5-vc9f', 'PYSEC-2023-192']],
    ['pypi', 'urllib3', '1.26.17', []],
    ['pypi', 'urllib3', '2.0.5', ['GHSA-v845-jxx5-vc9f', 'PYSEC-2023-192']],
    ['pypi', 'urllib3', '2.0.6', []],
    ['pypi', 'urllib3', '2.0.0rc1', []],
    ['pypi', 'jinja2', '2.10.0', ['PYSEC-2021-1']],
    ['pypi', 'Jinja2', '2.10.1', ['PYSEC-2021-1']],
    ['pypi', 'jinja2', '2.10.2', []],
    ['pypi', 'zope_interface', '5.1', ['PYSEC-2022-1']],
    ['pypi', 'zope.interface', '5.1.post1', []],
    ['golang', 'golang.org/x/net', 'v0.22.0', ['GO-2024-2687']],
    ['golang', 'golang.org/x/net', 'v0.23.0', []],
    ['golang', 'golang.org/x/net', 'v0.0.0-20220722155237-a158d28d115b', ['GO-2024-2687']],
    ['golang', 'stdlib', '1.21.8', ['GO-2024-2687']],
    ['golang', 'stdlib', '1.22.1', ['GO-2024-2687']],
    ['golang', 'stdlib', '1.22.2', []],
    ['cargo', 'smallvec', '0.6.13', ['RUSTSEC-2024-0001']],
    ['cargo', 'smallvec', '0.6.14', []],
    ['cargo', 'smallvec', '1.6.0', ['RUSTSEC-2024-0001']],
    ['gem', 'rack', '2.2.6.2', ['GHSA-gem1-aaaa-bbbb']],
    ['gem', 'rack', '2.2.6.3', []],
    ['nuget', 'Newtonsoft.Json', '12.0.3', ['GHSA-nug1-aaaa-bbbb']],
    ['nuget', 'Newtonsoft.Json', '13.0.1', []],
  ] as const)('%s %s %s', (type, name, version, expected) => {
    expect(matchIds(pkg(type, name, version, { purl: `pkg:${type}/${name}@${version}` }))).toEqual(expected);
  });

  it.each([
    ['pkg:npm/%40scope/pkg@1.3.9', '@scope/pkg', '1.3.9', ['GHSA-npm1-aaaa-bbbb']],
    ['pkg:npm/%40scope/pkg@1.4.0', '@scope/pkg', '1.4.0', []],
    ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', 'log4j-core', '2.14.1', ['GHSA-mvn1-aaaa-bbbb']],
    ['pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0', 'log4j-core', '2.15.0', []],
    ['pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta8', 'log4j-core', '2.0-beta8', []],
    ['pkg:composer/guzzlehttp/guzzle@7.4.4', 'guzzlehttp/guzzle', '7.4.4', ['GHSA-php1-aaaa-bbbb']],
    ['pkg:composer/guzzlehttp/guzzle@7.4.5', 'guzzlehttp/guzzle', '7.4.5', []],
    ['pkg:swift/github.com/apple/swift-nio@2.29.0', 'swift-nio', '2.29.0', ['GHSA-swf1-aaaa-bbbb']],
    ['pkg:swift/github.com/apple/swift-nio@2.29.1', 'swift-nio', '2.29.1', []],
    ['pkg:swift/github.com/other/swift-nio@2.29.0', 'swift-nio', '2.29.0', []],
    ['pkg:pub/http@0.13.2', 'http', '0.13.2', ['GHSA-pub1-aaaa-bbbb']],
    ['pkg:pub/http@0.13.3', 'http', '0.13.3', []],
    ['pkg:hex/plug@1.14.0', 'plug', '1.14.0', ['GHSA-hex1-aaaa-bbbb']],
    ['pkg:hex/plug@1.14.2', 'plug', '1.14.2', []],
    // A Bitnami package revision is not a pre-release: 7.4.1-0 is 7.4.1, the fixed version.
    ['pkg:bitnami/redis@7.4.0-2?arch=amd64&distro=debian-12', 'redis', '7.4.0-2', ['BIT-redis-2024-0001']],
    ['pkg:bitnami/redis@7.4.1-0?arch=amd64&distro=debian-12', 'redis', '7.4.1-0', []],
  ] as const)('%s', (purl, name, version, expected) => {
    const type = purl.slice(4, purl.indexOf('/')) as 'npm' | 'maven' | 'composer' | 'swift' | 'pub' | 'bitnami' | 'hex';
    expect(matchIds(pkg(type, name, version, { purl }))).toEqual(expected);
  });

  it.each([
    ['php-pear', 'pkg:pear/pecl.php.net/redis@5.3.7'],
    ['cocoapods', 'pkg:cocoapods/Alamofire@5.8.1'],
    ['conda', 'pkg:conda/openssl@3.0.0?channel=conda-forge'],
    ['erlang-otp', 'pkg:otp/rabbit@3.12.10'],
    ['R-package', 'pkg:cran/stringr@1.5.1'],
    ['lua-rocks', 'pkg:luarocks/kong@3.7.0-0'],
    ['hackage', 'pkg:hackage/ShellCheck@0.8.0'],
  ] as const)('%s packages have no advisory feed: not searched, not an unknown', (type, purl) => {
    const result = MATCHER_BY_PACKAGE_TYPE[type].match(pkg(type, 'x', '1.0', { purl }), { distro: null, store });
    expect(result).toEqual({ matches: [], search: null, unknown: null });
  });

  it('language advisories never apply to OS packages of the same name, and vice versa', () => {
    expect(matchIds(pkg('deb', 'urllib3', '1.0-1'))).toEqual([]);
    expect(matchIds(pkg('pypi', 'example-src', '1.0'))).toEqual([]);
  });

  it('a binary hit is matched only through a language purl (no CPE guessing)', () => {
    const go = pkg('binary', 'golang.org/x/net', 'v0.22.0', { purl: 'pkg:golang/golang.org/x/net@v0.22.0' });
    expect(matchIds(go)).toEqual(['GO-2024-2687']);
    const other = pkg('binary', 'openssl', '3.0.0', { purl: 'pkg:generic/openssl@3.0.0', cpes: ['cpe:2.3:a:openssl:openssl:3.0.0:*:*:*:*:*:*:*'] });
    const result = MATCHER_BY_PACKAGE_TYPE.binary.match(other, { distro: null, store });
    expect(result).toEqual({ matches: [], search: null, unknown: null });
  });

  it('an invalid language version is an unknown', () => {
    const result = MATCHER_BY_PACKAGE_TYPE.pypi.match(pkg('pypi', 'urllib3', 'not-a-version!'), { distro: null, store });
    expect(result.matches).toEqual([]);
    expect(result.unknown).toMatchObject({ packageName: 'urllib3', matcher: 'pypi-matcher' });
  });

  it('reports fix versions above the installed one, ascending', () => {
    const result = MATCHER_BY_PACKAGE_TYPE.pypi.match(pkg('pypi', 'urllib3', '1.26.12'), { distro: null, store });
    for (const m of result.matches) expect(m.fixedVersions).toEqual(['1.26.17', '2.0.6']);
    const newer = MATCHER_BY_PACKAGE_TYPE.pypi.match(pkg('pypi', 'urllib3', '2.0.1'), { distro: null, store });
    for (const m of newer.matches) expect(m.fixedVersions).toEqual(['2.0.6']);
  });
});
