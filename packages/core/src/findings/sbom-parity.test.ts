import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report, VulnerabilityFinding } from '@sekisho/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdvisoryDb } from '../advisories/build.js';
import { openAdvisoryStore } from '../advisories/sqlite-store.js';
import type { AdvisoryStore } from '../advisories/types.js';
import { getReporter } from '../reporters/registry.js';
import { scanImage } from '../scan/scan-image.js';
import { fixtureImage } from '../testing/fixture-images.js';
import { sharedDir } from '../testing/shared-data.js';
import { matchVulnerabilities } from './match-report.js';
import { getScanReporter } from '../reporters/registry.js';
import { reportFromSbom } from '../sbom-input/sbom-input.js';

/*
 * One inventory, one answer: `sekisho image` of a real fixture image (scripts/build-fixture-images.sh)
 * and `sekisho sbom-scan` of that image's own SBOM (`sekisho sbom --format cyclonedx-json | spdx-json`,
 * and `sekisho image --format cyclonedx-json`) give the same vulnerability findings against the same
 * advisory database, built here from real feed files (../shared/feeds). The library calls are the
 * ones the CLI makes; the CLI only adapts them. Skipped when the images or the feeds are absent.
 */
const feeds = ['debian-dsa', 'osv-pypi', 'npm-nsp', 'osv-go'].map((f) => sharedDir('feeds', f));
const images = ['debian-python', 'debian-app', 'distroless', 'debian-jars-go', 'rpm-sqlite'].map((name) => ({ name, ref: fixtureImage(name) }));
const available = images.filter((i) => i.ref !== null);
if (feeds.includes(null)) console.warn('sbom parity test skipped: ../shared/feeds is absent (set SEKISHO_SHARED_DIR in a worktree)');
if (available.length === 0) console.warn('sbom parity test skipped: build the images with scripts/build-fixture-images.sh');

const now = new Date('2026-11-22T00:00:00Z');
const opts = { now, color: false };
const key = (f: VulnerabilityFinding): string =>
  [
    f.id,
    f.packageId,
    `${f.packageType ?? ''}:${f.packageName}@${f.installedVersion}`,
    f.vulnerabilityId,
    f.status,
    f.severity,
    f.fixedVersions.join(','),
    f.osOwner?.packageId ?? '-',
    f.match?.searchedBy ?? '',
  ].join(' ');
const keys = (r: Report, store: AdvisoryStore, matchOsOwned: boolean): string[] => matchVulnerabilities(r, store, { matchOsOwned }).findings.map(key).sort();

describe.skipIf(feeds.includes(null) || available.length === 0)("sbom-scan of an image's own SBOM gives the findings of the image scan", () => {
  let dir = '';
  let store: AdvisoryStore;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sekisho-sbom-parity-'));
    const db = path.join(dir, 'advisories.db');
    await buildAdvisoryDb({ out: db, from: feeds as string[], now: new Date('2026-11-01T00:00:00Z') });
    store = openAdvisoryStore(db);
  }, 120_000);
  afterAll(() => {
    store?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const { name, ref } of available) {
    it(`${name}: CycloneDX and SPDX SBOMs re-match like the image, with and without --match-os-owned`, { timeout: 120_000 }, async () => {
      const { report } = await scanImage(ref!, { cacheDir: null, now });
      const scanned: Report = { ...report, findings: matchVulnerabilities(report, store).findings };
      const sboms = {
        'sbom --format cyclonedx-json': getReporter('cyclonedx-json')!.render(report, opts),
        'sbom --format spdx-json': getReporter('spdx-json')!.render(report, opts),
        'image --format cyclonedx-json': getScanReporter('cyclonedx-json')!.render(scanned, opts),
      };
      for (const matchOsOwned of [false, true]) {
        const expected = keys(report, store, matchOsOwned);
        console.info(`${name}: ${report.packages.length} packages, ${expected.length} vulnerability findings (matchOsOwned ${matchOsOwned})`);
        for (const [how, text] of Object.entries(sboms)) {
          const input = reportFromSbom(text, `${name}.${how}`);
          expect(keys(input.report, store, matchOsOwned), `${name}: ${how}, matchOsOwned ${matchOsOwned}`).toEqual(expected);
        }
      }
      if (name === 'debian-python') {
        // the case that disagreed: Python packages dpkg installed
        expect(keys(report, store, true).length).toBeGreaterThan(keys(report, store, false).length);
      }
    });
  }
});
