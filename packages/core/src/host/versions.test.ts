import { describe, expect, it } from 'vitest';
import { KERNEL_CVES } from '../kernel-catalog/kernel-cves.js';
import { RUNTIME_CVES } from './catalog/runtime-cves.js';
import { compareVersions, inRanges, parseKernelRelease, parseVersion, upstreamOfPackageVersion } from '../kernel-catalog/versions.js';

describe('compareVersions', () => {
  it.each([
    ['1.0.0-rc93', '1.0.0-rc.7', 1],
    ['1.0.0-rc10', '1.0.0-rc9', 1],
    ['1.0.0-rc95', '1.0.0', -1],
    ['1.1.12', '1.1.11', 1],
    ['5.10', '5.10.0', 0],
    ['5.10.102', '5.10.97', 1],
    ['v1.7.13', '1.7.13', 0],
    ['1.4.0-rc.2', '1.4.0-rc.3', -1],
    ['1.4.0-beta.1', '1.4.0-rc.1', -1],
    ['garbage', '0.0.1', -1],
  ])('%s vs %s → %i', (a, b, want) => {
    expect(compareVersions(a, b)).toBe(want);
  });
});

describe('package and kernel versions', () => {
  it.each([
    ['5:25.0.3-1~debian.12~bookworm', '25.0.3'],
    ['1.1.12+ds1-1', '1.1.12'],
    ['1.0.0~rc93+ds1-5', '1.0.0-rc.93'],
    ['1.6.28-1', '1.6.28'],
    ['1.7.13-0ubuntu0~22.04.1', '1.7.13'],
  ])('upstream of %s is %s', (raw, want) => {
    expect(upstreamOfPackageVersion(raw)).toBe(want);
  });

  it.each([
    ['6.1.0-18-amd64', '6.1.0', true],
    ['5.14.0-362.8.1.el9_3.x86_64', '5.14.0', true],
    ['5.15.0-91-generic', '5.15.0', true],
    ['5.10.102', '5.10.102', false],
    ['6.8', '6.8.0', false],
    ['6.9.0-rc3', '6.9.0', false],
  ])('kernel %s → upstream %s, distribution build %s', (release, upstream, distro) => {
    expect(parseKernelRelease(release)).toEqual({ upstream, distroBuild: distro });
  });

  it('places versions in [introduced, fixed) ranges', () => {
    const dirtyPipe = KERNEL_CVES.find((k) => k.id === 'CVE-2022-0847')!.affected;
    expect(inRanges('5.7.19', dirtyPipe)).toBe(false);
    expect(inRanges('5.8.0', dirtyPipe)).toBe(true);
    expect(inRanges('5.10.101', dirtyPipe)).toBe(true);
    expect(inRanges('5.10.102', dirtyPipe)).toBe(false);
    expect(inRanges('5.14.21', dirtyPipe)).toBe(true); // an end-of-life branch never got the fix
    expect(inRanges('5.16.11', dirtyPipe)).toBe(false);
    expect(inRanges('5.17.0', dirtyPipe)).toBe(false);
    const leaky = RUNTIME_CVES.find((r) => r.id === 'CVE-2024-21626')!.affected;
    expect(inRanges('1.0.0-rc92', leaky)).toBe(false);
    expect(inRanges('1.0.0-rc93', leaky)).toBe(true);
    expect(inRanges('1.1.11', leaky)).toBe(true);
    expect(inRanges('1.1.12', leaky)).toBe(false);
  });

  it('has catalog entries whose versions all parse and whose ranges are ordered', () => {
    for (const e of [...KERNEL_CVES, ...RUNTIME_CVES]) {
      expect(e.references.length, e.id).toBeGreaterThan(0);
      for (const r of e.affected) {
        expect(parseVersion(r.fixed), `${e.id} ${r.fixed}`).not.toBeNull();
        if (r.introduced !== undefined) expect(compareVersions(r.introduced, r.fixed), `${e.id} ${r.introduced}`).toBeLessThan(0);
      }
    }
  });
});
