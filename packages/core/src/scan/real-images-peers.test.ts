import type { Report } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { fixtureImage } from '../testing/fixture-images.js';
import { scanImage } from './scan-image.js';

/*
 * Defects peers (Syft, Trivy) do not have, checked on real Debian images built by
 * scripts/build-fixture-images.sh (debian-node, debian-java). Skipped when the images are absent.
 */
const now = new Date('2026-11-22T00:00:00Z');
const scan = async (ref: string): Promise<Report> => (await scanImage(ref, { cacheDir: null, now })).report;

const debianNode = fixtureImage('debian-node');
describe.skipIf(debianNode === null)('real image: Debian nodejs + npm + python3-cryptography', () => {
  it('reports no packages from lockfiles Debian ships inside installed Node modules', async () => {
    const report = await scan(debianNode ?? '');
    const npm = report.packages.filter((p) => p.type === 'npm');
    // The installed modules themselves are found (npm ships as /usr/share/nodejs/npm).
    expect(npm.some((p) => p.name === 'npm' && p.evidence === 'installed')).toBe(true);
    const fromLockfiles = npm.filter((p) => p.locations.some((l) => /\/(npm-shrinkwrap\.json|package-lock\.json|pnpm-lock\.yaml|yarn\.lock)$/.test(l.path)));
    expect(fromLockfiles.map((p) => `${p.name}@${p.version} ${p.locations[0]?.path}`)).toEqual([]);
    expect(npm.filter((p) => p.evidence === 'declared')).toEqual([]);
  });

  it('reports python3-cryptography once, though Debian ships an egg-info and a dist-info for it', async () => {
    const report = await scan(debianNode ?? '');
    const cryptography = report.packages.filter((p) => p.type === 'pypi' && p.name === 'cryptography');
    expect(cryptography).toHaveLength(1);
    const paths = cryptography[0]?.locations.map((l) => l.path) ?? [];
    expect(paths.some((p) => p.includes('.dist-info/'))).toBe(true);
    expect(paths.some((p) => p.includes('.egg-info'))).toBe(true);
    const owner = report.packages.find((p) => p.type === 'deb' && p.name === 'python3-cryptography');
    expect(report.relationships).toContainEqual({ from: owner?.id, to: cryptography[0]?.id, type: 'contains' });
  });
});

const debianJava = fixtureImage('debian-java');
describe.skipIf(debianJava === null)('real image: Debian openjdk-17-jre-headless', () => {
  it('gives jars without pom.properties Maven purls derived from their manifest or SHA-1', async () => {
    const report = await scan(debianJava ?? '');
    const jars = report.packages.filter((p) => p.type === 'maven');
    for (const name of ['jrt-fs', 'ca-certificates-java']) {
      const jar = jars.find((p) => p.name === name);
      expect(jar, name).toBeDefined();
      expect(jar?.purl, name).toMatch(new RegExp(`^pkg:maven/[^/]+/${name}(@|\\?|$)`));
    }
    expect(jars.filter((p) => p.purl === '').map((p) => p.name)).toEqual([]);
  });
});
