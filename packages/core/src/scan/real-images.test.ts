import type { Package, Report } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { setupScanners } from './scanners.js';
import { fixtureImage } from '../testing/fixture-images.js';
import { scanImage } from './scan-image.js';

/*
 * End-to-end over real images built by scripts/build-fixture-images.sh from Debian's archive and
 * the npm registry. Skipped when the images are absent (CI builds them and requires them).
 */
const now = new Date('2026-11-22T00:00:00Z');
const scan = async (ref: string, withSecrets = false): Promise<Report> => {
  const scanners = withSecrets ? await setupScanners(new Set(['secret'])) : undefined;
  return (await scanImage(ref, { cacheDir: null, now, ...(scanners ? { analyzers: scanners.analyzers, configAnalyzers: scanners.configAnalyzers } : {}) })).report;
};
const find = (report: Report, type: string, name: string): Package | undefined => report.packages.find((p) => p.type === type && p.name === name);
const key = (report: Report) => report.packages.map((p) => `${p.type}:${p.name}@${p.version}`).sort();

const debianApp = fixtureImage('debian-app');
describe.skipIf(debianApp === null)('real image: Debian bookworm + curl + an npm app (4 layers)', () => {
  it('reads the OS, dpkg packages with the layer that added them, and npm packages', async () => {
    const report = await scan(debianApp ?? '', true);
    expect(report.distro).toMatchObject({ id: 'debian', versionId: '12', codename: 'bookworm', eol: { status: 'supported', phase: 'extended', extendedName: 'Debian LTS' } });
    const debs = report.packages.filter((p) => p.type === 'deb');
    expect(debs.length).toBeGreaterThan(80);
    expect(find(report, 'deb', 'bash')?.locations[0]?.layerIndex).toBe(0);
    const curl = find(report, 'deb', 'curl');
    expect(curl?.locations[0]?.layerIndex).toBe(1);
    expect(report.image?.layers[1]?.createdBy).toContain('apt-get install');
    expect(curl?.purl).toMatch(/^pkg:deb\/debian\/curl@7\.88\.1-10\+deb12u\d+\?arch=amd64&distro=debian-12$/);
    expect(find(report, 'deb', 'libc6')?.source?.name).toBe('glibc');
    for (const [name, version] of [
      ['lodash', '4.17.15'],
      ['minimist', '1.2.0'],
      ['express', '4.17.1'],
    ]) {
      const pkg = report.packages.find((p) => p.type === 'npm' && p.name === name && p.version === version);
      expect(pkg, `${name}@${version}`).toBeDefined();
      expect(pkg?.locations[0]?.layerIndex).toBe(3);
      expect(pkg?.purl).toBe(`pkg:npm/${name}@${version}`);
    }
    // binaries dpkg installed are not repeated as binary-classifier packages
    expect(report.packages.filter((p) => p.type === 'binary' && p.name === 'curl')).toEqual([]);
    expect(report.image?.config).toMatchObject({ user: '1000:1000', exposedPorts: ['8080/tcp'] });
    const secret = report.findings.find((f) => f.kind === 'secret' && f.location?.path === '/root/.aws/credentials');
    expect(secret).toMatchObject({ location: { layerIndex: 1 }, removedInLayer: 2 });
    expect(JSON.stringify(report)).not.toContain('Zq8vT1mPpR0x3kLw9HsY5cN2bUeJ7gAdF4iQo6Vr');
    expect(report.unknowns).toEqual([]);
  });

  it('gives the same inventory from the docker-archive skopeo wrote', async () => {
    const archive = fixtureImage('debian-app', 'image.tar');
    const [fromLayout, fromArchive] = await Promise.all([scan(debianApp ?? ''), scan(archive ?? '')]);
    expect(fromArchive.target.sourceType).toBe('docker-archive');
    expect(fromArchive.target.repoTags).toEqual(['docker.io/sekisho-fixtures/debian-app:latest']);
    expect(key(fromArchive)).toEqual(key(fromLayout));
  });
});

const distroless = fixtureImage('distroless');
describe.skipIf(distroless === null)('real image: distroless-style (dpkg status.d)', () => {
  it('reads packages from status.d and says it is distroless', async () => {
    const report = await scan(distroless ?? '');
    expect(report.distro).toMatchObject({ id: 'debian', distroless: true });
    expect(
      report.packages
        .filter((p) => p.type === 'deb')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['base-files', 'ca-certificates', 'libc6', 'libssl3', 'netbase', 'tzdata']);
    expect(find(report, 'deb', 'libssl3')?.locations[0]?.path).toBe('/var/lib/dpkg/status.d/libssl3');
  });
});

const rpm = fixtureImage('rpm-sqlite');
describe.skipIf(rpm === null)('real image: rpm database written by rpm', () => {
  it('reads rpmdb.sqlite with epochs and source packages', async () => {
    const report = await scan(rpm ?? '');
    expect(report.distro).toMatchObject({ id: 'fedora', versionId: '40' });
    const hello = find(report, 'rpm', 'sekisho-hello');
    expect(hello).toMatchObject({ version: '2:1.2.3-4.fx1', licenses: ['MIT'], source: { name: 'sekisho-hello', version: '1.2.3-4.fx1' } });
    expect(hello?.purl).toBe('pkg:rpm/fedora/sekisho-hello@1.2.3-4.fx1?arch=noarch&distro=fedora-40&epoch=2&upstream=sekisho-hello-1.2.3-4.fx1.src.rpm');
    expect(find(report, 'rpm', 'sekisho-tools')?.version).toBe('0.9-1');
  });
});

const python = fixtureImage('debian-python');
describe.skipIf(python === null)('real image: Python packages from Debian', () => {
  it('reads dist-info packages and links them to the deb that installed them', async () => {
    const report = await scan(python ?? '');
    const urllib3 = find(report, 'pypi', 'urllib3');
    expect(urllib3?.purl).toMatch(/^pkg:pypi\/urllib3@1\.26\./);
    const owner = find(report, 'deb', 'python3-urllib3');
    expect(report.relationships).toContainEqual({ from: owner?.id, to: urllib3?.id, type: 'contains' });
    for (const name of ['requests', 'pyyaml', 'jinja2']) expect(find(report, 'pypi', name), name).toBeDefined();
  });
});

const jarsGo = fixtureImage('debian-jars-go');
describe.skipIf(jarsGo === null)('real image: Java jars and Go binaries from Debian packages', () => {
  it('reads jars with Maven coordinates and Go build info with the toolchain', async () => {
    const report = await scan(jarsGo ?? '');
    const log4j = report.packages.find((p) => p.type === 'maven' && p.name === 'log4j-core');
    expect(log4j?.purl).toMatch(/^pkg:maven\/org\.apache\.logging\.log4j\/log4j-core@2\./);
    expect(log4j?.locations[0]?.layerIndex).toBe(1);
    expect(report.packages.some((p) => p.type === 'maven' && p.name === 'jackson-databind')).toBe(true);
    expect(report.packages.some((p) => p.type === 'golang' && p.name === 'stdlib')).toBe(true);
  });
});
