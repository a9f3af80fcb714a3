import type { Package, Report } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { getScanReporter } from '../reporters/registry.js';
import { isSpdxExpression } from '../reporters/license.js';
import { fixtureImage } from '../testing/fixture-images.js';
import { scanImage } from './scan-image.js';

/*
 * Licences end to end over real Debian images built by scripts/build-fixture-images.sh (skipped
 * when absent; CI builds them). Debian states licences only in /usr/share/doc/<pkg>/copyright.
 */
const now = new Date('2026-11-22T00:00:00Z');
const scan = async (ref: string): Promise<Report> => (await scanImage(ref, { cacheDir: null, now })).report;
const deb = (report: Report, name: string): Package | undefined => report.packages.find((p) => p.type === 'deb' && p.name === name);

const python = fixtureImage('debian-python');
describe.skipIf(python === null)('licences on a real Debian bookworm image', () => {
  it('every deb states SPDX licences from its copyright file; bash is GPL-3.0-or-later, libc6 LGPL-2.1-or-later', async () => {
    const report = await scan(python ?? '');
    const bash = deb(report, 'bash');
    expect(bash?.licenses).toContain('GPL-3.0-or-later');
    expect(bash?.licenses.every(isSpdxExpression)).toBe(true);
    const libc = deb(report, 'libc6');
    expect(libc?.licenses).toEqual(expect.arrayContaining(['LGPL-2.1-or-later', 'GPL-2.0-or-later']));
    const debs = report.packages.filter((p) => p.type === 'deb');
    expect(debs.filter((p) => p.licenses.length > 0).length / debs.length).toBeGreaterThan(0.9);
    // Python packages state theirs in METADATA (here Debian's python3-requests ships requests' dist-info).
    expect(report.packages.find((p) => p.type === 'pypi' && p.name === 'requests')?.licenses).toEqual(['Apache-2.0']);
    const table = getScanReporter('table', { licenses: true })?.render(report, { now, color: false }) ?? '';
    expect(table).toMatch(new RegExp(`Licences: \\d+ of ${report.packages.length} packages state one`));
    expect(table).toMatch(/GPL-3\.0-or-later\s*│\s*\d+/);
  });
});

const debianApp = fixtureImage('debian-app');
describe.skipIf(debianApp === null)('licences when a later layer deletes /usr/share/doc', () => {
  it('copyright files removed by `rm -rf /usr/share/doc/*` take their licences with them; npm packages keep theirs', async () => {
    const report = await scan(debianApp ?? '');
    expect(deb(report, 'bash')?.licenses).toEqual([]);
    expect(report.packages.filter((p) => p.type === 'deb' && p.licenses.length > 0)).toEqual([]);
    expect(report.packages.find((p) => p.type === 'npm' && p.name === 'lodash')?.licenses).toEqual(['MIT']);
  });
});

const distroless = fixtureImage('distroless');
describe.skipIf(distroless === null)('licences on a distroless image (status.d, no info/*.list)', () => {
  it('reads the copyright files distroless keeps', async () => {
    const report = await scan(distroless ?? '');
    expect(deb(report, 'libc6')?.licenses).toEqual(expect.arrayContaining(['LGPL-2.1-or-later']));
    expect(deb(report, 'libssl3')?.licenses).toContain('Apache-2.0');
  });
});
