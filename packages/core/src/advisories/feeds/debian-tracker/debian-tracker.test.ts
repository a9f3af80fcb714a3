import { describe, expect, it } from 'vitest';
import { memoryFile, runImporter } from '../util/test-feed.js';
import { debianTrackerImporter } from './index.js';

// Hand-written in the shape of https://security-tracker.debian.org/tracker/data/json.
const tracker = JSON.stringify({
  libexample: {
    'CVE-2099-0001': {
      description: 'made-up overflow',
      scope: 'remote',
      releases: {
        bookworm: { status: 'resolved', repositories: { bookworm: '1.2-3' }, fixed_version: '1.2-2+deb12u1', urgency: 'high' },
        bullseye: { status: 'open', repositories: { bullseye: '1.1-1' }, urgency: 'low', nodsa: 'Minor issue', nodsa_reason: 'ignored' },
        buster: { status: 'open', repositories: { buster: '1.0-1' }, urgency: 'end-of-life' },
        trixie: { status: 'resolved', repositories: { trixie: '1.3-1' }, fixed_version: '0', urgency: 'unimportant' },
        sid: { status: 'undetermined', repositories: { sid: '1.3-1' }, urgency: 'not yet assigned' },
      },
    },
    'TEMP-0000000-ABCDEF': { description: 'no CVE yet', releases: { bookworm: { status: 'open', urgency: 'medium', nodsa: 'x', nodsa_reason: 'postponed' } } },
    'CVE-2099-0002': { description: 'broken', releases: 'nope' },
  },
  'other-pkg': { 'CVE-2099-0003': { releases: { bookworm: { status: 'resolved', fixed_version: '2.0-1', urgency: 'medium**' } } } },
});

describe('Debian security tracker importer', () => {
  it('maps each release to its number and the vendor status', async () => {
    const { advisories, skipped, detected } = await runImporter(debianTrackerImporter, memoryFile('debian/tracker.json', tracker));
    expect(detected).toBe(true);
    expect(advisories.map((a) => `${a.affected[0]?.packageName}/${a.id}`)).toEqual(['libexample/CVE-2099-0001', 'libexample/TEMP-0000000-ABCDEF', 'other-pkg/CVE-2099-0003']);
    expect(skipped).toEqual([{ source: 'debian-tracker', record: 'debian/tracker.json: libexample/CVE-2099-0002', reason: 'no releases' }]);
    const byNs = Object.fromEntries(advisories[0]!.affected.map((a) => [a.namespace, a]));
    expect(byNs['debian:12']).toMatchObject({
      status: 'fixed',
      fixedVersions: ['1.2-2+deb12u1'],
      vendorSeverity: 'high',
      ranges: [{ scheme: 'deb', events: [{ introduced: '0' }, { fixed: '1.2-2+deb12u1' }] }],
    });
    expect(byNs['debian:11']).toMatchObject({ status: 'wont-fix', vendorSeverity: 'low', ranges: [{ events: [{ introduced: '0' }] }] });
    expect(byNs['debian:10']).toMatchObject({ status: 'end-of-life', vendorSeverity: null });
    expect(byNs['debian:13']).toMatchObject({ status: 'not-affected', ranges: [], vendorSeverity: 'negligible' });
    expect(byNs['debian:unstable']).toMatchObject({ status: 'unknown', vendorSeverity: 'unknown' });
    expect(advisories[1]!.affected[0]).toMatchObject({ status: 'not-fixed', vendorSeverity: 'medium' });
    expect(advisories[2]!.affected[0]).toMatchObject({ vendorSeverity: 'medium' }); // `medium**`: the tracker's estimate
  });

  it('does not claim other JSON', () => {
    expect(debianTrackerImporter.detect(memoryFile('x.json', '{"id": "GO-1", "affected": []}'))).toBe(false);
  });
});
