import { describe, expect, it } from 'vitest';
import { sensitiveFilesAnalyzer } from '../index.js';
import { scanImage } from '../../../scan/scan-image.js';
import { fixtureImage } from '../../../testing/fixture-images.js';
import { evaluateImageHardening } from './index.js';

const layout = fixtureImage('debian-app');
const archive = fixtureImage('debian-app', 'image.tar');
const present = layout !== null;
if (!present) console.warn('skipping image-hardening end-to-end test: the debian-app fixture is missing (build it with scripts/build-fixture-images.sh)');

/**
 * The real image from scripts/build-fixture-images.sh: Debian 12 minbase + curl, a layer that
 * adds /root/.aws/credentials, one that deletes it with /var/cache/apt/*, an npm app,
 * USER 1000:1000, EXPOSE 8080/tcp, no HEALTHCHECK.
 */
describe.skipIf(!present)('image hardening of the debian-app fixture', () => {
  const NOW = new Date('2026-12-01T00:00:00Z');
  const scan = (ref: string) => scanImage(ref, { cacheDir: null, analyzers: [sensitiveFilesAnalyzer], now: NOW });

  it('reports the base in Debian LTS, the missing health check and the setuid system binaries, nothing else', async () => {
    const { report, merged } = await scan(layout ?? '');
    const findings = evaluateImageHardening({ report, merged, now: NOW });
    expect(findings.map((f) => f.ruleId)).toEqual(['SEK-IMG-003', 'SEK-IMG-015', 'SEK-IMG-019']);

    const eol = findings.find((f) => f.ruleId === 'SEK-IMG-019');
    expect(eol?.severity).toBe('low');
    expect(eol?.evidence).toContain('Debian GNU/Linux 12 (bookworm)');
    expect(eol?.evidence).toContain('regular security support ended 2026-06-10; Debian LTS provides security fixes until 2028-06-30');
    expect(eol?.fix).toBe('Rebuild on a release in regular support, e.g. debian 13.');

    const setid = findings.find((f) => f.ruleId === 'SEK-IMG-003')?.evidence ?? '';
    for (const tool of [
      '/usr/bin/passwd',
      '/usr/bin/su',
      '/usr/bin/mount',
      '/usr/bin/umount',
      '/usr/bin/chsh',
      '/usr/bin/chfn',
      '/usr/bin/gpasswd',
      '/usr/bin/newgrp',
      '/usr/sbin/unix_chkpwd',
      '/usr/bin/chage',
      '/usr/bin/expiry',
    ]) {
      expect(setid).toContain(`${tool} (`);
    }
    expect(setid).toContain('/usr/bin/passwd (setuid 4755, layer 0)');

    // The AWS credentials file of layer 1 was deleted in layer 2: the final image has none.
    expect(merged.facts.some((f) => f.path.includes('/.aws/'))).toBe(false);
    // USER 1000:1000, EXPOSE 8080, apt caches removed, /tmp sticky: no findings for those.
    expect(findings.some((f) => ['SEK-IMG-001', 'SEK-IMG-004', 'SEK-IMG-011', 'SEK-IMG-012', 'SEK-IMG-016', 'SEK-IMG-017'].includes(f.ruleId))).toBe(false);
  });

  it('flags the image as old once the limit has passed since its creation', async () => {
    const { report, merged } = await scan(layout ?? '');
    const created = Date.parse(report.image?.config.created ?? '');
    expect(Number.isNaN(created)).toBe(false);
    const later = new Date(created + 400 * 86_400_000);
    const age = evaluateImageHardening({ report, merged, now: later }).filter((f) => f.ruleId === 'SEK-IMG-020');
    expect(age.map((f) => f.evidence)).toEqual([expect.stringContaining('400 days before')]);
  });

  it.skipIf(archive === null)('gives the same findings for the docker-archive form', async () => {
    const oci = await scan(layout ?? '');
    const fromArchive = await scan(archive ?? '');
    const summary = (s: typeof oci) => evaluateImageHardening({ report: s.report, merged: s.merged, now: NOW }).map((f) => [f.ruleId, f.evidence]);
    expect(summary(fromArchive)).toEqual(summary(oci));
  });
});
